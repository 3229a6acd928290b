import { Injectable } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { ChatbotsRepository } from './chatbots.repository';

/**
 * What modules that run bots (executions) read about chatbots: a bot by its public id or by id in
 * its organization, a published version by number, the public-access facts checked on visitor
 * requests, and the variable names saved in results. Each method is the one query it was before,
 * so hot paths (a chat turn, the flow cache) cost the same.
 */
@Injectable()
export class PublishedChatbots {
  constructor(private readonly chatbots: ChatbotsRepository) {}

  /** A chatbot by its public id (the visitor's capability); null when gone or its organization is suspended. */
  findByPublicIdCapability(publicId: string) {
    return this.chatbots.findByPublicIdCapability(publicId);
  }

  /** A chatbot of the organization, or null. */
  find(organizationId: OrganizationId, chatbotId: string) {
    return this.chatbots.find(organizationId, chatbotId);
  }

  /** Whether the chatbot exists in this organization. */
  async exists(organizationId: OrganizationId, chatbotId: string): Promise<boolean> {
    return (await this.chatbots.find(organizationId, chatbotId)) !== null;
  }

  /** A published version by its number, or null. */
  findVersion(organizationId: OrganizationId, chatbotId: string, version: number) {
    return this.chatbots.findVersion(organizationId, chatbotId, version);
  }

  /** The bot's allowed origins and whether its organization is suspended; undefined when the bot is gone. */
  findPublicAccessForSessionBot(chatbotId: string) {
    return this.chatbots.findPublicAccessForSessionBot(chatbotId);
  }

  /** Names of the variables saved in results over every version of the chatbot (for exports). */
  savedVariableNames(organizationId: OrganizationId, chatbotId: string): Promise<string[]> {
    return this.chatbots.savedVariableNames(organizationId, chatbotId);
  }
}
