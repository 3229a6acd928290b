import type { FastifyRequest } from 'fastify';
import { API_KEY_PREFIX } from './api-keys.service';
import { Unauthenticated } from './auth.exception';

export interface Credentials {
  readonly kind: 'bearer' | 'api_key';
  readonly value: string;
}

/** Reads the credentials of a request: `Authorization: Bearer <jwt | api key>` or `X-Api-Key`. */
export function credentialsOf(request: FastifyRequest): Credentials | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return { kind: 'api_key', value: apiKey };
  const authorization = request.headers.authorization;
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new Unauthenticated('auth.invalid_authorization', 'Use `Authorization: Bearer <token>`.');
  const value = match[1];
  return { kind: value.startsWith(API_KEY_PREFIX) ? 'api_key' : 'bearer', value };
}

/** `passport-jwt`'s `jwtFromRequest`: the bearer token (the `Authenticator` already checked its shape). */
export const bearerTokenOf = (request: FastifyRequest): string | null => {
  const credentials = credentialsOf(request);
  return credentials?.kind === 'bearer' ? credentials.value : null;
};
