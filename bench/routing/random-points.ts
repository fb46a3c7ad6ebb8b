import {
  graphBbox,
  seededRandom,
  type ChRoadRouter,
  type LonLat,
  type RoadGraph,
  type SnappedPoint,
} from '@rd/routing';

/** `count` snapped points of a graph, seeded: half near roads (like stops), half anywhere in its box. */
export function randomSnapped(
  router: ChRoadRouter,
  g: RoadGraph,
  count: number,
  seed: number,
  profile: string,
): SnappedPoint[] {
  const rnd = seededRandom(seed);
  const out: SnappedPoint[] = [];
  const [minLon, minLat, maxLon, maxLat] = graphBbox(g);
  while (out.length < count) {
    // half near roads (like stops), half anywhere in the box
    const batch: LonLat[] = [];
    for (let i = 0; i < 512; i++) {
      if (i % 2 === 0) {
        const p = g.edgeGeomFirst[Math.floor(rnd() * g.edgeCount)];
        batch.push([g.geomLon[p] + (rnd() - 0.5) * 0.004, g.geomLat[p] + (rnd() - 0.5) * 0.003]);
      } else batch.push([minLon + rnd() * (maxLon - minLon), minLat + rnd() * (maxLat - minLat)]);
    }
    for (const s of router.snapSync(batch, { profile, maxDistanceM: 2000 }))
      if (s.ok && out.length < count) out.push(s);
  }
  return out;
}
