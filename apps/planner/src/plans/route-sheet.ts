import type { RouteView, SheetStop } from './plans.repository';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** "HH:MM" of an instant on the service zone's clock (the courier's own), not UTC. */
function clockIn(timeZone: string): (isoString: string) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (isoString) => format.format(new Date(isoString));
}

/**
 * A printable route sheet: stops in order with the landmark to look for, the phone to call, the
 * time window and every parcel's tracking number (what the courier scans at hand-over).
 */
export function renderRouteSheet(
  route: RouteView,
  visits: SheetStop[],
  planVersion: number,
  planDate: string,
  timeZone: string,
): string {
  const time = clockIn(timeZone);
  const stops = mergeVillageStops(visits);
  const rows = stops
    .map((s) => {
      if (s.type !== 'stop') {
        const what = s.type === 'start' ? 'Leave' : s.type === 'end' ? 'Return to' : 'Reload at';
        return `<tr class="hub"><td>${s.seq}</td><td>${time(s.plannedAt)}</td><td colspan="5">${what} ${escape(s.name ?? 'hub')}</td></tr>`;
      }
      const window = s.window ? `${time(s.window.start)}–${time(s.window.end)}` : '';
      if (s.villagePoint) {
        const task = s.kind === 'pickup' ? 'COLLECT FROM VILLAGE POINT' : 'HAND TO VILLAGE POINT';
        return `<tr class="point"><td>${s.seq}</td><td>${time(s.plannedAt)}</td><td>${task}</td>
<td><b>${escape(s.villagePoint.name)}</b><br>${escape(s.landmark ?? '')}</td>
<td></td><td>${s.trackingNumbers.length}</td>
<td class="tn">${s.trackingNumbers.map(escape).join('<br>')}</td></tr>`;
      }
      return `<tr><td>${s.seq}</td><td>${time(s.plannedAt)}</td><td>${s.kind === 'pickup' ? 'PICK UP' : 'DELIVER'}<br>${window}</td>
<td>${escape(s.name ?? '')}<br><b>${escape(s.village ?? '')}</b> ${escape(s.landmark ?? '')}</td>
<td>${escape(s.phone ?? '')}</td><td>${s.trackingNumbers.length}</td>
<td class="tn">${s.trackingNumbers.map(escape).join('<br>')}</td></tr>`;
    })
    .join('\n');
  const parcels = stops.reduce((n, s) => n + s.trackingNumbers.length, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Route sheet ${escape(route.vehicleCode)} ${planDate}</title>
<style>
body{font:12px sans-serif;margin:1cm} table{border-collapse:collapse;width:100%} td,th{border:1px solid #999;padding:3px;vertical-align:top}
th{background:#eee} tr.point td{background:#eef6ee} tr.hub td{background:#f6f6f6;font-style:italic} td.tn{font-family:monospace} @media print{a{display:none}}
</style></head><body>
<h1>Route sheet — ${escape(route.vehicleCode)} (${escape(route.vehicleKind)}), ${planDate}</h1>
<p>Plan v${planVersion} · ${stops.filter((s) => s.type === 'stop').length} stops · ${parcels} parcels · ${(route.distanceM / 1000).toFixed(1)} km ·
${route.trips} trip(s) · ${time(route.startAt)}–${time(route.endAt)} (${escape(timeZone)} time)</p>
<table><thead><tr><th>#</th><th>Planned</th><th>Task / window</th><th>Who / where</th><th>Phone</th><th>Parcels</th><th>Tracking numbers</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p style="font-size:10px">Map data © OpenStreetMap contributors (ODbL).</p>
</body></html>`;
}

/**
 * One row per village point: the consecutive visits of its orders (the planner keeps them together)
 * become one stop listing every parcel, the agent's counter instead of each recipient's door.
 */
export function mergeVillageStops(stops: SheetStop[]): SheetStop[] {
  const out: Array<SheetStop & { orders?: number }> = [];
  for (const s of stops) {
    const last = out[out.length - 1];
    if (s.villagePoint && last?.villagePoint?.id === s.villagePoint.id && last.kind === s.kind) {
      last.trackingNumbers = [...last.trackingNumbers, ...s.trackingNumbers];
      last.orders = (last.orders ?? 1) + 1;
      last.landmark = `${last.orders} orders`;
      continue;
    }
    out.push(
      s.villagePoint ? { ...s, name: s.villagePoint.name, phone: null, landmark: '1 order', orders: 1 } : s,
    );
  }
  return out;
}
