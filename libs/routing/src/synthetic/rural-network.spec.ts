import { mulberry32 } from '../../test-fixtures/random-graph';
import { ChQuery } from '../ch/ch-query';
import { contract } from '../ch/contract';
import { Seeds } from '../ch/seeds';
import { largestStronglyConnectedComponent } from '../components';
import { BidirectionalDijkstra } from '../dijkstra';
import { buildArcGraph } from '../road-graph';
import { generateRuralGraphs, generateRuralNetwork } from './rural-network';

describe('generated rural county', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateRuralNetwork({ seed: 9, targetNodes: 3000 });
    const b = generateRuralNetwork({ seed: 9, targetNodes: 3000 });
    const c = generateRuralNetwork({ seed: 10, targetNodes: 3000 });
    expect(a.osm.nodeLon).toEqual(b.osm.nodeLon);
    expect(a.osm.wayRefs).toEqual(b.osm.wayRefs);
    expect(a.osm.nodeLon).not.toEqual(c.osm.nodeLon);
  });

  it('builds graphs near the requested size, mostly one component, tracks only for motorbikes, and CH = Dijkstra', () => {
    const graphs = generateRuralGraphs({ seed: 4, targetNodes: 5000 });
    const van = graphs.van;
    expect(van.nodeCount).toBeGreaterThan(3500);
    expect(van.nodeCount).toBeLessThan(6500);
    expect(graphs.motorbike.edgeCount).toBeGreaterThan(van.edgeCount);
    const inMain = largestStronglyConnectedComponent(buildArcGraph(van, 'fastest'));
    expect(inMain.reduce((s, v) => s + v, 0) / van.nodeCount).toBeGreaterThan(0.9);
    const ch = new ChQuery(contract(van, 'fastest'));
    const dj = new BidirectionalDijkstra(buildArcGraph(van, 'fastest'));
    const rnd = mulberry32(8);
    for (let i = 0; i < 500; i++) {
      const s = Math.floor(rnd() * van.nodeCount);
      const t = Math.floor(rnd() * van.nodeCount);
      const a = ch.query(Seeds.node(s), Seeds.node(t)).weight;
      const b = dj.query(Seeds.node(s), Seeds.node(t)).weight;
      expect(Math.abs(a - b) <= 1e-9 * Math.max(1, b) || a === b).toBe(true);
    }
  });
});
