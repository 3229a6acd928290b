import passport from 'passport';

/** The Passport strategies the global `AuthGuard` picks from (one per request, see `Authenticator`). */
export const STRATEGY = {
  parleyJwt: 'parley-jwt',
  keycloakJwt: 'keycloak-jwt',
  apiKey: 'api-key',
} as const;
export type StrategyName = (typeof STRATEGY)[keyof typeof STRATEGY];

/**
 * `@nestjs/passport` registers every strategy on a Passport instance when it is constructed. The
 * default instance is a process-wide singleton shared by every Nest app in the process (the tests
 * boot several, with different Keycloak settings), so registering there would let the last app's
 * strategies answer for all of them. Ours register on this detached instance, which nothing reads:
 * the `Authenticator` hands each request its own app's strategy object.
 */
export const detachedPassport = new passport.Passport();
