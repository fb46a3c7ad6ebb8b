import { issueToken, ROLES, type Role } from '@rd/auth';
import { parseConfig } from '@rd/config';

/**
 * Development tokens: `npm run token -- --role dispatcher [--sub alice] [--staff <courier-or-pilot-id>] [--hours 12]`.
 * Signs with JWT_SECRET from the environment, as the apps verify.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const role = arg('role') as Role | undefined;
if (!role || !ROLES.includes(role)) {
  console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--sub NAME] [--staff ID] [--hours N]`);
  process.exit(2);
}
const config = parseConfig(process.env);
const hours = Number(arg('hours') ?? 12);
console.log(
  issueToken(
    { sub: arg('sub') ?? `${role}-dev`, role, staffId: arg('staff') },
    { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, expiresInS: hours * 3600 },
  ),
);
