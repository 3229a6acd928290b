import type { OrganizationId } from '@/access/organization-id';
import type { ChatbotSettings } from '@/chatbots/chatbot-settings';
import { Injectable } from '@nestjs/common';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { BotNotAvailable } from '../executions.exception';
import { progressBarEnabled, typebotInfoOf } from './typebot-mapping';
import type { TypebotInfo } from './typebot-types';

interface PublishedVersion {
  readonly publishedAt: Date;
  readonly settings: ChatbotSettings;
}

const MAX_VERSIONS = 1_000;
const MAX_THEMES = 10_000;
/** How long a bot's progress bar setting is trusted without a query (the theme can change). */
const THEME_TTL_MS = 5_000;

/**
 * The `typebot` part of a startChat answer: the bot's theme (read each time: it can change) and its
 * published version's date and settings (cached: a version never changes). One indexed read per
 * start once the version is cached. Both caches are keyed by organization and chatbot.
 */
@Injectable()
export class TypebotBots {
  private readonly versions = new Map<string, PublishedVersion>();
  private readonly progressBars = new Map<string, { enabled: boolean; until: number }>();

  constructor(private readonly chatbots: PublishedChatbots) {}

  async info(publicId: string): Promise<TypebotInfo> {
    const bot = await this.chatbots.findByPublicIdCapability(publicId);
    if (!bot || bot.status !== 'published' || !bot.publishedVersion) throw new BotNotAvailable(publicId);
    const version = await this.version(bot.organizationId, bot.id, bot.publishedVersion);
    if (!version) throw new BotNotAvailable(publicId);
    return typebotInfoOf(bot, version);
  }

  /**
   * Whether a bot shows a progress bar (its theme's `general.progressBar.isEnabled`): Typebot sends
   * `progress` only then. Cached for a few seconds.
   */
  async progressBar(organizationId: OrganizationId, chatbotId: string): Promise<boolean> {
    const now = Date.now();
    const key = `${organizationId}:${chatbotId}`;
    const hit = this.progressBars.get(key);
    if (hit && hit.until > now) return hit.enabled;
    const bot = await this.chatbots.find(organizationId, chatbotId);
    const enabled = bot ? progressBarEnabled(bot.theme) : false;
    this.progressBars.delete(key);
    this.progressBars.set(key, { enabled, until: now + THEME_TTL_MS });
    if (this.progressBars.size > MAX_THEMES) this.progressBars.delete(this.progressBars.keys().next().value!);
    return enabled;
  }

  private async version(organizationId: OrganizationId, chatbotId: string, number: number) {
    const key = `${organizationId}:${chatbotId}:${number}`;
    const hit = this.versions.get(key);
    if (hit) return hit;
    const row = await this.chatbots.findVersion(organizationId, chatbotId, number);
    if (!row) return undefined;
    const version: PublishedVersion = { publishedAt: row.createdAt, settings: row.settings };
    this.versions.set(key, version);
    if (this.versions.size > MAX_VERSIONS) this.versions.delete(this.versions.keys().next().value!);
    return version;
  }
}
