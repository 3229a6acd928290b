import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope (what the client said in MAIL FROM / RCPT TO). */
  readonly envelope: { from: string; to: string[] };
  /** The login used, when the server asked for one. */
  readonly user: string | undefined;
  readonly parsed: ParsedMail;
}

export interface SmtpReceiverOptions {
  /** When set, clients must log in with this user and password (AUTH PLAIN/LOGIN, no TLS needed). */
  readonly auth?: { user: string; pass: string };
}

/**
 * A real SMTP server on 127.0.0.1 (random port) that keeps what it receives, parsed (mailparser).
 *
 *   const smtp = new SmtpReceiver();
 *   const { url } = await smtp.start();       // smtp://127.0.0.1:<port>
 *   const mail = await smtp.waitFor((m) => m.parsed.subject === 'Hello');
 *   await smtp.stop();
 */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  /** Logins tried (accepted or not). */
  readonly logins: { user: string; ok: boolean }[] = [];
  private server: SMTPServer | undefined;
  private waiters: { predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];

  constructor(private readonly options: SmtpReceiverOptions = {}) {}

  /** `port`: 0 for a random one; a port it listened on before, to come back after `stop()`. */
  async start(port = 0): Promise<{ url: string; port: number }> {
    const auth = this.options.auth;
    const serverOptions: SMTPServerOptions = {
      secure: false,
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (credentials, _session, callback) => {
        const ok = !!auth && credentials.username === auth.user && credentials.password === auth.pass;
        this.logins.push({ user: credentials.username ?? '', ok });
        if (ok) callback(null, { user: credentials.username });
        else callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const mail: ReceivedMail = {
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === 'string' ? session.user : undefined,
              parsed,
            };
            this.messages.push(mail);
            this.waiters = this.waiters.filter((w) => {
              if (!w.predicate(mail)) return true;
              w.resolve(mail);
              return false;
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    };
    const server = new SMTPServer(serverOptions);
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    const { port: listening } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    const login = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
    return { url: `smtp://${login}127.0.0.1:${listening}`, port: listening };
  }

  /** The first message (received or to come) that `predicate` accepts. */
  waitFor(predicate: (mail: ReceivedMail) => boolean = () => true): Promise<ReceivedMail> {
    const found = this.messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
