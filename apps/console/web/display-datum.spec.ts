import { toDisplay, toLatLng } from './display-datum';

/** WGS-84 → GCJ-02 reference pairs published with the eviltransform test suite (lat, lon order there). */
const REFERENCE: Array<{ place: string; wgs: [number, number]; gcj: [number, number] }> = [
  { place: 'Shanghai', wgs: [121.5272106, 31.1774276], gcj: [121.531541859215, 31.17530398364597] },
  { place: 'Shenzhen', wgs: [113.912316, 22.543847], gcj: [113.9171764808363, 22.540796131694766] },
  { place: 'Beijing', wgs: [116.377817, 39.911954], gcj: [116.38404722455657, 39.91334545536069] },
];

describe('display datum', () => {
  it.each(REFERENCE)('shifts $place to GCJ-02 as the published reference does', ({ wgs, gcj }) => {
    const [lon, lat] = toDisplay('gcj02', wgs);
    // 1e-6 degrees is about 0.1 m.
    expect(Math.abs(lon - gcj[0])).toBeLessThan(1e-6);
    expect(Math.abs(lat - gcj[1])).toBeLessThan(1e-6);
  });

  it('leaves WGS-84 tiles and points outside China alone, and gives Leaflet lat first', () => {
    expect(toDisplay('wgs84', [121.5, 31.2])).toEqual([121.5, 31.2]);
    expect(toDisplay('gcj02', [1.52, 42.5])).toEqual([1.52, 42.5]);
    expect(toLatLng('wgs84', [1.52, 42.5])).toEqual([42.5, 1.52]);
  });
});
