import { z } from 'zod';

/**
 * Configuration is parsed once per app at start-up; nothing else reads `process.env`.
 * A bad environment stops start-up with one message that lists every problem.
 */
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${protocols.join(' or ')}` },
  );

// 0 asks the OS for any free port (tests and side-by-side workers).
const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  /** The OpenAPI document and Swagger UI: unset → served except in production. */
  OPENAPI: z.enum(['on', 'off']).optional(),
  /** Unset: the embedded PGlite database (development and the demo only). */
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** Unset: planning jobs run in-process. */
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  /** Unset: the gateway starts an in-process broker (aedes) on loopback. */
  MQTT_URL: url(['mqtt:', 'mqtts:', 'ws:', 'wss:']).optional(),
  /** Root of every device topic; tests use their own root so suites never see each other's messages. */
  MQTT_TOPIC_ROOT: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, _ and - only')
    .default('rd/v1'),
  /** The gateway's own broker login (the broker refuses anonymous clients); unset for the embedded broker. */
  MQTT_USERNAME: z.string().min(1).optional(),
  MQTT_PASSWORD: z.string().min(1).optional(),
  /** Stable name of this gateway instance: its MQTT client ids (and so its persistent sessions) derive from it. */
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only')
    .default('gw-1'),
  /**
   * Subscriber connections of one gateway, sharing one `$share/` group. mqtt.js handles a connection's
   * messages one at a time and acknowledges each only after its batch commits, so a batch holds at most
   * one message per lane: more lanes, bigger batches.
   */
  GATEWAY_INGEST_LANES: z.coerce.number().int().min(1).max(1024).default(64),
  /**
   * `deferred`: mqtt.js moves on to the next message at once and each PUBACK is held back until its
   * batch commits (at most GATEWAY_MAX_UNACKED held); `serial`: one message per lane at a time.
   */
  GATEWAY_ACK_MODE: z.enum(['deferred', 'serial']).default('deferred'),
  GATEWAY_MAX_UNACKED: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Ingest batches written at once (each its own transaction and pooled connection). */
  GATEWAY_INGEST_WRITERS: z.coerce.number().int().min(1).max(16).default(4),
  /** How long the broker keeps the gateway's session (and queues its messages) while it is away. */
  MQTT_SESSION_EXPIRY_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(4_294_967_295)
    .default(7 * 24 * 3600),
  /** Days of telemetry kept; older day partitions are dropped by `npm run telemetry:retention`. */
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** A sequence number further than this ahead of the device's last accepted one is refused. */
  DEVICE_SEQ_MAX_AHEAD: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
  /** Devices whose state the gateway keeps in memory (least recently heard ones are evicted). */
  DEVICE_CACHE_SIZE: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  /** Downlink (route, mission, command) not acknowledged after this many sends: failed, with an alert. */
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(6),
  /** First resend delay of an unacknowledged downlink; doubles each attempt. */
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  /** How often the gateway sends due outbox messages and runs its periodic alert checks. */
  GATEWAY_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** A device not heard for this long raises a `device_silent` alert. */
  DEVICE_SILENT_AFTER_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** A courier farther than this from its planned route … */
  OFF_ROUTE_DISTANCE_M: z.coerce.number().positive().max(100_000).default(500),
  /** … for longer than this raises a `courier_off_route` alert. */
  OFF_ROUTE_SUSTAINED_S: z.coerce.number().int().min(0).max(86_400).default(180),
  /** How often devices' current state (newest fix, highest seq) is merged into `device_state`: fewer upserts per second at scale. */
  DEVICE_STATE_FLUSH_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
  /** A flying drone farther than this from its mission's planned path (and outside its port's corridors) is outside its corridor. */
  CORRIDOR_TOLERANCE_M: z.coerce.number().positive().max(10_000).default(150),
  /** How often the gateway compares the stored airspace revisions and the drones' missions with what it cached. */
  AIRSPACE_REFRESH_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_ISSUER: z.string().min(1).default('rural-dispatch'),
  /** Prefix for Bull keys, so several deployments (or test suites) can share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_:-]+$/, 'letters, digits, _ : - only')
    .default('rd'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'like 1mb or 512kb')
    .default('1mb'),
  BULK_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'like 20mb')
    .default('32mb'),
  /** Triggers for one region within this window make one planning run. */
  PLANNING_DEBOUNCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** Where preprocessed road graphs (one binary file per imported map) are kept. */
  MAPS_DIR: z.string().min(1).default('.data/maps'),
  /**
   * Superseded map data is deleted once a newer map is ready, unless planning used its map within
   * this many days (0: only the maps in use now are kept).
   */
  MAP_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** The only directory an admin's HTTP map import may read OSM extracts from (regular files only). */
  MAP_SOURCES_DIR: z.string().min(1).default('.data/osm'),
  /** Largest OSM extract an HTTP map import reads. */
  MAP_SOURCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 40)
    .default(2 * 2 ** 30),
  /** Road engine: our contraction hierarchies (`ch`) or a self-hosted GraphHopper (`graphhopper`). */
  ROAD_ENGINE: z.enum(['ch', 'graphhopper']).default('ch'),
  GRAPHHOPPER_URL: url(['http:', 'https:']).optional(),
  /** A stop farther than this from any road is not driven to (a drone candidate or unassigned). */
  MAX_SNAP_DISTANCE_M: z.coerce.number().positive().max(50_000).default(1_000),
  /**
   * Nodes in the core table of each road hierarchy in use (faster queries and matrices on province
   * maps; 12 bytes × size² each). Unset: 2.7 √n on maps of 250,000 nodes or more, none below; 0: none.
   */
  ROUTING_CORE_SIZE: z.coerce.number().int().min(0).max(16_384).optional(),
  /** Solver time per planning run. */
  PLANNING_TIME_LIMIT_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  /** Solver threads (worker threads running diversified searches); 1 = single-thread. */
  PLANNING_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * A running job's queue lock lasts the solver's time limit plus this margin: the solver holds the
   * event loop while it searches, so the lock must outlive a whole search before the job counts as stalled.
   */
  QUEUE_LOCK_MARGIN_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** How often the queue looks for jobs whose worker died (stalled) to run them again. */
  QUEUE_STALLED_CHECK_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  /** Drone cruise height above ground; never above the legal ceiling of 120 m (EU open category, China light UAV). */
  DRONE_CRUISE_ALTITUDE_AGL_M: z.coerce
    .number()
    .min(10)
    .max(120, 'must not exceed the 120 m legal ceiling')
    .default(80),
  /** Operator's launch wind limit (m/s); a drone's own lower limit applies first. */
  DRONE_MAX_WIND_MPS: z.coerce.number().positive().max(40).default(10),
  /** Battery kept at landing, % of usable (above PX4's 15 % low-battery warning). */
  DRONE_RESERVE_PCT: z.coerce.number().min(0).max(80).default(25),
  /** A landing spot serves stops within this distance of it. */
  DRONE_SPOT_MAX_DISTANCE_M: z.coerce.number().positive().max(5_000).default(300),
  /** Battery swap or charge time between sorties. */
  DRONE_BATTERY_SWAP_S: z.coerce.number().int().min(0).max(7_200).default(600),
  /** A sortie is VLOS for a pilot when every path point is within this distance of their station. */
  PILOT_VLOS_RANGE_M: z.coerce.number().positive().max(10_000).default(500),
  /**
   * The operator's time zone (IANA, e.g. Asia/Shanghai): service days, shifts ("08:00"), opening hours
   * and licence days are local dates and times in it. The database keeps the zone it was set up with.
   */
  SERVICE_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Asia/Shanghai or UTC')
    .default('UTC'),
  /** Start once with this to move a database with orders to SERVICE_TIME_ZONE (re-dates every order). */
  SERVICE_TIME_ZONE_REDATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Plausible order windows: ended at most this long ago, at most this long, starting at most this far ahead. */
  ORDER_WINDOW_PAST_GRACE_MIN: z.coerce.number().int().min(0).max(10_080).default(120),
  ORDER_WINDOW_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  ORDER_WINDOW_MAX_AHEAD_DAYS: z.coerce.number().int().min(1).max(366).default(60),
  /** A scan may be back-dated at most this far (phones offline for a while), never into the future. */
  EVENT_MAX_PAST_HOURS: z.coerce.number().int().min(1).max(720).default(6),
  /** Wrong delivery PINs before PIN delivery of an order is locked until a dispatcher resets it. */
  DELIVERY_PIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Key of the delivery PINs' keyed hashes (default: derived from JWT_SECRET). */
  DELIVERY_PIN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** A compressed bulk upload may inflate at most this many times its size (beyond its first MiB). */
  BULK_MAX_INFLATION_RATIO: z.coerce.number().int().min(2).max(10_000).default(50),
  /** How often the planner looks for accepted orders whose planning trigger was lost (0: never). */
  PLANNING_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** An accepted order no plan has seen for this long counts as stranded. */
  PLANNING_SWEEP_AFTER_MS: z.coerce.number().int().min(0).max(86_400_000).default(120_000),
  /** Rate limits on write routes and public tracking, per window: per bearer token and per client IP (429). */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(1).max(10_000_000).default(1_200),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(10_000_000).default(2_400),
  /** A stop may lie at most this far outside its region's area (the bounds of the region's map). */
  REGION_AREA_MARGIN_KM: z.coerce.number().min(0).max(1000).default(10),
  BULK_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /** Parcels per bulk upload (rows × parcel_count): the row cap alone let 2,000 rows make 200,000 parcels. */
  BULK_MAX_PARCELS: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  /** An order to the village point with no point named goes to the nearest one within this distance of its stop. */
  VILLAGE_POINT_MAX_DISTANCE_M: z.coerce.number().positive().max(100_000).default(5_000),
  /** Days a parcel waits at a village point for collection before it expires and goes back (fractions allowed). */
  COLLECTION_HOLD_DAYS: z.coerce.number().min(0).max(90).default(7),
  /** Wrong collection codes allowed per parcel; then only a dispatcher can reissue the code. */
  COLLECTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** How often uncollected parcels past their hold are expired (0: never; tests call the sweep). */
  COLLECTION_EXPIRY_SWEEP_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /** Recipients' notifications: the sender (`log` for development; SMS or messaging senders plug in). */
  NOTIFICATION_SENDER: z.enum(['log']).default('log'),
  /** How often pending notifications are sent (0: never; tests call the dispatcher). */
  NOTIFICATION_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** A notification still failing after this many sends is marked failed (and stays in the outbox). */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** First retry delay of a failed send; doubles each attempt (capped at an hour). */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** The console's same-origin proxy forwards /api/intake/* and /api/planner/* to these (their /v1 roots). */
  CONSOLE_INTAKE_URL: url(['http:', 'https:']).default('http://127.0.0.1:3000/v1'),
  CONSOLE_PLANNER_URL: url(['http:', 'https:']).default('http://127.0.0.1:3001/v1'),
  /** The console's proxy forwards /api/gateway/* (the live stream, alerts, devices) to the gateway's /v1. */
  CONSOLE_GATEWAY_URL: url(['http:', 'https:']).default('http://127.0.0.1:3002/v1'),
  /** The gateway's live stream sends each device's latest position at most this often (alerts go at once). */
  LIVE_POSITIONS_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** The region the console shows. */
  CONSOLE_REGION: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -')
    .default('default'),
  /** A development log-in page that issues role tokens; refused in production (there a JWT comes from the issuer). */
  CONSOLE_DEV_LOGIN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Online map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; unset: roads drawn from the loaded graph only. */
  MAP_TILE_URL: z
    .string()
    .regex(/^https?:\/\/.+\{z\}.*$/, 'an http(s) URL template with {z}, {x}, {y}')
    .optional(),
  /**
   * Datum of the tiles: Chinese providers (Amap, Tencent) draw in GCJ-02, so the console shifts our
   * WGS-84 geometry for display. Unset: GCJ-02 for known Chinese hosts, else WGS-84.
   */
  MAP_TILE_DATUM: z.enum(['wgs84', 'gcj02']).optional(),
});

export type AppConfig = z.infer<typeof configSchema>;

/** Cross-field rules, reported with the field problems. */
function crossChecks(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.ROAD_ENGINE === 'graphhopper' && !config.GRAPHHOPPER_URL) {
    problems.push('GRAPHHOPPER_URL: required when ROAD_ENGINE=graphhopper (unset)');
  }
  if (config.CONSOLE_DEV_LOGIN && config.NODE_ENV === 'production') {
    problems.push('CONSOLE_DEV_LOGIN: must not be true when NODE_ENV=production (use the JWT issuer)');
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (normally `process.env`) into the typed config, or throws listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = configSchema.safeParse(env);
  if (result.success) {
    const problems = crossChecks(result.data);
    if (problems.length) throw new ConfigError(problems);
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const value = env[key];
    const shown = value === undefined ? 'unset' : key.includes('SECRET') ? 'hidden' : JSON.stringify(value);
    return `${key}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Whether the app serves its OpenAPI document and Swagger UI (off in production unless OPENAPI=on). */
export function openApiEnabled(config: Pick<AppConfig, 'OPENAPI' | 'NODE_ENV'>): boolean {
  return config.OPENAPI ? config.OPENAPI === 'on' : config.NODE_ENV !== 'production';
}
