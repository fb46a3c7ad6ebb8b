import type { DataSource } from 'typeorm';
import type { SimulatedDay } from './main-job-devices';
import { sqlRows } from '@rd/database';

/** The end of the day in numbers: what the main job prints in both modes and checks with --once. */
export interface DaySummary {
  orders: number;
  parcels: number;
  delivered: number;
  failed: number;
  /** Parcels a village point's agent scanned in from a courier (waiting there, or collected since). */
  atVillagePoints: number;
  /** Deliveries inside their window on the plan's clock, of those delivered; null when none was. */
  onTimeShare: number | null;
  kmDriven: number;
  droneSorties: number;
  droneSortieKm: number;
  missionsAccepted: number;
  /** From drone telemetry: 0 until drones fly in the simulation. */
  kmFlown: number;
  alerts: Record<string, number>;
}

export async function daySummary(
  db: DataSource,
  scope: { region: string; mountainRegion: string | null; simulated: SimulatedDay | null },
): Promise<DaySummary> {
  const { region, mountainRegion } = scope;
  const phones = `phone-${region}-%`;
  const [orders] = await sqlRows<{
    orders: number;
    parcels: number;
    delivered: number;
    failed: number;
    at_village_points: number;
  }>(
    db,
    `SELECT count(DISTINCT o.id)::int AS orders, count(p.id)::int AS parcels,
       count(p.id) FILTER (WHERE p.status = 'delivered')::int AS delivered,
       count(p.id) FILTER (WHERE p.status = 'delivery_failed')::int AS failed,
       count(p.id) FILTER (WHERE p.status IN ('arrived_at_village_point', 'collected'))::int AS at_village_points
     FROM orders o JOIN hubs h ON h.id = o.hub_id LEFT JOIN parcels p ON p.order_id = o.id
     WHERE h.region = $1`,
    [region],
  );
  const [driven] = await sqlRows<{ m: number }>(
    db,
    `SELECT coalesce(sum(ST_Length(line::geography)), 0)::float8 AS m FROM (
       SELECT ST_MakeLine(location ORDER BY recorded_at, seq, part) AS line
       FROM telemetry_positions WHERE device_id LIKE $1 GROUP BY device_id) tracks`,
    [phones],
  );
  const [drones] = mountainRegion
    ? await sqlRows<{ sorties: number; m: number; accepted: number }>(
        db,
        `SELECT count(*)::int AS sorties, coalesce(sum(m.distance_m), 0)::float8 AS m,
           count(*) FILTER (WHERE m.status IN ('accepted','uploaded','launched','delivered','returned'))::int AS accepted
         FROM missions m JOIN plans p ON p.id = m.plan_id AND p.status = 'current' WHERE m.region = $1`,
        [mountainRegion],
      )
    : [{ sorties: 0, m: 0, accepted: 0 }];
  const [flown] = await sqlRows<{ m: number }>(
    db,
    `SELECT coalesce(sum(ST_Length(line::geography)), 0)::float8 AS m FROM (
       SELECT ST_MakeLine(t.location ORDER BY t.recorded_at, t.seq, t.part) AS line
       FROM telemetry_positions t JOIN devices d ON d.device_id = t.device_id AND d.kind = 'drone'
       JOIN drones dr ON dr.id = d.drone_id JOIN hubs h ON h.id = dr.home_port_id
       WHERE h.region = ANY($1::text[]) GROUP BY t.device_id) tracks`,
    [[region, mountainRegion ?? region]],
  );
  const alerts = await sqlRows<{ kind: string; n: number }>(
    db,
    `SELECT kind, count(*)::int AS n FROM alerts WHERE device_id LIKE $1 GROUP BY 1 ORDER BY 1`,
    [phones],
  );
  const simulated = scope.simulated;
  return {
    orders: orders.orders,
    parcels: orders.parcels,
    delivered: orders.delivered,
    failed: orders.failed,
    atVillagePoints: orders.at_village_points,
    onTimeShare:
      simulated && simulated.deliveredEvents > 0
        ? simulated.deliveredOnTime / simulated.deliveredEvents
        : null,
    kmDriven: driven.m / 1000,
    droneSorties: drones.sorties,
    droneSortieKm: drones.m / 1000,
    missionsAccepted: drones.accepted,
    kmFlown: flown.m / 1000,
    alerts: Object.fromEntries(alerts.map((a) => [a.kind, a.n])),
  };
}

export type SummaryLocale = 'en' | 'zh-CN';

/** Chinese for a Chinese terminal (LANG / LC_ALL zh_*), else English. */
export function terminalLocale(env: NodeJS.ProcessEnv = process.env): SummaryLocale {
  return /^zh/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh-CN' : 'en';
}

export function summaryLines(s: DaySummary, locale: SummaryLocale): string[] {
  const km = (v: number) => v.toFixed(1);
  const share = s.onTimeShare === null ? '—' : `${Math.round(s.onTimeShare * 100)} %`;
  const alertList = Object.entries(s.alerts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const alertTotal = Object.values(s.alerts).reduce((a, n) => a + n, 0);
  if (locale === 'zh-CN')
    return [
      '当日总结',
      `  订单 ${s.orders} 个（包裹 ${s.parcels} 件）：已送达 ${s.delivered}，投递失败 ${s.failed}，交村级服务点 ${s.atVillagePoints}，其余未送`,
      `  准时率 ${share}（按计划时钟，送达件中在时间窗内的比例）`,
      `  车辆行驶 ${km(s.kmDriven)} 公里（快递员手机轨迹）`,
      `  无人机架次 ${s.droneSorties}（计划航程 ${km(s.droneSortieKm)} 公里，飞手已接受 ${s.missionsAccepted}），实际飞行 ${km(s.kmFlown)} 公里`,
      `  告警 ${alertTotal} 条${alertList ? `：${alertList}` : ''}`,
    ];
  return [
    'End of day',
    `  orders ${s.orders} (${s.parcels} parcels): ${s.delivered} delivered, ${s.failed} failed, ${s.atVillagePoints} handed to village points, the rest not reached`,
    `  on time ${share} (of those delivered, inside their window on the plan's clock)`,
    `  driven ${km(s.kmDriven)} km (couriers' phone tracks)`,
    `  drone sorties ${s.droneSorties} (${km(s.droneSortieKm)} km planned, ${s.missionsAccepted} accepted by a pilot), flown ${km(s.kmFlown)} km`,
    `  alerts ${alertTotal}${alertList ? `: ${alertList}` : ''}`,
  ];
}

/** What --once refuses: a day that delivered nothing, drove nothing, flew no sortie or raised no alert. */
export function summaryProblems(s: DaySummary): string[] {
  const problems: string[] = [];
  if (s.orders === 0) problems.push('no orders');
  if (s.delivered === 0) problems.push('nothing delivered');
  if (s.failed === 0) problems.push('no failed delivery recorded (the simulation fails some on purpose)');
  if (s.delivered + s.failed + s.atVillagePoints > s.parcels) problems.push('more outcomes than parcels');
  if (s.onTimeShare === null) problems.push('no on-time share');
  if (!(s.kmDriven > 0)) problems.push('no km driven');
  if (s.droneSorties === 0) problems.push('no drone sortie');
  if (s.missionsAccepted === 0) problems.push('no mission accepted by a pilot');
  if (!s.alerts.device_silent) problems.push('no silence alert from the phones crossing a dead zone');
  return problems;
}
