import { requestAuth, withAuthHeaders, withAuthQuery } from './connection-auth';

describe('requestAuth', () => {
  it('puts an API key in its header (default X-API-Key) or query parameter', () => {
    expect(requestAuth({ type: 'api_key', settings: {}, secrets: { key: 'k1' } })).toEqual({
      headers: [{ key: 'X-API-Key', value: 'k1' }],
      query: [],
    });
    const query = requestAuth({ type: 'api_key', settings: { queryParam: 'api_key' }, secrets: { key: 'k 2' } });
    expect(withAuthQuery('https://api.example.com/x?api_key=old&a=1', query)).toBe(
      'https://api.example.com/x?api_key=k+2&a=1',
    );
  });

  it('uses Authorization for bearer, basic and OAuth2, replacing the request’s own', () => {
    const basic = requestAuth({ type: 'basic', settings: { username: 'ada' }, secrets: { password: 'pw' } });
    expect(basic.headers).toEqual([
      { key: 'Authorization', value: `Basic ${Buffer.from('ada:pw').toString('base64')}` },
    ]);
    const oauth = requestAuth(
      {
        type: 'oauth2_client_credentials',
        settings: { tokenUrl: 'https://id.example.com/token', clientId: 'c' },
        secrets: { clientSecret: 's' },
      },
      'tok',
    );
    expect(
      withAuthHeaders(
        [
          { key: 'authorization', value: 'Bearer mine' },
          { key: 'Accept', value: 'application/json' },
        ],
        oauth,
      ),
    ).toEqual([
      { key: 'Accept', value: 'application/json' },
      { key: 'Authorization', value: 'Bearer tok' },
    ]);
    expect(() =>
      requestAuth({
        type: 'oauth2_client_credentials',
        settings: { tokenUrl: 'https://id.example.com/token', clientId: 'c' },
        secrets: { clientSecret: 's' },
      }),
    ).toThrow(/access token/);
  });
});
