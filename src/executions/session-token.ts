import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Visitor session tokens: `pst_<sessionId>.<HMAC-SHA256(sessionId)>`. Stateless to check (no
 * lookup), unforgeable without the secret, and bound to one session.
 */
export class SessionTokens {
  constructor(private readonly secret: Buffer) {}

  sign(sessionId: string): string {
    return `pst_${sessionId}.${this.mac(sessionId)}`;
  }

  /** The session id the token is for, or undefined when it is not a valid token. */
  verify(token: string | undefined): string | undefined {
    const match = token ? /^pst_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
    if (!match) return undefined;
    const [, sessionId, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(sessionId));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? sessionId : undefined;
  }

  private mac(sessionId: string): string {
    return createHmac('sha256', this.secret).update(sessionId).digest('base64url');
  }
}
