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
  /** Plausible order windows: ended at most this long ago, at most this long, starting at most this far ahead. */
  ORDER_WINDOW_PAST_GRACE_MIN: z.coerce.number().int().min(0).max(10_080).default(120),
  ORDER_WINDOW_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  ORDER_WINDOW_MAX_AHEAD_DAYS: z.coerce.number().int().min(1).max(366).default(60),
  /** A scan may be back-dated at most this far (phones offline for a while), never into the future. */
  EVENT_MAX_PAST_HOURS: z.coerce.number().int().min(1).max(720).default(6),
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
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type AppConfig = z.infer<typeof configSchema>;

/** Cross-field rules, reported with the field problems. */
function crossChecks(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.ROAD_ENGINE === 'graphhopper' && !config.GRAPHHOPPER_URL) {
    problems.push('GRAPHHOPPER_URL: required when ROAD_ENGINE=graphhopper (unset)');
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
