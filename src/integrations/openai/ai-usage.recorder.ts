import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrganizationId } from '@/access/organization-id';
import { EventsPublisher } from '@/events/events.publisher';
import type { AiUsage } from './openai.types';

/** What an AI call outside a visitor turn was for (a transcription job, an import). */
export interface AiUsageContext {
  readonly chatbotId?: string | null;
  readonly sessionId?: string | null;
}

/**
 * Records `ai.usage_recorded` for calls made outside a turn, each in a transaction of its own.
 * (Engine calls do not come here: their usage is saved with the turn, in its statement.)
 */
@Injectable()
export class AiUsageRecorder {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsPublisher,
  ) {}

  async record(
    organizationId: OrganizationId,
    usage: AiUsage | undefined,
    context: AiUsageContext = {},
  ): Promise<void> {
    if (!usage) return; // nothing reached the provider
    const event = this.events.event('ai.usage_recorded', organizationId, {
      chatbotId: context.chatbotId ?? null,
      sessionId: context.sessionId ?? null,
      preview: false,
      ...usage,
    });
    await this.dataSource.transaction((em) => this.events.publishIn(em, [event]));
  }
}
