import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { asOrganizationId } from '@/access/organization-id';
import { ConnectionSecrets } from '../connections/connection-secrets';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { MailTransport } from './mail-transport';

/** Sends queued mail; a send that fails after every retry is logged (no visitor sees it). */
@Processor('mail', workerOptions)
export class MailProcessor extends TypedWorkerHost<'mail'> {
  readonly queue = 'mail' as const;
  private readonly logger = new Logger(MailProcessor.name);

  constructor(
    private readonly transport: MailTransport,
    private readonly connections: ConnectionSecrets,
  ) {
    super();
  }

  protected readonly handlers: JobHandlers<'mail'> = {
    send: async (job: TypedJob<'mail', 'send'>) => {
      const { organizationId, message, connectionId } = job.data;
      if (connectionId === undefined) return this.transport.send(message);
      const connection =
        organizationId === null ? null : await this.connections.find(asOrganizationId(organizationId), connectionId);
      if (connection?.credentials.type !== 'smtp') {
        // Retrying cannot help: the connection is gone or not an SMTP one.
        throw new UnrecoverableError(`connection ${connectionId} is not an smtp connection of the organization`);
      }
      const { secrets, settings } = connection.credentials;
      return this.transport.send(message, { url: secrets.url, ...(settings.from ? { from: settings.from } : {}) });
    },
  };

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts && !(error instanceof UnrecoverableError)) return;
    this.logger.error(
      `Mail job ${job.id ?? '?'} (organization ${String((job.data as { organizationId?: unknown }).organizationId)}) ` +
        // SMTP refusals quote addresses: personal data stays out of the logs.
        `failed after ${job.attemptsMade} attempt(s): ${error.message.replace(/[^\s<>@"']+@[^\s<>@"']+/g, '[address]')}`,
    );
  }
}
