import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { AssignmentService } from '../assignment.service';
import { ConversationsService } from '../conversations.service';

/** Live chat's jobs: assignment after a handoff (outbox subscriber `chat-assignment`) and snoozes. */
@Processor('chat', workerOptions)
export class ChatProcessor extends TypedWorkerHost<'chat'> {
  readonly queue = 'chat' as const;
  private readonly logger = new Logger(ChatProcessor.name);

  constructor(
    private readonly assignment: AssignmentService,
    private readonly conversations: ConversationsService,
  ) {
    super();
  }

  protected readonly handlers: JobHandlers<'chat'> = {
    'assign-handoff': async (job: TypedJob<'chat', 'assign-handoff'>) => {
      const { event } = job.data;
      if (event.type !== 'conversation.bot_handoff' || event.organizationId === null) return { skipped: true };
      const assigneeId = await this.assignment.assign(
        asOrganizationId(event.organizationId),
        event.data.conversationId,
      );
      this.logger.log(`Conversation ${event.data.conversationId}: ${assigneeId ? 'assigned' : 'waiting'}`);
      return { assigneeId };
    },
    unsnooze: async (job: TypedJob<'chat', 'unsnooze'>) => ({
      reopened: await this.conversations.reopenIfDue(
        asOrganizationId(job.data.organizationId),
        job.data.conversationId,
      ),
    }),
    'reopen-snoozed': async () => ({ reopened: await this.conversations.reopenDueSnoozes() }),
  };
}
