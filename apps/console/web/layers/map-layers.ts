import L from 'leaflet';
import { apiAllFeatures } from '../api';
import { toLatLng, type Datum, type LonLat } from '../display-datum';
import { h } from '../dom';
import { tf, type FieldMessageKey } from '../field-messages';
import { zoneActiveAt, type ZoneTimes } from './zone-activity';
import './layers.css';

export interface HubMarker {
  name: string;
  kind: string;
  location: LonLat;
}

/** An order where its stop is (the recipient's door, or the sender's for a pickup), by status. */
export interface OrderMarker {
  id: string;
  kind: string;
  status: string;
  location: LonLat;
  label: string;
}

/** Order statuses in the order a day moves them, each with its colour on the map and in the legend. */
export const ORDER_STATUS_COLOURS: Record<string, string> = {
  accepted: '#1f78b4',
  planned: '#6a3d9a',
  in_progress: '#ff7f00',
  completed: '#33a02c',
  cancelled: '#888888',
};

export interface FlightLine {
  id: string;
  label: string;
  line: LonLat[];
}

interface Feature<P> {
  id: string;
  geometry: GeoJSON.Geometry;
  properties: P;
}
type ZoneFeature = Feature<
  ZoneTimes & { name: string; kind: string; floorM: number; ceilingM: number; altitudeRef: string }
>;
type CorridorFeature = Feature<{ name: string; ports: string[] }>;
type SpotFeature = Feature<{ name: string; lowering: string; clearRadiusM: number }>;

/** Flight paths get colours of their own (dotted), apart from the routes' palette. */
const FLIGHT_COLOURS = [
  '#6a3d9a',
  '#00868b',
  '#d95f02',
  '#e7298a',
  '#1b7837',
  '#7570b3',
  '#8c510a',
  '#0570b0',
];
export function flightColour(index: number): string {
  return index < FLIGHT_COLOURS.length
    ? FLIGHT_COLOURS[index]
    : `hsl(${Math.round((index * 137.508 + 60) % 360)}, 65%, 38%)`;
}

const HUB_KINDS = ['county_hub', 'township_station', 'village_service_point', 'drone_port'] as const;

/** Roles the airspace API answers (the others get 403, so they are not asked). */
const AIRSPACE_READERS = new Set(['dispatcher', 'pilot', 'admin']);

/**
 * The map's thematic layers, each switchable and explained in a legend: hubs and service points
 * (an icon per kind), landing spots, no-fly zones (active ones highlighted), corridors, courier
 * routes (committed solid, proposed dashed) and drone flight paths, each route and flight in its own colour.
 */
export class MapLayers {
  readonly hubs = L.layerGroup();
  readonly spots = L.layerGroup();
  readonly zones = L.layerGroup();
  readonly corridors = L.layerGroup();
  readonly flights = L.layerGroup();
  readonly orders = L.layerGroup();

  constructor(
    map: L.Map,
    private readonly datum: Datum,
    roads: L.LayerGroup,
    routes: L.LayerGroup,
  ) {
    // Draw order: areas under lines under points.
    for (const group of [this.corridors, this.zones, this.flights, this.orders, this.spots, this.hubs])
      group.addTo(map);
    const overlays: Array<[FieldMessageKey, L.LayerGroup]> = [
      ['layer_roads', roads],
      ['layer_hubs', this.hubs],
      ['layer_spots', this.spots],
      ['layer_zones', this.zones],
      ['layer_corridors', this.corridors],
      ['layer_routes', routes],
      ['layer_flights', this.flights],
      ['layer_orders', this.orders],
    ];
    const control = L.control.layers(
      undefined,
      Object.fromEntries(overlays.map(([key, group]) => [tf(key), group])),
      { collapsed: false, position: 'topright' },
    );
    control.addTo(map);
    const box = control.getContainer();
    box?.setAttribute('data-testid', 'layer-switcher');
    box?.setAttribute('aria-label', tf('layers'));
    const legend = new L.Control({ position: 'bottomright' });
    legend.onAdd = () => legendElement();
    legend.addTo(map);
  }

  private latLng = (c: number[]): L.LatLng => L.latLng(toLatLng(this.datum, [c[0], c[1]]));

  showHubs(hubs: HubMarker[]): void {
    this.hubs.clearLayers();
    for (const hub of hubs) {
      const kind = (HUB_KINDS as readonly string[]).includes(hub.kind) ? hub.kind : 'county_hub';
      L.marker(toLatLng(this.datum, hub.location), {
        icon: L.divIcon({ className: `rd-hub rd-hub-${kind}`, iconSize: [16, 16], html: '' }),
        keyboard: false,
        title: hub.name,
      })
        .bindTooltip(`${hub.name} · ${tf(`hub_${kind}` as FieldMessageKey)}`)
        .addTo(this.hubs);
    }
  }

  /** Orders as dots coloured by status (what the dispatcher's filter lists); `append` adds a page. */
  showOrders(orders: OrderMarker[], append = false): void {
    if (!append) this.orders.clearLayers();
    for (const order of orders) {
      const colour = ORDER_STATUS_COLOURS[order.status] ?? '#000000';
      L.circleMarker(toLatLng(this.datum, order.location), {
        radius: order.kind === 'pickup' ? 5 : 4,
        color: '#ffffff',
        weight: 1,
        fillColor: colour,
        fillOpacity: 0.9,
        className: `rd-order rd-order-${order.status}`,
      })
        .bindTooltip(order.label)
        .addTo(this.orders);
    }
  }

  /** The region's airspace; `nowMs` decides which zones are drawn as active. */
  showAirspace(
    airspace: { zones: ZoneFeature[]; corridors: CorridorFeature[]; spots: SpotFeature[] },
    nowMs: number,
  ): void {
    this.zones.clearLayers();
    this.corridors.clearLayers();
    this.spots.clearLayers();
    for (const zone of airspace.zones) {
      const p = zone.properties;
      const active = zoneActiveAt(p, nowMs);
      L.geoJSON(zone.geometry, {
        coordsToLatLng: this.latLng,
        style: active
          ? {
              color: '#c1121f',
              weight: 2,
              fillColor: '#e63946',
              fillOpacity: 0.35,
              className: 'rd-zone rd-zone-active',
            }
          : {
              color: '#6c757d',
              weight: 1,
              dashArray: '4 4',
              fillOpacity: 0.06,
              className: 'rd-zone rd-zone-inactive',
            },
      })
        .bindTooltip(
          `${p.name} (${p.kind}) · ${tf(active ? 'zoneActive' : 'zoneInactive')} · ${p.floorM}–${p.ceilingM} m ${p.altitudeRef}`,
        )
        .addTo(this.zones);
    }
    for (const corridor of airspace.corridors) {
      L.geoJSON(corridor.geometry, {
        coordsToLatLng: this.latLng,
        style: {
          color: '#0a9396',
          weight: 1,
          dashArray: '6 3',
          fillColor: '#94d2bd',
          fillOpacity: 0.2,
          className: 'rd-corridor',
        },
      })
        .bindTooltip(`${corridor.properties.name} · ${corridor.properties.ports.join(', ')}`)
        .addTo(this.corridors);
    }
    for (const spot of airspace.spots) {
      if (spot.geometry.type !== 'Point') continue;
      L.circleMarker(this.latLng(spot.geometry.coordinates), {
        radius: 5,
        color: '#5a189a',
        fillColor: '#c77dff',
        fillOpacity: 1,
        weight: 2,
        className: 'rd-spot',
      })
        .bindTooltip(`${spot.properties.name} · ${spot.properties.lowering}`)
        .addTo(this.spots);
    }
  }

  /** Drone flight paths (port → spot → port), each dotted in its own colour. */
  showFlights(flights: FlightLine[]): L.LatLng[] {
    this.flights.clearLayers();
    const all: L.LatLng[] = [];
    flights.forEach((flight, i) => {
      const line = flight.line.map((p) => this.latLng(p));
      all.push(...line);
      if (line.length < 2) return;
      L.polyline(line, {
        color: flightColour(i),
        weight: 3,
        opacity: 0.95,
        dashArray: '2 7',
        lineCap: 'round',
        className: 'rd-flight',
      })
        .bindTooltip(flight.label)
        .addTo(this.flights);
    });
    return all;
  }

  /** Reads the region's airspace where the role may (dispatcher, pilot, admin). */
  async loadAirspace(region: string, role: string, nowMs: number): Promise<void> {
    if (!AIRSPACE_READERS.has(role)) return;
    const base = `/regions/${encodeURIComponent(region)}`;
    const [zones, corridors, spots] = await Promise.all(
      ['no-fly-zones', 'corridors', 'landing-spots'].map((layer) =>
        apiAllFeatures<Feature<never>>('intake', `${base}/${layer}`),
      ),
    );
    this.showAirspace(
      {
        zones: zones as unknown as ZoneFeature[],
        corridors: corridors as unknown as CorridorFeature[],
        spots: spots as unknown as SpotFeature[],
      },
      nowMs,
    );
  }
}

function legendElement(): HTMLElement {
  const row = (sample: HTMLElement, key: FieldMessageKey) => h('li', {}, sample, h('span', {}, tf(key)));
  const icon = (cls: string) => h('span', { class: `rd-legend-icon ${cls}` });
  return h(
    'div',
    { class: 'rd-legend', 'data-testid': 'legend' },
    h('strong', {}, tf('legend')),
    h(
      'ul',
      {},
      HUB_KINDS.map((kind) => row(icon(`rd-hub rd-hub-${kind}`), `hub_${kind}` as FieldMessageKey)),
      row(icon('rd-legend-spot'), 'landingSpot'),
      row(icon('rd-legend-zone-active'), 'zoneActive'),
      row(icon('rd-legend-zone-inactive'), 'zoneInactive'),
      row(icon('rd-legend-corridor'), 'corridor'),
      row(icon('rd-legend-line rd-legend-committed'), 'routeCommitted'),
      row(icon('rd-legend-line rd-legend-proposed'), 'routeProposed'),
      row(icon('rd-legend-line rd-legend-flight'), 'flightPath'),
      Object.entries(ORDER_STATUS_COLOURS).map(([status, colour]) =>
        row(
          h('span', { class: 'rd-legend-icon rd-legend-order', style: `background: ${colour}` }),
          `orderStatus_${status}` as FieldMessageKey,
        ),
      ),
    ),
  );
}
