import { Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import {
  airspacePropertiesSchema,
  DomainError,
  zodDetails,
  type AirspaceImport,
  type AirspaceLayer,
  type ErrorDetail,
  type RegionWeatherInput,
  type PageQuery,
} from '@rd/domain';
import { circleToPolygon, validateZoneGeometry, type LonLat } from '@rd/flight';
import { decodeCursor } from '@rd/database';
import { buffer, lineString } from '@turf/turf';
import {
  AirspaceRepository,
  type AirspaceTable,
  type CorridorToStore,
  type FeaturePage,
  type FeatureSelection,
  type GeoFeature,
  type SpotToStore,
  type ZoneToStore,
} from './airspace.repository';

export interface AirspaceImportReport {
  region: string;
  imported: { noFlyZones: number; corridors: number; landingSpots: number };
  ids: string[];
  /** Features whose rings were re-wound to RFC 7946 order (fixed, not refused). */
  rewound: number[];
}

type Prepared =
  | { layer: 'no_fly_zone'; zone: ZoneToStore }
  | { layer: 'corridor'; corridor: CorridorToStore }
  | { layer: 'landing_spot'; spot: SpotToStore };

const TABLE_OF: Record<AirspaceLayer, AirspaceTable> = {
  no_fly_zone: 'no_fly_zones',
  corridor: 'corridors',
  landing_spot: 'landing_spots',
};

/**
 * Airspace of a region from GeoJSON: each feature's properties are checked against its layer's schema
 * and its geometry by the flight library (closed rings, no self-intersection, plausible size; wrong
 * winding is fixed). One bad feature refuses the whole import, naming every problem by feature.
 */
@Injectable()
export class AirspaceService {
  constructor(private readonly repo: AirspaceRepository) {}

  async import(region: string, collection: AirspaceImport, source = 'api'): Promise<AirspaceImportReport> {
    const details: ErrorDetail[] = [];
    const prepared: Prepared[] = [];
    const rewound: number[] = [];
    const codes = new Set<string>();
    for (const f of collection.features) {
      const p = f.properties;
      if (p.layer === 'corridor' && Array.isArray(p.ports)) for (const c of p.ports) codes.add(String(c));
      if (p.layer === 'landing_spot' && typeof p.hub === 'string') codes.add(p.hub);
    }
    const hubs = await this.repo.hubsByCode(region, [...codes]);
    collection.features.forEach((feature, i) => {
      const at = `features.${i}`;
      const parsed = airspacePropertiesSchema.safeParse(feature.properties);
      if (!parsed.success) {
        details.push(...zodDetails(parsed.error, `${at}.properties`));
        return;
      }
      const props = parsed.data;
      const fail = (reason: string, field = `${at}.geometry`) => details.push({ field, reason });
      const polygon = (geometry: unknown, field: string): number[][][] | null => {
        const checked = validateZoneGeometry(geometry);
        if (!checked.ok) {
          fail(`${checked.code}: ${checked.reason}`, field);
          return null;
        }
        if (checked.rewound && !rewound.includes(i)) rewound.push(i);
        return checked.polygon.coordinates;
      };
      const geometry = feature.geometry;
      switch (props.layer) {
        case 'no_fly_zone': {
          let parts: Array<number[][][] | null>;
          if (geometry.type === 'Polygon') parts = [polygon(geometry, `${at}.geometry`)];
          else if (geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates))
            parts = (geometry.coordinates as unknown[]).map((coordinates, k) =>
              polygon({ type: 'Polygon', coordinates }, `${at}.geometry.coordinates.${k}`),
            );
          else if (geometry.type === 'Point') {
            const point = lonLatOf(geometry.coordinates);
            if (!point) return fail('a Point needs [lon, lat] within range');
            if (!props.radiusM)
              return fail('a circular zone needs properties.radiusM', `${at}.properties.radiusM`);
            parts = [circleToPolygon(point, props.radiusM).coordinates];
          } else
            return fail(
              `a no-fly zone must be a Polygon, a MultiPolygon or a Point with radiusM, not ${geometry.type}`,
            );
          if (!parts.length) return fail('a MultiPolygon needs at least one polygon');
          if (parts.some((x) => x === null)) return;
          prepared.push({
            layer: 'no_fly_zone',
            zone: {
              name: props.name,
              kind: props.kind,
              multiPolygon: parts as number[][][][],
              floorM: props.floorM,
              ceilingM: props.ceilingM,
              altitudeRef: props.altitudeRef,
              activePeriods: (props.activePeriods ?? []).map((w) => ({
                fromMs: Date.parse(w.from),
                toMs: Date.parse(w.to),
              })),
              dailyWindowsUtc: (props.dailyWindowsUtc ?? []).map((w) => ({
                fromMinuteUtc: minutesOf(w.from),
                toMinuteUtc: minutesOf(w.to),
              })),
              source: props.source ?? source,
            },
          });
          return;
        }
        case 'corridor': {
          const portIds: string[] = [];
          props.ports.forEach((code, k) => {
            const hub = hubs.get(code);
            if (!hub) fail(`no hub '${code}' in region ${region}`, `${at}.properties.ports.${k}`);
            else if (hub.kind !== 'drone_port')
              fail(`hub '${code}' is a ${hub.kind}, not a drone_port`, `${at}.properties.ports.${k}`);
            else portIds.push(hub.id);
          });
          let rings: number[][][] | null;
          let centreline: number[][] | null = null;
          if (geometry.type === 'Polygon') rings = polygon(geometry, `${at}.geometry`);
          else if (geometry.type === 'LineString') {
            const line = Array.isArray(geometry.coordinates) ? geometry.coordinates.map(lonLatOf) : [];
            if (line.length < 2 || line.some((x) => x === null))
              return fail('a LineString needs at least two [lon, lat] positions within range');
            if (!props.halfWidthM)
              return fail('a corridor centreline needs properties.halfWidthM', `${at}.properties.halfWidthM`);
            centreline = line as LonLat[];
            // The lane is the centreline buffered by its half width (flat caps are not needed at ports and spots).
            const lane = buffer(lineString(centreline), props.halfWidthM, { units: 'meters', steps: 8 });
            rings = lane ? polygon(lane.geometry, `${at}.geometry`) : null;
            if (!lane) fail('the centreline could not be buffered');
          } else
            return fail(`a corridor must be a Polygon or a LineString with halfWidthM, not ${geometry.type}`);
          if (!rings || portIds.length !== props.ports.length) return;
          prepared.push({
            layer: 'corridor',
            corridor: {
              name: props.name,
              polygon: rings,
              centreline,
              floorM: props.floorM,
              ceilingM: props.ceilingM,
              altitudeRef: props.altitudeRef,
              portIds,
              source: props.source ?? source,
            },
          });
          return;
        }
        case 'landing_spot': {
          const point = geometry.type === 'Point' ? lonLatOf(geometry.coordinates) : null;
          if (!point) return fail(`a landing spot must be a Point with [lon, lat] within range`);
          const hub = props.hub ? hubs.get(props.hub) : undefined;
          if (props.hub && !hub)
            return fail(`no hub '${props.hub}' in region ${region}`, `${at}.properties.hub`);
          prepared.push({
            layer: 'landing_spot',
            spot: {
              name: props.name,
              hubId: hub?.id ?? null,
              point,
              clearRadiusM: props.clearRadiusM,
              lowering: props.lowering,
              elevationAmslM: props.elevationAmslM ?? null,
              source: props.source ?? source,
            },
          });
          return;
        }
      }
    });
    if (details.length)
      throw DomainError.validation(details, `the airspace import has ${details.length} problem(s)`);
    const ids = await this.repo.transaction(async (m) => {
      const out: string[] = [];
      for (const p of prepared) {
        if (p.layer === 'no_fly_zone') out.push(await this.repo.insertZone(m, region, p.zone));
        else if (p.layer === 'corridor') out.push(await this.repo.insertCorridor(m, region, p.corridor));
        else out.push(await this.repo.insertSpot(m, region, p.spot));
      }
      return out;
    });
    const count = (layer: AirspaceLayer) => prepared.filter((p) => p.layer === layer).length;
    return {
      region,
      imported: {
        noFlyZones: count('no_fly_zone'),
        corridors: count('corridor'),
        landingSpots: count('landing_spot'),
      },
      ids,
      rewound,
    };
  }

  /** A page of the layer as a FeatureCollection, `nextCursor` beside its features (a GeoJSON foreign member). */
  async list(
    region: string,
    layer: AirspaceLayer,
    page: PageQuery,
  ): Promise<{ type: 'FeatureCollection' } & FeaturePage> {
    const { features, nextCursor } = await this.read(region, layer, {
      cursor: decodeCursor(page.cursor),
      limit: page.limit,
    });
    return { type: 'FeatureCollection', features, nextCursor };
  }

  async get(region: string, layer: AirspaceLayer, id: string): Promise<GeoFeature> {
    const {
      features: [found],
    } = await this.read(region, layer, { id });
    if (!found) throw DomainError.notFound(layer.replace(/_/g, ' '), id);
    return found;
  }

  async delete(region: string, layer: AirspaceLayer, id: string): Promise<void> {
    if (!(await this.repo.delete(TABLE_OF[layer], region, id)))
      throw DomainError.notFound(layer.replace(/_/g, ' '), id);
  }

  async weather(region: string) {
    return (
      (await this.repo.weather(region)) ?? Promise.reject(DomainError.notFound('weather of region', region))
    );
  }

  async setWeather(region: string, weather: RegionWeatherInput, principal: Principal) {
    await this.repo.setWeather(region, weather, principal.sub);
    return this.weather(region);
  }

  private read(region: string, layer: AirspaceLayer, select: FeatureSelection): Promise<FeaturePage> {
    switch (layer) {
      case 'no_fly_zone':
        return this.repo.zones(region, select);
      case 'corridor':
        return this.repo.corridors(region, select);
      case 'landing_spot':
        return this.repo.spots(region, select);
    }
  }
}

function lonLatOf(value: unknown): LonLat | null {
  if (!Array.isArray(value) || value.length < 2) return null;
  const [lon, lat] = value as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number') return null;
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return null;
  return [lon, lat];
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}
