import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sharedDataPath } from '@rd/testing/shared-data';
import { loadRoadData, parseOrdersCsv, planOrders, PlanInputError, type CsvOrder } from './plan-csv';
import { planGeoJson, routeSheetsHtml } from './plan-outputs';

/** Orders on road nodes of the loaded map, spread over its main component, with morning windows. */
function ordersOn(road: ReturnType<typeof loadRoadData>, count: number): string {
  const { graph, inMain } = road.data.profiles.van;
  const nodes: number[] = [];
  for (let i = 0; i < graph.nodeCount; i++) if (inMain[i]) nodes.push(i);
  const lines = ['id,kind,lon,lat,landmark,recipient,weight_g,window_start,window_end'];
  for (let k = 0; k < count; k++) {
    const n = nodes[Math.floor(((k + 0.5) * nodes.length) / count)];
    lines.push(
      `O-${k},${k % 5 === 4 ? 'pickup' : 'delivery'},${graph.nodeLon[n].toFixed(6)},${graph.nodeLat[n].toFixed(6)},"村委会, 蓝门 ${k}",张三 ${k},${500 + k * 100},08:00,${k % 2 ? '12:00' : '18:00'}`,
    );
  }
  return lines.join('\n');
}

function expectWholePlan(orders: CsvOrder[], plan: ReturnType<typeof planOrders>) {
  const served = plan.routes.flatMap((r) => r.stops.map((s) => s.order.id));
  const left = plan.unassigned.map((u) => u.order.id);
  expect([...served, ...left].sort()).toEqual(orders.map((o) => o.id).sort());
  expect(plan.checkerOk).toBe(true);
  expect(plan.routes.length).toBeGreaterThan(0);
  for (const r of plan.routes) expect(r.geometry.length).toBeGreaterThanOrEqual(2);
  return served;
}

describe('rd plan: a CSV of orders to GeoJSON and route sheets, without server or database', () => {
  it('refuses bad rows naming the row and the field', () => {
    expect(() => parseOrdersCsv('id,lon\n1,2')).toThrow(/no 'lat' column/);
    expect(() => parseOrdersCsv('id,lon,lat\nA,200,10')).toThrow(/row 2: lon\/lat/);
    expect(() => parseOrdersCsv('id,lon,lat\nA,1,1\nA,1,2')).toThrow(/row 3: id 'A' appears twice/);
    expect(() => parseOrdersCsv('id,lon,lat,window_start,window_end\nA,1,1,10:00,09:00')).toThrow(
      /row 2: window_end is not after window_start/,
    );
    expect(() => parseOrdersCsv('id,lon,lat,kind\nA,1,1,parcel')).toThrow(PlanInputError);
    // A BOM (Excel's UTF-8 CSV) and Chinese text read as written.
    const [order] = parseOrdersCsv('\uFEFFid,lon,lat,landmark\nA,1,1,村委会');
    expect(order.landmark).toBe('村委会');
  });

  it('plans a generated county: every order routed or unassigned with a reason, checked, in GeoJSON and printable sheets', () => {
    const road = loadRoadData('generated:5');
    const orders = parseOrdersCsv(ordersOn(road, 30));
    const plan = planOrders(orders, road, {
      fleet: { vans: 1, motorbikes: 2, shiftStartS: 7 * 3600, shiftEndS: 19 * 3600 },
      timeLimitMs: 60_000,
      maxIterations: 300,
      seed: 1,
    });
    const served = expectWholePlan(orders, plan);
    const geojson = planGeoJson(plan);
    expect(geojson.attribution).toMatch(/Generated/);
    const features = geojson.features as Array<{ geometry: { type: string }; properties: { role: string } }>;
    expect(features.filter((f) => f.properties.role === 'route')).toHaveLength(plan.routes.length);
    expect(features.filter((f) => f.properties.role === 'stop')).toHaveLength(served.length);
    const html = routeSheetsHtml(plan, 'orders.csv');
    expect(html.match(/<section class="sheet">/g)).toHaveLength(
      plan.routes.length + (plan.unassigned.length ? 1 : 0),
    );
    expect(html).toContain('村委会, 蓝门 0');
    expect(html).toContain('到达 Arrive');
  });

  it('plans on a real extract (Andorra) and credits OpenStreetMap', () => {
    const road = loadRoadData(sharedDataPath('osm', 'andorra-2025-01.osm.pbf'));
    const orders = parseOrdersCsv(ordersOn(road, 25));
    const plan = planOrders(orders, road, {
      fleet: { vans: 2, motorbikes: 1, shiftStartS: 7 * 3600, shiftEndS: 19 * 3600 },
      timeLimitMs: 60_000,
      maxIterations: 300,
      seed: 1,
    });
    expectWholePlan(orders, plan);
    expect(planGeoJson(plan).attribution).toMatch(/OpenStreetMap/);
    expect(routeSheetsHtml(plan, 'andorra')).toContain('OpenStreetMap');
  }, 120_000);

  // The command itself, built as `npm run build` builds it (into a directory of its own, so a fresh
  // clone runs it too): --help, a usage error, and a plan written to disk.
  // Under the repository, so the built files find node_modules.
  mkdirSync(join(repoRoot(), 'dist'), { recursive: true });
  const buildDir = mkdtempSync(join(repoRoot(), 'dist', 'e2e-rd-cli-'));
  const built = join(buildDir, 'scripts/rd.js');
  const run = (args: string[]) => execFileSync(process.execPath, [built, ...args], { encoding: 'utf8' });
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [
        join(repoRoot(), 'node_modules/@swc/cli/bin/swc.js'),
        'apps',
        'libs',
        'scripts',
        '-d',
        buildDir,
        '--config-file',
        '.swcrc',
        '-q',
      ],
      { cwd: repoRoot(), timeout: 180_000 },
    );
  }, 200_000);
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));
  it('npm run rd -- plan writes plan.geojson and route-sheets.html; every command answers --help', () => {
    expect(run(['--help'])).toContain('plan <orders.csv>');
    expect(run(['plan', '--help'])).toContain('--map');
    expect(run(['token', '--help'])).toContain('--role');
    expect(run(['map', 'import', '--help'])).toContain('--region');
    expect(run(['demo', '--help'])).toContain('--speed');
    const dir = mkdtempSync(join(tmpdir(), 'rd-plan-'));
    try {
      const road = loadRoadData('generated:5');
      const csv = join(dir, 'orders.csv');
      writeFileSync(csv, ordersOn(road, 12));
      const out = run([
        'plan',
        csv,
        '--map',
        'generated:5',
        '--out',
        join(dir, 'out'),
        '--time-limit-ms',
        '2000',
      ]);
      expect(out).toContain('checker ok');
      const geojson = JSON.parse(readFileSync(join(dir, 'out', 'plan.geojson'), 'utf8'));
      expect(geojson.features.length).toBeGreaterThan(12);
      expect(readFileSync(join(dir, 'out', 'route-sheets.html'), 'utf8')).toContain('<table>');
      expect(() =>
        execFileSync(process.execPath, [built, 'plan', csv], { encoding: 'utf8', stdio: 'pipe' }),
      ).toThrow(/--map is required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
