import { roadProfileOf } from './plan-input';

describe('roadProfileOf', () => {
  it('routes each kind on its own profile where the map has it; tricycles fall back to the motorbike graph', () => {
    const all = ['van', 'motorbike', 'tricycle'];
    expect(roadProfileOf('van', all)).toBe('van');
    expect(roadProfileOf('motorbike', all)).toBe('motorbike');
    expect(roadProfileOf('tricycle', all)).toBe('tricycle');
    expect(roadProfileOf('tricycle', ['van', 'motorbike'])).toBe('motorbike');
  });
});
