import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('fills development defaults from an empty environment', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.role).toEqual({ name: 'all', api: true, worker: true });
    expect(config.database).toMatchObject({ url: undefined, migrateOnBoot: true, embedded: 'auto' });
    expect(config.redis).toMatchObject({ url: undefined, keyPrefix: 'parley', embedded: 'auto' });
    expect(config.http.corsOrigins).toEqual([]);
  });

  it('parses lists, numbers and roles', () => {
    const config = loadConfig({
      PORT: '8080',
      APP_ROLE: 'worker',
      CORS_ORIGINS: 'https://a.example, https://b.example ,',
      DATABASE_URL: 'postgres://u@db:5432/parley',
    });
    expect(config.http.port).toBe(8080);
    expect(config.role).toEqual({ name: 'worker', api: false, worker: true });
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.database.url).toBe('postgres://u@db:5432/parley');
  });

  it('names every bad setting with the value it got', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', APP_ROLE: 'both', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT: expected an integer between 0 and 65535 (got "eighty")');
    expect(message).toMatch(/APP_ROLE: .*\(got "both"\)/);
    expect(message).toContain('REDIS_URL: expected a URL starting with redis:// or rediss:// (got "http://x")');
    expect(message).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
  });

  it('refuses to guess in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/REDIS_URL: required in production/);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/parley',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.database.migrateOnBoot).toBe(false);
    expect(config.database.embedded).toBe('never');
    expect(config.redis.embedded).toBe('never');
  });

  it('rejects embedded services forced on in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/parley',
        REDIS_URL: 'redis://cache:6379',
        EMBEDDED_DATABASE: 'always',
      }),
    ).toThrow(/EMBEDDED_DATABASE: cannot be "always" in production/);
  });
});
