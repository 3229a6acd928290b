import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import type { ChatbotSettings } from '@/chatbots/chatbot-settings';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { INPUT_BLOCK_TYPES, type FlowDocument } from '@/flows';

/** A published version as the engine needs it, with what the service derives from it once. */
export interface CachedFlow {
  readonly versionId: string;
  readonly versionNumber: number;
  readonly chatbotId: string;
  readonly flow: FlowDocument;
  readonly settings: ChatbotSettings;
  /** Inputs of the flow (for progress). */
  readonly inputCount: number;
  /** Variables saved in results: id → name. */
  readonly savedVariables: ReadonlyMap<string, string>;
}

const MAX_ENTRIES = 1_000;

export function describeFlow(flow: FlowDocument): Pick<CachedFlow, 'inputCount' | 'savedVariables'> {
  const inputs = new Set<string>(INPUT_BLOCK_TYPES);
  return {
    inputCount: flow.groups.reduce((n, g) => n + g.blocks.filter((b) => inputs.has(b.type)).length, 0),
    savedVariables: new Map(flow.variables.filter((v) => v.saveInResults).map((v) => [v.id, v.name])),
  };
}

/**
 * Published versions are immutable, so they are cached in memory by organization, chatbot and
 * version number (a chatbot id of another organization never hits an entry of this one):
 * a chat turn costs no query for its flow. Least-recently-used entries are dropped beyond 1,000.
 */
@Injectable()
export class FlowCache {
  private readonly entries = new Map<string, CachedFlow>();

  constructor(private readonly chatbots: PublishedChatbots) {}

  async get(organizationId: OrganizationId, chatbotId: string, version: number): Promise<CachedFlow | undefined> {
    const key = `${organizationId}:${chatbotId}:${version}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const row = await this.chatbots.findVersion(organizationId, chatbotId, version);
    if (!row) return undefined;
    const entry: CachedFlow = {
      versionId: row.id,
      versionNumber: row.version,
      chatbotId,
      flow: row.flow,
      settings: row.settings,
      ...describeFlow(row.flow),
    };
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
