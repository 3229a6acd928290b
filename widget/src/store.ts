/** The visitor's session of one bot, kept across page loads (localStorage; silently absent when blocked). */
export interface StoredSession {
  sessionId: string;
  sessionToken: string;
  /** The last conversation message seen over the socket, for `auth.lastSeenId` and `sync`. */
  lastSeenId?: string;
}

export class SessionStore {
  private readonly key: string;

  constructor(apiBase: string, publicId: string) {
    this.key = `parley:${apiBase}:${publicId}`;
  }

  load(): StoredSession | undefined {
    try {
      const raw = window.localStorage.getItem(this.key);
      if (!raw) return undefined;
      const parsed = JSON.parse(raw) as Partial<StoredSession> | null;
      if (typeof parsed?.sessionId !== 'string' || typeof parsed.sessionToken !== 'string') return undefined;
      return {
        sessionId: parsed.sessionId,
        sessionToken: parsed.sessionToken,
        ...(typeof parsed.lastSeenId === 'string' ? { lastSeenId: parsed.lastSeenId } : {}),
      };
    } catch {
      return undefined;
    }
  }

  save(session: StoredSession): void {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(session));
    } catch {
      // storage blocked or full: the session lasts as long as the page
    }
  }

  clear(): void {
    try {
      window.localStorage.removeItem(this.key);
    } catch {
      // nothing stored
    }
  }
}
