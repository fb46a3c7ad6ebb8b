import { ConfigError, parseConfig } from './config';

const secret = 'x'.repeat(32);

describe('parseConfig', () => {
  it('fills defaults for an embedded run', () => {
    const config = parseConfig({ JWT_SECRET: secret });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('coerces and keeps valid values', () => {
    const config = parseConfig({
      JWT_SECRET: secret,
      PORT: '8080',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/rd',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgres://u@127.0.0.1:5432/rd');
  });

  it('leaves the routing core size to the map unless set, and refuses a negative one', () => {
    expect(parseConfig({ JWT_SECRET: secret }).ROUTING_CORE_SIZE).toBeUndefined();
    expect(parseConfig({ JWT_SECRET: secret, ROUTING_CORE_SIZE: '0' }).ROUTING_CORE_SIZE).toBe(0);
    expect(() => parseConfig({ JWT_SECRET: secret, ROUTING_CORE_SIZE: '-1' })).toThrow(/ROUTING_CORE_SIZE/);
  });

  it('lists every problem at once and hides secrets', () => {
    let error: unknown;
    try {
      parseConfig({ JWT_SECRET: 'short', PORT: '70000', DATABASE_URL: 'mysql://x', REDIS_URL: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a URL with scheme postgres:/);
    expect(problems.join('\n')).toMatch(/REDIS_URL/);
    expect(problems.join('\n')).toMatch(/JWT_SECRET: .*\(hidden\)/);
    expect((error as Error).message).not.toContain('short');
  });
});

describe('parseConfig cross-field rules', () => {
  it('requires a GraphHopper URL with the graphhopper engine', () => {
    expect(() => parseConfig({ JWT_SECRET: secret, ROAD_ENGINE: 'graphhopper' })).toThrow(
      /GRAPHHOPPER_URL: required/,
    );
    expect(
      parseConfig({ JWT_SECRET: secret, ROAD_ENGINE: 'graphhopper', GRAPHHOPPER_URL: 'http://gh:8989' })
        .ROAD_ENGINE,
    ).toBe('graphhopper');
  });

  it('keeps the development log-in out of production and checks the tile URL', () => {
    expect(parseConfig({ JWT_SECRET: secret, CONSOLE_DEV_LOGIN: 'true' }).CONSOLE_DEV_LOGIN).toBe(true);
    expect(parseConfig({ JWT_SECRET: secret }).CONSOLE_DEV_LOGIN).toBe(false);
    expect(() =>
      parseConfig({ JWT_SECRET: secret, NODE_ENV: 'production', CONSOLE_DEV_LOGIN: 'true' }),
    ).toThrow(/CONSOLE_DEV_LOGIN: must not be true when NODE_ENV=production/);
    expect(() => parseConfig({ JWT_SECRET: secret, MAP_TILE_URL: 'ftp://tiles' })).toThrow(/MAP_TILE_URL/);
    expect(
      parseConfig({ JWT_SECRET: secret, MAP_TILE_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' })
        .MAP_TILE_URL,
    ).toBe('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
  });
});
