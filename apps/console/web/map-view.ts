import L from 'leaflet';
import { api } from './api';
import { toLatLng, type Datum, type LonLat } from './display-datum';
import { MapLayers, type HubMarker } from './layers/map-layers';

export interface ClientConfig {
  region: string;
  devLogin: boolean;
  tiles: { url: string; datum: Datum } | null;
  attribution: string;
}

interface RoadNetwork {
  features: Array<{ geometry: { coordinates: LonLat[][] }; properties: { zoom: number } }>;
}

export interface MapRoute {
  vehicleId: string;
  label: string;
  line: LonLat[];
  stops: Array<{ at: LonLat; label: string }>;
  /** A proposed (not yet committed) route is dashed; committed or unknown ones are solid. */
  committed?: boolean;
}

/** Distinct colours for routes (Okabe–Ito and Tableau, readable on light roads); beyond them, golden-angle hues. */
const ROUTE_COLOURS = [
  '#e41a1c',
  '#377eb8',
  '#4daf4a',
  '#984ea3',
  '#ff7f00',
  '#a65628',
  '#f781bf',
  '#17becf',
  '#bcbd22',
  '#1f3a93',
  '#d62728',
  '#2ca02c',
];
export function routeColour(index: number): string {
  return index < ROUTE_COLOURS.length
    ? ROUTE_COLOURS[index]
    : `hsl(${Math.round((index * 137.508) % 360)}, 70%, 42%)`;
}

/** Zooms the planner is asked for: below 9 a county is a smudge, above 16 the graph has no more detail. */
const MIN_ROAD_ZOOM = 8;
const MAX_ROAD_ZOOM = 16;
/** From this zoom on, roads are fetched for the view's box rather than the whole region. */
const BOXED_ROAD_ZOOM = 13;

/**
 * The Leaflet map: the region's roads drawn from the planner's graph (works with no internet),
 * online tiles only when configured, and layers the views fill (hubs, routes).
 */
export class MapView {
  readonly map: L.Map;
  private readonly datum: Datum;
  private readonly roads = L.layerGroup();
  private readonly routes = L.layerGroup();
  /** Hubs, airspace and flight paths, with the layer switcher and the legend. */
  readonly layers: MapLayers;
  private roadsZoom = -1;
  /** The box the drawn roads cover, or null for the whole region. */
  private roadsBox: L.LatLngBounds | null = null;
  private roadsTicket = 0;
  private fitted = false;

  constructor(
    container: HTMLElement,
    private readonly config: ClientConfig,
  ) {
    this.datum = config.tiles?.datum ?? 'wgs84';
    this.map = L.map(container, { preferCanvas: false, zoomControl: true });
    this.map.attributionControl.setPrefix(false);
    if (config.tiles) {
      L.tileLayer(config.tiles.url, { attribution: config.attribution, maxZoom: 19 }).addTo(this.map);
    } else {
      // The roads come from OSM data too: the credit is shown with or without tiles.
      this.map.attributionControl.addAttribution(config.attribution);
    }
    this.roads.addTo(this.map);
    this.routes.addTo(this.map);
    this.layers = new MapLayers(this.map, this.datum, this.roads, this.routes);
    this.map.setView([0, 0], 2);
    this.map.on('moveend', () => void this.loadRoads());
  }

  /** First load: fetch a coarse network, fit the view to it, then the zoom's own detail follows. */
  async start(): Promise<void> {
    await this.loadRoads(10);
  }

  private async loadRoads(requested?: number): Promise<void> {
    const zoom = Math.max(
      MIN_ROAD_ZOOM,
      Math.min(MAX_ROAD_ZOOM, Math.round(requested ?? this.map.getZoom())),
    );
    // Up close only the roads around the view travel (the whole county at zoom 13 is ~1 MB); the
    // box is padded by half a screen each way (more than the GCJ-02 shift) so panning rarely refetches.
    const box = zoom >= BOXED_ROAD_ZOOM && requested === undefined ? this.map.getBounds().pad(0.5) : null;
    if (
      zoom === this.roadsZoom &&
      (this.roadsBox === null ? box === null : box !== null && this.roadsBox.contains(this.map.getBounds()))
    ) {
      return;
    }
    this.roadsZoom = zoom;
    this.roadsBox = box;
    const ticket = ++this.roadsTicket;
    const network = await api<RoadNetwork>(
      'planner',
      `/regions/${encodeURIComponent(this.config.region)}/road-network`,
      {
        query: {
          zoom: String(zoom),
          bbox: box
            ? [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()]
                .map((v) => v.toFixed(5))
                .join(',')
            : undefined,
        },
      },
    );
    if (ticket !== this.roadsTicket) return; // a newer view won the race
    const lines = network.features.flatMap((f) =>
      f.geometry.coordinates.map((line) => line.map((p) => toLatLng(this.datum, p))),
    );
    this.roads.clearLayers();
    L.polyline(lines, {
      color: '#8a8a8a',
      weight: zoom >= 13 ? 2 : 1,
      opacity: 0.8,
      interactive: false,
      className: 'rd-roads',
    }).addTo(this.roads);
    if (!this.fitted && lines.length) {
      this.fitted = true;
      this.map.fitBounds(L.latLngBounds(lines.flat()), { padding: [8, 8] });
    }
  }

  showHubs(hubs: HubMarker[]): void {
    this.layers.showHubs(hubs);
  }

  /** Frames these points (e.g. a mission's path); later road loads keep the view. */
  frame(points: LonLat[]): void {
    if (points.length < 2) return;
    this.fitted = true;
    this.map.fitBounds(L.latLngBounds(points.map((p) => toLatLng(this.datum, p))), { padding: [24, 24] });
  }

  showRoutes(routes: MapRoute[]): void {
    this.routes.clearLayers();
    const all = routes.flatMap((r) => r.line.map((p) => toLatLng(this.datum, p)));
    if (!this.fitted && all.length >= 2) {
      // The first plan shown frames the view; later redraws keep what the user chose.
      this.fitted = true;
      this.map.fitBounds(L.latLngBounds(all), { padding: [16, 16] });
    }
    routes.forEach((route, i) => {
      const colour = routeColour(i);
      const line = route.line.map((p) => toLatLng(this.datum, p));
      if (line.length >= 2) {
        const proposed = route.committed === false;
        L.polyline(line, {
          color: colour,
          weight: proposed ? 3 : 4,
          opacity: 0.9,
          dashArray: proposed ? '10 6' : undefined,
          className: proposed ? 'rd-route rd-route-proposed' : 'rd-route rd-route-committed',
        })
          .bindTooltip(route.label)
          .addTo(this.routes);
      }
      for (const stop of route.stops) {
        L.circleMarker(toLatLng(this.datum, stop.at), {
          radius: 4,
          color: colour,
          fillColor: '#fff',
          fillOpacity: 1,
          weight: 2,
          className: 'rd-stop',
        })
          .bindTooltip(stop.label)
          .addTo(this.routes);
      }
    });
  }

  /** Leaflet measures its container: call after the container becomes visible or changes size. */
  refreshSize(): void {
    this.map.invalidateSize();
  }
}
