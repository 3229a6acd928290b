import { checkSecrets, checkSettings, secretFieldsOf } from './connection-types';

describe('connection types', () => {
  it('names the secret fields of each type', () => {
    expect(secretFieldsOf('api_key')).toEqual(['key']);
    expect(secretFieldsOf('oauth2_client_credentials')).toEqual(['clientSecret']);
    expect(secretFieldsOf('smtp')).toEqual(['url']);
  });

  it('accepts complete settings and secrets', () => {
    expect(checkSettings('api_key', { headerName: 'X-Token' })).toEqual({ ok: true, value: { headerName: 'X-Token' } });
    expect(checkSettings('bearer', undefined)).toEqual({ ok: true, value: {} });
    expect(checkSecrets('smtp', { url: 'smtps://u:p@mail.example.com' })).toMatchObject({ ok: true });
  });

  it('names each wrong field and never echoes a value', () => {
    const settings = checkSettings('oauth2_client_credentials', { tokenUrl: 'nope', clientId: ' ', x: 1 });
    expect(settings.ok).toBe(false);
    if (settings.ok) return;
    expect(settings.errors.map((e) => e.field).sort()).toEqual(['settings', 'settings.clientId', 'settings.tokenUrl']);
    const secrets = checkSecrets('openai', { apiKey: 42, other: 'sk-top-secret' });
    expect(secrets.ok).toBe(false);
    if (secrets.ok) return;
    expect(secrets.errors.map((e) => e.field).sort()).toEqual(['secrets', 'secrets.apiKey']);
    expect(JSON.stringify(secrets.errors)).not.toContain('sk-top-secret');
  });

  it('refuses line breaks in secrets (they go into headers) and ":" in a basic user name', () => {
    expect(checkSecrets('bearer', { token: 'a\r\nX-Evil: 1' })).toMatchObject({
      ok: false,
      errors: [{ field: 'secrets.token', message: 'must not contain line breaks' }],
    });
    expect(checkSettings('basic', { username: 'a:b' })).toMatchObject({
      ok: false,
      errors: [{ field: 'settings.username' }],
    });
  });

  it('refuses a header and a query parameter together', () => {
    const both = checkSettings('api_key', { headerName: 'X-Key', queryParam: 'key' });
    expect(both).toMatchObject({ ok: false, errors: [{ field: 'settings.queryParam' }] });
  });
});
