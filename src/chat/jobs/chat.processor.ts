import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { AssignmentService } from '../assignment.service';
import { ContactsRepository } from '../contacts.repository';
import { ConversationsService } from '../conversations.service';

/** Live chat's jobs: the contact and the assignment after a handoff (outbox subscriber `chat-assignment`) and snoozes. */
@Processor('chat', workerOptions)
export class ChatProcessor extends TypedWorkerHost<'chat'> {
  readonly queue = 'chat' as const;
  private readonly logger = new Logger(ChatProcessor.name);

  constructor(
    private readonly assignment: AssignmentService,
    private readonly conversations: ConversationsService,
    private readonly contacts: ContactsRepository,
  ) {
    super();
  }

  protected readonly handlers: JobHandlers<'chat'> = {
    'assign-handoff': async (job: TypedJob<'chat', 'assign-handoff'>) => {
      const { event } = job.data;
      if (event.type !== 'conversation.bot_handoff' || event.organizationId === null) return { skipped: true };
      const organizationId = asOrganizationId(event.organizationId);
      // The contact first: the agent who gets the conversation sees who it is.
      if (event.data.contact) {
        await this.contacts.linkToConversation(organizationId, event.data.conversationId, event.data.contact);
      }
      const assigneeId = await this.assignment.assign(organizationId, event.data.conversationId);
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
