import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  buildAirspace,
  corridorsContainingPoint,
  distanceToLineM,
  zonesContainingFix,
  type Airspace,
  type LonLat,
} from '@rd/flight';
import { LruCache } from '../ingest/lru-cache';
import type { AirspaceCheck, AirspaceViolation, DroneFix, FixVerdict } from './airspace-check';
import { AirspaceRepository, type DroneFlight } from './airspace.repository';

interface BuiltAirspace {
  revision: number;
  airspace: Airspace;
}

/**
 * The airspace check over the stored airspace and `libs/flight`: a flying drone's fix is inside a no-fly
 * zone when a zone of its region contains it, is active at the fix's device time and its band holds the
 * fix's altitude (the zone itself, without the planner's safety buffer); it is outside its corridor when
 * it is farther than `CORRIDOR_TOLERANCE_M` from its mission's planned path and outside every stored
 * corridor of the mission's port (the lanes the path was planned in).
 *
 * Each region's airspace is built once per revision; the revisions (one small table, bumped by
 * triggers) and the drones' missions are re-read at most every `AIRSPACE_REFRESH_MS`, not per message.
 */
@Injectable()
export class StoredAirspaceCheck implements AirspaceCheck {
  private readonly logger = new Logger(StoredAirspaceCheck.name);
  private readonly built = new Map<string, BuiltAirspace>();
  private readonly building = new Map<string, Promise<BuiltAirspace>>();
  private revisions = new Map<string, number>();
  private revisionsReadAtMs = -Infinity;
  private readonly flights: LruCache<string, { flight: DroneFlight; readAtMs: number }>;
  readonly stats = { judged: 0, builds: 0, revisionReads: 0, flightReads: 0 };

  constructor(
    private readonly repository: AirspaceRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.flights = new LruCache(config.DEVICE_CACHE_SIZE);
  }

  async check(fixes: DroneFix[]): Promise<FixVerdict[]> {
    const flying = fixes.filter((f) => f.droneId !== null && f.flightMode !== 'on_ground');
    if (!flying.length) return fixes.map((fix) => ({ fix, judged: false, violations: [] }));
    const nowMs = Date.now();
    if (nowMs - this.revisionsReadAtMs >= this.config.AIRSPACE_REFRESH_MS) {
      this.revisions = await this.repository.revisions();
      this.revisionsReadAtMs = nowMs;
      this.stats.revisionReads++;
    }
    const flightOf = await this.flightsOf([...new Set(flying.map((f) => f.droneId as string))], nowMs);
    const verdicts: FixVerdict[] = [];
    for (const fix of fixes) {
      const flight = fix.droneId === null ? undefined : flightOf.get(fix.droneId);
      if (!flight || fix.flightMode === 'on_ground' || flight.region === null) {
        verdicts.push({ fix, judged: false, violations: [] });
        continue;
      }
      const airspace = await this.airspaceOf(flight.region);
      this.stats.judged++;
      verdicts.push({ fix, judged: true, violations: this.judge(airspace, flight, fix) });
    }
    return verdicts;
  }

  private judge(airspace: Airspace, flight: DroneFlight, fix: DroneFix): AirspaceViolation[] {
    const { position } = fix;
    const point: LonLat = [position.lon, position.lat];
    const violations: AirspaceViolation[] = [];
    const zones = zonesContainingFix(airspace, point, position.fixTimeMs, position);
    if (zones.length) {
      const names = zones.map((z) => airspace.zones[z].name ?? airspace.zones[z].id);
      violations.push({
        kind: 'inside_no_fly_zone',
        detail: `inside no-fly zone ${names.join(', ')} (active at ${new Date(position.fixTimeMs).toISOString()})`,
        details: {
          zoneIds: [...new Set(zones.map((z) => airspace.zones[z].id.split('#')[0]))],
          position: point,
          fixTime: new Date(position.fixTimeMs).toISOString(),
          missionId: flight.mission?.id ?? null,
        },
      });
    }
    const mission = flight.mission;
    if (mission) {
      const offPathM = distanceToLineM(mission.path, point);
      if (offPathM > this.config.CORRIDOR_TOLERANCE_M) {
        const lanes = corridorsContainingPoint(airspace, point).filter((c) =>
          airspace.corridors[c].portIds.includes(mission.portId),
        );
        if (!lanes.length) {
          violations.push({
            kind: 'outside_corridor',
            detail: `${Math.round(offPathM)} m from mission ${mission.id}'s planned path (tolerance ${this.config.CORRIDOR_TOLERANCE_M} m) and outside its port's corridors`,
            details: {
              missionId: mission.id,
              offPathM: Math.round(offPathM),
              toleranceM: this.config.CORRIDOR_TOLERANCE_M,
              position: point,
              fixTime: new Date(position.fixTimeMs).toISOString(),
            },
          });
        }
      }
    }
    return violations;
  }

  private async flightsOf(droneIds: string[], nowMs: number): Promise<Map<string, DroneFlight>> {
    const out = new Map<string, DroneFlight>();
    const stale: string[] = [];
    for (const id of droneIds) {
      const cached = this.flights.get(id);
      if (cached && nowMs - cached.readAtMs < this.config.AIRSPACE_REFRESH_MS) out.set(id, cached.flight);
      else stale.push(id);
    }
    if (stale.length) {
      this.stats.flightReads++;
      for (const flight of await this.repository.flights(stale)) {
        this.flights.set(flight.droneId, { flight, readAtMs: nowMs });
        out.set(flight.droneId, flight);
      }
    }
    return out;
  }

  private async airspaceOf(region: string): Promise<Airspace> {
    const revision = this.revisions.get(region) ?? 0;
    const cached = this.built.get(region);
    if (cached && cached.revision === revision) return cached.airspace;
    // Batches are judged concurrently: they share one build of a region's new revision.
    let building = this.building.get(region);
    if (!building) {
      building = this.build(region, revision).finally(() => this.building.delete(region));
      this.building.set(region, building);
    }
    return (await building).airspace;
  }

  private async build(region: string, revision: number): Promise<BuiltAirspace> {
    const loaded =
      revision === 0 ? { revision: 0, zones: [], corridors: [] } : await this.repository.load(region);
    // The zones themselves (no safety buffer): the alert says the drone is inside, not near.
    const { airspace, rejected } = buildAirspace({
      zones: loaded.zones,
      corridors: loaded.corridors,
      safetyBufferM: 0,
    });
    for (const r of rejected) {
      this.logger.warn(`airspace of ${region}: ${r.kind} ${r.id} left out (${r.code}: ${r.reason})`);
    }
    this.stats.builds++;
    // Keyed by the revision the snapshot was read at: a change in between rebuilds next time.
    const built = { revision: loaded.revision, airspace };
    this.built.set(region, built);
    if (loaded.revision > (this.revisions.get(region) ?? 0)) this.revisions.set(region, loaded.revision);
    return built;
  }
}
