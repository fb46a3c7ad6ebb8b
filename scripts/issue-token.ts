import { issueToken, ROLES, type Role } from '@rd/auth';
import { CliUsageError, parseConfig, readCliWith } from '@rd/config';

/**
 * Development tokens: `npm run token -- --role dispatcher [--sub alice] [--staff <courier-or-pilot-id>] [--hours 12]`.
 * Signs with JWT_SECRET from the environment, as the apps verify.
 */
const { role, sub, staff, hub, hours } = readCliWith(
  {
    usage: 'npm run token --',
    summary:
      'Prints a development bearer token signed with JWT_SECRET from the environment, as the apps verify.',
    options: {
      role: { type: 'string', valueName: 'ROLE', description: `required: ${ROLES.join(', ')}` },
      sub: { type: 'string', valueName: 'NAME', description: 'subject', defaultText: '<role>-dev' },
      staff: { type: 'string', valueName: 'ID', description: 'courier or pilot id the token acts as' },
      hub: { type: 'string', valueName: 'ID', description: 'hub or village point a hub operator runs' },
      hours: { type: 'string', valueName: 'N', description: 'validity in hours', defaultText: '12' },
    },
    examples: ['npm run token -- --role dispatcher', 'npm run token -- --role courier --staff <courier-id>'],
  },
  (cli) => {
    const hub = cli.string('hub');
    // The apps refuse a token whose hubId claim is not a UUID: say so here rather than print a dead token.
    if (hub && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hub))
      throw new CliUsageError('--hub must be the UUID of a hub or village point');
    const role = cli.string('role');
    if (!role) throw new CliUsageError(`--role is required: one of ${ROLES.join(', ')}`);
    return {
      role: cli.choice('role', ROLES, role as Role),
      sub: cli.string('sub'),
      staff: cli.string('staff'),
      hub,
      hours: cli.number('hours', 12, { min: 0.01, max: 24 * 366 }),
    };
  },
);
const config = parseConfig(process.env);
console.log(
  issueToken(
    { sub: sub ?? `${role}-dev`, role, staffId: staff, hubId: hub },
    { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, expiresInS: hours * 3600 },
  ),
);
