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

  it('reads the AI price table, and a bad BILLING_PRICES_FILE is a configuration error', () => {
    expect(loadConfig({}).billing.prices['gpt-4o-mini']).toEqual({ input: 0.15, output: 0.6 });
    expect(() => loadConfig({ BILLING_PRICES_FILE: '/nonexistent/prices.json' })).toThrow(ConfigError);
    expect(() => loadConfig({ BILLING_PRICES_FILE: '/nonexistent/prices.json' })).toThrow(
      /BILLING_PRICES_FILE \(\/nonexistent\/prices\.json\): cannot read/,
    );
  });

  it('turns SSO on with KEYCLOAK_ISSUER and requires what it needs', () => {
    expect(loadConfig({}).auth.keycloak).toBeUndefined();
    expect(() => loadConfig({ KEYCLOAK_ISSUER: 'https://sso.example.com/realms/acme' })).toThrow(
      /KEYCLOAK_AUDIENCE: required when KEYCLOAK_ISSUER is set/,
    );
    const config = loadConfig({
      KEYCLOAK_ISSUER: 'https://sso.example.com/realms/acme/',
      KEYCLOAK_AUDIENCE: 'parley-api',
      KEYCLOAK_CLIENT_ID: 'parley',
      KEYCLOAK_ALGORITHMS: 'RS256,ES256',
    });
    expect(config.auth.keycloak).toEqual({
      issuer: 'https://sso.example.com/realms/acme',
      jwksUrl: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
      audience: 'parley-api',
      clientId: 'parley',
      algorithms: ['RS256', 'ES256'],
      orgSource: 'organization',
      jwksCooldownSeconds: 30,
      introspection: { enabled: false },
    });
    expect(() => loadConfig({ KEYCLOAK_ALGORITHMS: 'HS256' })).toThrow(/KEYCLOAK_ALGORITHMS/);
    // passport-jwt (jsonwebtoken) does not implement EdDSA: refused at boot, not at the first token.
    expect(() => loadConfig({ KEYCLOAK_ALGORITHMS: 'RS256,EdDSA' })).toThrow(
      /KEYCLOAK_ALGORITHMS.*EdDSA is not supported/,
    );
  });

  it('refuses to guess in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/REDIS_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY: required in production/);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/parley',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: 'x'.repeat(32),
      ENCRYPTION_KEY: 'ab'.repeat(32),
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
        JWT_SECRET: 'x'.repeat(32),
        ENCRYPTION_KEY: 'ab'.repeat(32),
        EMBEDDED_DATABASE: 'always',
      }),
    ).toThrow(/EMBEDDED_DATABASE: cannot be "always" in production/);
  });
});
