import type { CsvPlan } from './plan-csv';

const OSM_CREDIT = 'Map data © OpenStreetMap contributors (ODbL) · 地图数据 © OpenStreetMap 贡献者';
const GENERATED_CREDIT = 'Generated rural county (synthetic roads) · 生成的县域路网';

/** Seconds of the day as HH:MM. */
export function clock(s: number): string {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function planGeoJson(plan: CsvPlan) {
  const features: unknown[] = [
    { type: 'Feature', geometry: { type: 'Point', coordinates: plan.hub }, properties: { role: 'hub' } },
  ];
  for (const r of plan.routes) {
    if (r.geometry.length >= 2)
      features.push({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: r.geometry },
        properties: {
          role: 'route',
          vehicle: r.vehicleId,
          profile: r.profile,
          distanceM: Math.round(r.distanceM),
          durationS: Math.round(r.durationS),
        },
      });
    for (const s of r.stops)
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: s.order.location },
        properties: {
          role: 'stop',
          vehicle: r.vehicleId,
          seq: s.seq,
          order: s.order.id,
          kind: s.order.kind,
          arrival: clock(s.arrivalS),
          landmark: s.order.landmark,
        },
      });
  }
  for (const u of plan.unassigned)
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: u.order.location },
      properties: { role: 'unassigned', order: u.order.id, reason: u.reason },
    });
  return {
    type: 'FeatureCollection',
    attribution: plan.osm ? OSM_CREDIT : GENERATED_CREDIT,
    features,
  };
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * Printable route sheets, one page per vehicle, in Chinese and English side by side: what a courier
 * takes on the road when the phone has no signal.
 */
export function routeSheetsHtml(plan: CsvPlan, title: string): string {
  const km = (m: number) => (m / 1000).toFixed(1);
  const sheets = plan.routes.map(
    (r) => `<section class="sheet">
<h1>${escape(title)} — ${escape(r.vehicleId)}</h1>
<p>路线 Route: ${r.stops.length} 站 stops · ${km(r.distanceM)} 公里 km · ${clock(r.durationS)} 工作时长 working time</p>
<table>
<thead><tr><th>#</th><th>订单 Order</th><th>类型 Kind</th><th>地标 Landmark</th><th>收件人 Recipient</th><th>到达 Arrive</th><th>时间窗 Window</th><th>重量 kg</th><th>签收 Signed</th></tr></thead>
<tbody>
${r.stops
  .map(
    (s) =>
      `<tr><td>${s.seq}</td><td>${escape(s.order.id)}</td><td>${s.order.kind === 'pickup' ? '揽收 pickup' : '派送 delivery'}</td><td>${escape(s.order.landmark)}</td><td>${escape(s.order.recipient)}</td><td>${clock(s.arrivalS)}</td><td>${s.order.window ? `${clock(s.order.window[0])}–${clock(s.order.window[1])}` : '—'}</td><td>${(s.order.weightG / 1000).toFixed(1)}</td><td class="sign"></td></tr>`,
  )
  .join('\n')}
</tbody>
</table>
<p class="credit">${escape(plan.osm ? OSM_CREDIT : GENERATED_CREDIT)}</p>
</section>`,
  );
  const unassigned = plan.unassigned.length
    ? `<section class="sheet"><h1>未安排的订单 Unassigned orders</h1><table><thead><tr><th>订单 Order</th><th>原因 Reason</th></tr></thead><tbody>${plan.unassigned
        .map((u) => `<tr><td>${escape(u.order.id)}</td><td>${escape(u.reason)}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font: 12px/1.4 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', system-ui, sans-serif; margin: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; }
td.sign { width: 80px; }
.credit { color: #555; font-size: 10px; }
.sheet { page-break-after: always; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
${sheets.join('\n')}
${unassigned}
</body>
</html>
`;
}
