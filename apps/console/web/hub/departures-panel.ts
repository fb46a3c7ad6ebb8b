import { api } from '../api';
import { clear, h } from '../dom';
import { tf } from '../field-messages';
import { formatKm, formatTime } from '../i18n';
import type { LonLat } from '../display-datum';
import { routeColour, type MapView } from '../map-view';
import './departures.css';

interface DepartingParcel {
  id: string;
  trackingNumber: string;
  status: string;
}
interface DepartingStop {
  seq: number;
  type: 'stop' | 'reload';
  orderId: string | null;
  orderKind: string | null;
  village: string | null;
  plannedAt: string;
  parcels: DepartingParcel[];
}
interface DepartingRoute {
  routeId: string;
  vehicleCode: string;
  vehicleKind: string;
  courier: { id: string; name: string } | null;
  departureAt: string;
  distanceM: number;
  geometry: { coordinates: LonLat[] } | null;
  stops: DepartingStop[];
}
interface HubDepartures {
  plan: { version: number } | null;
  routes: DepartingRoute[];
  parcelCount: number;
}

/**
 * What leaves the hub on which route: the committed routes starting here, one block per vehicle and
 * courier, their stops in the order they are served with the parcels to load for each.
 */
export class DeparturesPanel {
  readonly el = h('section', { class: 'card departures', 'data-testid': 'departures' });

  /** With a map, the departing routes are drawn on it in the list's colours. */
  constructor(private readonly map?: MapView) {}

  async load(hubId: string): Promise<void> {
    const data = await api<HubDepartures>('planner', `/hubs/${hubId}/departures`);
    this.map?.showRoutes(
      data.routes.map((route) => ({
        vehicleId: route.vehicleCode,
        label: `${route.vehicleCode} · ${route.courier?.name ?? tf('noCourier')}`,
        committed: true,
        line: route.geometry?.coordinates ?? [],
        stops: [],
      })),
    );
    if (!data.plan || !data.routes.length) {
      clear(this.el, h('h2', {}, tf('departures')), h('p', {}, tf('noDepartures')));
      return;
    }
    clear(
      this.el,
      h('h2', {}, tf('departures')),
      h(
        'p',
        { 'data-testid': 'departures-summary' },
        tf('departuresOf', { v: data.plan.version, routes: data.routes.length, parcels: data.parcelCount }),
      ),
      data.routes.map((route, i) =>
        h(
          'div',
          { class: 'departure', 'data-testid': 'departure-route', 'data-vehicle': route.vehicleCode },
          h(
            'h3',
            {},
            h('span', { class: 'swatch', style: `background:${routeColour(i)}` }),
            `${route.vehicleCode} (${route.vehicleKind}) · ${tf('courier')}: `,
            h('span', { 'data-testid': 'departure-courier' }, route.courier?.name ?? tf('noCourier')),
            ` · ${tf('leavesAt', { at: formatTime(route.departureAt) })} · ${formatKm(route.distanceM)}`,
          ),
          h(
            'ol',
            { class: 'departure-stops' },
            route.stops.map((stop) =>
              h(
                'li',
                { 'data-testid': 'departure-stop', 'data-seq': stop.seq },
                h('time', {}, formatTime(stop.plannedAt)),
                ` ${stop.type === 'reload' ? tf('reloadStop') : (stop.village ?? stop.orderId?.slice(0, 8) ?? '')}`,
                stop.orderKind === 'pickup' ? h('em', {}, ` · ${tf('pickup')}`) : null,
                stop.parcels.length
                  ? h(
                      'span',
                      { class: 'parcels' },
                      ' · ',
                      stop.parcels.map((p) =>
                        h(
                          'code',
                          { 'data-testid': 'departure-parcel', title: p.status },
                          `${p.trackingNumber} `,
                        ),
                      ),
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
  }
}
