import type { Options } from 'autocannon';

/**
 * A benchmark scenario: the same load against the app and against a bare-Fastify baseline that
 * does the minimum the app's route must do (see bare-server.ts). Later features add scenarios here.
 */
export interface Scenario<C = unknown> {
  readonly name: string;
  /** Optional setup against the running app (create a bot, sessions...); its result feeds `target.options`. */
  readonly prepare?: (appUrl: string) => Promise<C>;
  readonly baseline: { readonly path: string; readonly options?: Partial<Options> };
  readonly target: { readonly path: string; readonly options?: (context: C | undefined) => Partial<Options> };
}

export const scenarios: readonly Scenario[] = [
  {
    name: 'GET /health/live',
    baseline: { path: '/hello' },
    target: { path: '/health/live' },
  },
];
