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

const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
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
  BULK_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (normally `process.env`) into the typed config, or throws listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const value = env[key];
    const shown = value === undefined ? 'unset' : key.includes('SECRET') ? 'hidden' : JSON.stringify(value);
    return `${key}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

export const APP_CONFIG = Symbol('APP_CONFIG');
