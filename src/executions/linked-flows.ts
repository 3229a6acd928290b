import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import type { FlowDocument } from '@/flows';
import { FlowCache } from './flow-cache';

/**
 * Flows of bots linked with `linkBot` blocks, named by a `flowRef` of `<chatbotId>:<version>`:
 * the version live when the link was entered, so a session keeps running the same code.
 */
@Injectable()
export class LinkedFlows {
  constructor(
    private readonly chatbots: PublishedChatbots,
    private readonly cache: FlowCache,
  ) {}

  /** The flowRef of the published version of a bot of the same organization, if any. */
  async resolve(organizationId: OrganizationId, publicId: string): Promise<string | undefined> {
    const bot = await this.chatbots.findByPublicIdCapability(publicId);
    if (!bot || bot.organizationId !== organizationId || bot.status !== 'published' || !bot.publishedVersion) {
      return undefined;
    }
    return `${bot.id}:${bot.publishedVersion}`;
  }

  async load(organizationId: OrganizationId, refs: readonly string[]): Promise<Record<string, FlowDocument>> {
    const flows: Record<string, FlowDocument> = {};
    for (const ref of refs) {
      const [chatbotId, version] = ref.split(':');
      const cached =
        chatbotId && version ? await this.cache.get(organizationId, chatbotId, Number(version)) : undefined;
      if (cached) flows[ref] = cached.flow;
    }
    return flows;
  }
}
