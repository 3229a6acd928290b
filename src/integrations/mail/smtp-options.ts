import type SMTPTransport from 'nodemailer/lib/smtp-transport';

const TIMEOUT_MS = 10_000;

/**
 * nodemailer SMTP options from an `smtp://user:pass@host:port` / `smtps://…` URL (`smtps` is
 * implicit TLS, default port 465; `smtp` upgrades with STARTTLS when offered, default port 587).
 * `connectTo` replaces the host to connect to (an address the outbound policy checked), while TLS
 * still verifies the name of the URL.
 */
export function smtpOptions(rawUrl: string, connectTo?: string): SMTPTransport.Options {
  const url = new URL(rawUrl);
  const secure = url.protocol === 'smtps:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const user = decodeURIComponent(url.username);
  return {
    host: connectTo ?? hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    tls: { servername: hostname },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS * 3,
  };
}
