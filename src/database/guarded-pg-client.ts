import { Client, type ClientConfig } from 'pg';

/**
 * The pool's client class: one that always listens for `error`. pg emits `error` on a client whose
 * connection dies (a database restart, failover, `pg_terminate_backend`) even while a query is
 * running, and only idle clients have the pool's listener. A client checked out with `pool.query`
 * or `obtainMasterConnection` (prepared turn statements, webhook fan-out, import COPY streams)
 * would otherwise crash the process with an unhandled `error` event. The holder still learns of
 * the failure from its query, and the pool discards the client when it is released with it.
 */
export class GuardedPgClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
