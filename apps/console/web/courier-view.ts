import { api, ApiError } from './api';
import { clear, h } from './dom';
import { formatKm, formatTime, t } from './i18n';
import type { LonLat } from './display-datum';
import type { MapView } from './map-view';

interface CourierRoute {
  vehicleCode: string;
  distanceM: number;
  geometry: { coordinates: LonLat[] } | null;
  visits: Array<{ seq: number; orderId: string | null; location: LonLat; arrivalAt: string }>;
}

/** A courier's own committed route (the API serves only theirs) and a link to the printable sheet. */
export class CourierView {
  readonly el = h('div', { class: 'panel', 'data-testid': 'courier-view' });

  constructor(private readonly map: MapView) {}

  async start(): Promise<void> {
    let route: CourierRoute;
    try {
      // The courier's plan holds only their own committed route.
      route = (await api<{ routes: CourierRoute[] }>('planner', '/courier/route')).routes[0];
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        clear(this.el, h('section', { class: 'card' }, h('h2', {}, t('myRoute')), h('p', {}, t('noRoute'))));
        return;
      }
      throw error;
    }
    const stops = route.visits.filter((v) => v.orderId);
    this.map.showRoutes([
      {
        vehicleId: route.vehicleCode,
        label: route.vehicleCode,
        line: route.geometry?.coordinates ?? stops.map((v) => v.location),
        stops: stops.map((v) => ({ at: v.location, label: `#${v.seq} ${formatTime(v.arrivalAt)}` })),
      },
    ]);
    clear(
      this.el,
      h(
        'section',
        { class: 'card' },
        h('h2', {}, `${t('myRoute')} · ${route.vehicleCode} · ${formatKm(route.distanceM)}`),
        h(
          'ol',
          {},
          stops.map((v) => h('li', {}, `${formatTime(v.arrivalAt)} · ${v.orderId!.slice(0, 8)}`)),
        ),
      ),
    );
  }
}
