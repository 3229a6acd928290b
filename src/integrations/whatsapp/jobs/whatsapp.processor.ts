import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { isLastAttempt, type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { WhatsAppChannelsService } from '../whatsapp-channels.service';
import { WhatsAppConversationsService } from '../whatsapp-conversations.service';

/** WhatsApp's jobs: inbound messages and statuses, sends, templates, the number's profile. */
@Processor('whatsapp', workerOptions)
export class WhatsAppProcessor extends TypedWorkerHost<'whatsapp'> {
  readonly queue = 'whatsapp' as const;
  private readonly logger = new Logger(WhatsAppProcessor.name);

  constructor(
    private readonly conversations: WhatsAppConversationsService,
    private readonly channels: WhatsAppChannelsService,
  ) {
    super();
  }

  protected readonly handlers: JobHandlers<'whatsapp'> = {
    inbound: async (job: TypedJob<'whatsapp', 'inbound'>) => {
      const data = job.data;
      const organizationId = asOrganizationId(data.organizationId);
      if (data.kind === 'status') {
        return { updated: await this.conversations.applyStatus(organizationId, data.channelId, data.status) };
      }
      return { outcome: await this.conversations.receive(organizationId, data.channelId, data.message) };
    },
    send: async (job: TypedJob<'whatsapp', 'send'>) => {
      await this.conversations.send(
        asOrganizationId(job.data.organizationId),
        job.data.conversationId,
        job.data.items,
        isLastAttempt(job),
      );
      return { items: job.data.items.length };
    },
    'agent-message': async (job: TypedJob<'whatsapp', 'agent-message'>) => ({
      outcome: await this.conversations.agentMessage(job.data.event, isLastAttempt(job)),
    }),
    'bot-turn': async (job: TypedJob<'whatsapp', 'bot-turn'>) => ({
      outcome: await this.conversations.afterStatusChange(job.data.event, isLastAttempt(job)),
    }),
    'sync-templates': async (job: TypedJob<'whatsapp', 'sync-templates'>) => {
      const count = await this.channels.syncTemplates(asOrganizationId(job.data.organizationId), job.data.channelId);
      this.logger.log(`WhatsApp channel ${job.data.channelId}: ${count} templates synced`);
      return { templates: count };
    },
    'refresh-number': async (job: TypedJob<'whatsapp', 'refresh-number'>) => {
      await this.channels.refreshNumber(asOrganizationId(job.data.organizationId), job.data.channelId);
      return { refreshed: true };
    },
  };
}
