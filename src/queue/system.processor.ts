import { Processor } from '@nestjs/bullmq';
import { hostname } from 'node:os';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from './typed-worker-host';
import { workerOptions } from './worker-options';

export interface PingResult {
  pong: true;
  echo: string | undefined;
  worker: string;
}

@Processor('system', workerOptions)
export class SystemProcessor extends TypedWorkerHost<'system'> {
  readonly queue = 'system' as const;

  protected readonly handlers: JobHandlers<'system'> = {
    ping: (job: TypedJob<'system', 'ping'>): Promise<PingResult> =>
      Promise.resolve({ pong: true, echo: job.data.echo, worker: `${hostname()}:${process.pid}` }),
  };
}
