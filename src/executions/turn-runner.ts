import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import type { FlowDocument } from '@/flows';
import {
  type AwaitedEffect,
  type Awaiting,
  type BotMessage,
  type EngineError,
  type EngineInput,
  type EngineResult,
  type HandoffEffect,
  isAwaitedEffect,
  type LogStep,
} from './engine/engine-types';
import { assertNever } from './engine/assert-never';
import { runEngine } from './engine/run-engine';
import { requiredFlowRefs, type SessionState } from './engine/session-state';
import { HttpEffectRunner } from './effects/http-effect.runner';
import type { AiUsage } from '@/integrations/openai';
import { OpenAiEffectRunner } from './effects/openai-effect.runner';
import { LinkedFlows } from './linked-flows';

/** Something the client does itself between messages (Typebot: clientSideActions). */
export type ClientAction =
  | { type: 'redirect'; url: string; newTab: boolean; afterMessageCount: number }
  | { type: 'wait'; seconds: number; afterMessageCount: number };

export interface TurnContext {
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly sessionId: string;
  readonly flow: FlowDocument;
  /** Previews may skip effects that touch the outside world. */
  readonly runEffects: boolean;
  /**
   * Called once before the first effect that reaches the outside world (HTTP, OpenAI): a turn run
   * on a cached session row checks there that the row is still current, so a stale copy never
   * makes a call twice. Throwing stops the turn.
   */
  readonly beforeOutsideEffects?: () => Promise<void>;
}

/** Everything one visitor turn produced, across engine steps and effects. */
export interface TurnOutcome {
  readonly state: SessionState;
  readonly messages: BotMessage[];
  readonly awaiting: Awaiting | null;
  readonly actions: ClientAction[];
  readonly log: LogStep[];
  readonly status: EngineResult['status'];
  readonly handoff: HandoffEffect | undefined;
  /** AI calls that reached the provider (failed ones too); the caller turns them into events saved with the turn. */
  readonly aiUsage: AiUsage[];
  readonly error: EngineError | undefined;
}

/** Engine steps a single turn may chain through effects before it gives up. */
const MAX_EFFECT_ROUNDS = 25;

/**
 * Runs one turn: the pure engine, then the effects it asks for (HTTP, OpenAI, linked bots, wait),
 * feeding each result back, until the bot waits for the visitor or ends. No database access: the
 * caller loads and saves the session.
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger(TurnRunner.name);

  constructor(
    private readonly http: HttpEffectRunner,
    private readonly openai: OpenAiEffectRunner,
    private readonly linked: LinkedFlows,
  ) {}

  async run(
    ctx: TurnContext,
    state: SessionState | undefined,
    first: EngineInput,
    now = new Date(),
  ): Promise<TurnOutcome> {
    const messages: BotMessage[] = [];
    const actions: ClientAction[] = [];
    const log: LogStep[] = [];
    const aiUsage: AiUsage[] = [];
    let handoff: HandoffEffect | undefined;
    let input = first;
    let current = state;
    let checked = false;
    for (let round = 0; ; round++) {
      const linkedFlows = current ? await this.linked.load(ctx.organizationId, requiredFlowRefs(current)) : {};
      const result = runEngine(ctx.flow, current, input, { now, random: Math.random, linkedFlows });
      const offset = messages.length;
      messages.push(...result.messages);
      log.push(...result.log);
      current = result.nextState;
      for (const effect of result.effects) {
        switch (effect.kind) {
          case 'redirect':
            actions.push({
              type: 'redirect',
              url: effect.url,
              newTab: effect.newTab,
              afterMessageCount: offset + effect.afterMessageCount,
            });
            break;
          case 'handoff':
            handoff = effect;
            break;
          case 'sendEmail':
            this.logger.warn(`Send-email block ${effect.blockId} skipped: email delivery is not configured yet`);
            log.push({
              blockId: effect.blockId,
              groupId: effect.groupId,
              kind: 'sendEmail',
              outcome: 'skipped',
              error: 'email is not configured',
            });
            break;
          case 'httpRequest':
          case 'openAiChat':
          case 'openAiTranscription':
          case 'openAiSpeech':
          case 'wait':
          case 'linkBot':
            break; // awaited: carried out below (carryOut), and its result fed back to the engine
          default:
            assertNever(effect, 'effect');
        }
      }
      const awaited = result.effects.find(isAwaitedEffect);
      if (result.status !== 'awaiting_effect' || !awaited || result.error || round >= MAX_EFFECT_ROUNDS) {
        return {
          state: current,
          messages,
          awaiting: result.awaiting,
          actions,
          log,
          status: result.status,
          handoff,
          aiUsage,
          error: result.error,
        };
      }
      if (awaited.kind === 'wait') {
        actions.push({ type: 'wait', seconds: awaited.seconds, afterMessageCount: offset + awaited.afterMessageCount });
      }
      if (!checked && ctx.beforeOutsideEffects && awaited.kind !== 'wait' && awaited.kind !== 'linkBot') {
        await ctx.beforeOutsideEffects();
        checked = true;
      }
      input = await this.carryOut(ctx, awaited, aiUsage);
    }
  }

  /** Carries out one awaited effect and returns the engine input that reports its result. */
  private async carryOut(ctx: TurnContext, effect: AwaitedEffect, aiUsage: AiUsage[]): Promise<EngineInput> {
    const base = { type: 'effectResult' as const, effectId: effect.effectId };
    switch (effect.kind) {
      case 'wait':
        // The pause is the client's (an action between messages); the flow goes on.
        return { ...base, outcome: 'ok' };
      case 'linkBot': {
        const flowRef = await this.linked.resolve(ctx.organizationId, effect.chatbotPublicId);
        return flowRef
          ? { ...base, outcome: 'ok', data: { flowRef } }
          : { ...base, outcome: 'error', error: `bot ${effect.chatbotPublicId} is not published in this organization` };
      }
      case 'httpRequest': {
        if (!ctx.runEffects) return { ...base, outcome: 'error', error: 'skipped in preview' };
        const done = await this.http.run(effect);
        // An answer with an error status still has a body the flow may map; the engine logs the status.
        if (done.data !== undefined) return { ...base, outcome: 'ok', data: done.data };
        return { ...base, outcome: 'error', ...(done.error ? { error: done.error } : {}) };
      }
      case 'openAiChat':
      case 'openAiTranscription':
      case 'openAiSpeech': {
        if (!ctx.runEffects) return { ...base, outcome: 'error', error: 'skipped in preview' };
        const done = await this.openai.run(ctx.organizationId, effect);
        if (done.usage) aiUsage.push(done.usage);
        return { ...base, outcome: done.outcome, data: done.data, ...(done.error ? { error: done.error } : {}) };
      }
    }
  }
}
