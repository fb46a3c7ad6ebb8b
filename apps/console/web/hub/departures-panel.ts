import { api } from '../api';
import { clear, h } from '../dom';
import { tf, tfOr } from '../field-messages';
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
interface DepartingSortie {
  missionId: string;
  droneSerial: string;
  sortie: number;
  status: string;
  launchAt: string;
  village: string | null;
  parcels: DepartingParcel[];
  geometry: { coordinates: LonLat[] } | null;
}
interface HubDepartures {
  plan: { version: number } | null;
  routes: DepartingRoute[];
  sorties: DepartingSortie[];
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
    this.map?.layers.showFlights(
      data.sorties.map((s) => ({
        id: s.missionId,
        label: `${s.droneSerial} #${s.sortie}`,
        line: s.geometry?.coordinates ?? [],
      })),
    );
    if (!data.routes.length && !data.sorties.length) {
      clear(this.el, h('h2', {}, tf('departures')), h('p', {}, tf('noDepartures')));
      return;
    }
    clear(
      this.el,
      h('h2', {}, tf('departures')),
      data.plan
        ? h(
            'p',
            { 'data-testid': 'departures-summary' },
            tf('departuresOf', {
              v: data.plan.version,
              routes: data.routes.length,
              parcels: data.parcelCount,
            }),
          )
        : null,
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
      data.sorties.length
        ? h(
            'div',
            { class: 'departure', 'data-testid': 'departure-sorties' },
            h('h3', {}, tf('droneSorties')),
            h(
              'ol',
              { class: 'departure-stops' },
              data.sorties.map((s) =>
                h(
                  'li',
                  { 'data-testid': 'departure-sortie', 'data-mission': s.missionId },
                  h('time', {}, formatTime(s.launchAt)),
                  ` ${s.droneSerial} #${s.sortie} · ${tfOr(`missionState_${s.status}`, s.status)} · ${s.village ?? ''} · `,
                  s.parcels.map((p) =>
                    h('code', { 'data-testid': 'departure-parcel', title: p.status }, `${p.trackingNumber} `),
                  ),
                ),
              ),
            ),
          )
        : null,
    );
  }
}
