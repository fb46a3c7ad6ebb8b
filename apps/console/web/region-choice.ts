/** A region name as the APIs take it in a path segment (the main job's are like `county-1a2b3c`). */
const REGION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The region the console shows: the one in the address (`?region=mountain-1a2b3c`) when it names one,
 * else the configured one. The demo runs two districts, and its drones fly in the second.
 */
export function regionFromAddress(configured: string, search: string): string {
  const asked = new URLSearchParams(search).get('region')?.trim();
  return asked && REGION_NAME.test(asked) ? asked : configured;
}
