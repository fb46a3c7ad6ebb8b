import { generateRuralGraphs, seededRandom } from '@rd/routing';
import { metresPerPixel, roadNetworkGeoJson, simplifyPolyline } from './road-network';

const M_PER_DEG = 111_320;

/** Oracle: distance (m) from a point to the nearest segment of a polyline, by brute force. */
function distanceToPolylineM(p: [number, number], line: [number, number][]): number {
  const kx = M_PER_DEG * Math.cos((p[1] * Math.PI) / 180);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = [line[i][0] * kx, line[i][1] * M_PER_DEG];
    const [bx, by] = [line[i + 1][0] * kx, line[i + 1][1] * M_PER_DEG];
    const [px, py] = [p[0] * kx, p[1] * M_PER_DEG];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
    best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
  }
  return best;
}

describe('road network per zoom', () => {
  it('keeps both ends and every dropped point within the tolerance (seeded random polylines)', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 200; run++) {
      const n = 2 + Math.floor(random() * 40);
      const lon = new Float64Array(n);
      const lat = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        lon[i] = 110 + i * 0.0005 + (random() - 0.5) * 0.0004;
        lat[i] = 30 + (random() - 0.5) * 0.0006;
      }
      const toleranceM = 1 + random() * 40;
      const keep = new Uint8Array(n);
      simplifyPolyline(lon, lat, 0, n - 1, toleranceM, keep, []);
      expect(keep[0]).toBe(1);
      expect(keep[n - 1]).toBe(1);
      const kept: [number, number][] = [];
      for (let i = 0; i < n; i++) if (keep[i]) kept.push([lon[i], lat[i]]);
      for (let i = 0; i < n; i++) {
        expect(distanceToPolylineM([lon[i], lat[i]], kept)).toBeLessThanOrEqual(toleranceM * 1.001);
      }
      // A zero tolerance drops only points exactly on the line: random points are all kept.
      const all = new Uint8Array(n);
      simplifyPolyline(lon, lat, 0, n - 1, 0, all, []);
      expect(all.reduce((s, v) => s + v, 0)).toBe(n);
    }
  });

  it('sends fewer points at lower zooms, all inside the graph, and filters by box', () => {
    const graph = generateRuralGraphs({ seed: 3, targetNodes: 3000 }).motorbike;
    const totalPoints = graph.geomLon.length;
    const counts = [8, 11, 14, 17].map(
      (zoom) => roadNetworkGeoJson(graph, { zoom }).features[0].properties.points,
    );
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]);
    expect(counts[3]).toBeLessThanOrEqual(totalPoints);
    const lines = roadNetworkGeoJson(graph, { zoom: 12 }).features[0].geometry.coordinates;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let i = 0; i < graph.geomLon.length; i++) {
      minLon = Math.min(minLon, graph.geomLon[i]);
      maxLon = Math.max(maxLon, graph.geomLon[i]);
    }
    for (const line of lines) for (const [lon] of line) expect(lon).toBeGreaterThanOrEqual(minLon - 1e-4);
    const midLon = (minLon + maxLon) / 2;
    const west = roadNetworkGeoJson(graph, { zoom: 12, bbox: [minLon - 1, -90, midLon, 90] });
    const westLines = west.features[0].geometry.coordinates;
    expect(westLines.length).toBeGreaterThan(0);
    expect(westLines.length).toBeLessThan(lines.length);
    for (const line of westLines)
      expect(Math.min(...line.map((p) => p[0]))).toBeLessThanOrEqual(midLon + 1e-4);
  });

  it('halves the metres per pixel with each zoom step', () => {
    expect(metresPerPixel(0, 0)).toBeCloseTo(156_543.03, 1);
    expect(metresPerPixel(10, 60) / metresPerPixel(11, 60)).toBeCloseTo(2, 9);
  });
});
