import type { BlockOf } from '@/flows';
import { evaluateCondition } from '../conditions';
import { blockExitKey } from '../flow-index';
import { runSetVariable } from '../set-variable';
import { renderTemplate } from '../templating';
import type { ResumeMark } from '../session-state';
import { awaitEffect, continueAfter, goTo, itemExitOrEnd, originOf, pushMark, RETURN, type Next } from './navigation';
import type { Turn } from './turn';

/** The first true item leaves through its exit (or ends the path); else the block's exit or the next block. */
export function runCondition(turn: Turn, block: BlockOf<'condition'>, groupId: string): Next {
  const chosen = block.items.find((item) => evaluateCondition(item.condition, turn.conditionEnv));
  turn.recordBlock(block, groupId, 'ok');
  return chosen ? itemExitOrEnd(turn, block, groupId, chosen.id) : continueAfter(turn, block, groupId);
}

export function runSetVariableBlock(turn: Turn, block: BlockOf<'setVariable'>, groupId: string): Next {
  const outcome = runSetVariable(block, turn.store, turn.systemEnv);
  if (outcome.ok) turn.recordBlock(block, groupId, 'ok');
  else turn.recordBlock(block, groupId, 'error', outcome.error);
  return continueAfter(turn, block, groupId);
}

/** What a later `return` resumes: the block after the jump, else the jump's exit, else nothing. */
function returnMark(turn: Turn, block: BlockOf<'jump'>): ResumeMark {
  const located = turn.index.blocks.get(block.id);
  const next = located?.group.blocks[located.index + 1];
  if (located && next) return { kind: 'goto', target: { groupId: located.group.id, blockId: next.id } };
  const exit = turn.index.exits.get(blockExitKey(block.id));
  return exit ? { kind: 'goto', target: exit.to } : { kind: 'endPath' };
}

export function runJump(turn: Turn, block: BlockOf<'jump'>, groupId: string): Next {
  const { groupId: targetGroup, blockId } = block.options;
  if (targetGroup === undefined || !turn.index.groups.has(targetGroup)) {
    turn.recordBlock(block, groupId, 'error', `the jump target group "${targetGroup ?? ''}" does not exist`);
    return continueAfter(turn, block, groupId);
  }
  pushMark(turn, returnMark(turn, block));
  turn.recordBlock(block, groupId, 'ok');
  return goTo(turn, { groupId: targetGroup, ...(blockId !== undefined ? { blockId } : {}) }, originOf(block, groupId));
}

/** Resumes the last mark (a jump, or an input interrupted by an event), else ends the path. */
export function runReturn(turn: Turn, block: BlockOf<'return'>, groupId: string): Next {
  turn.recordBlock(block, groupId, 'ok');
  return RETURN;
}

/** Path `a` with probability `aPercent`%, drawn from the injected random source. */
export function runAbSplit(turn: Turn, block: BlockOf<'abSplit'>, groupId: string): Next {
  const path = turn.ctx.random() * 100 < block.options.aPercent ? 'a' : 'b';
  const item = block.items.find((i) => i.path === path);
  turn.recordBlock(block, groupId, 'ok');
  return continueAfter(turn, block, groupId, item?.id);
}

export function runWait(turn: Turn, block: BlockOf<'wait'>, groupId: string): Next {
  if (block.options.seconds <= 0) {
    turn.recordBlock(block, groupId, 'skipped', 'waits 0 seconds');
    return continueAfter(turn, block, groupId);
  }
  const place = turn.effectPlace(block, groupId);
  return awaitEffect(turn, block, groupId, {
    ...place,
    kind: 'wait',
    awaitsResult: true,
    seconds: block.options.seconds,
  });
}

/** A client-side action; the walk goes on. */
export function runRedirect(turn: Turn, block: BlockOf<'redirect'>, groupId: string): Next {
  const url = renderTemplate(block.options.url, turn.store).trim();
  if (url === '') {
    turn.recordBlock(block, groupId, 'error', 'the redirect has no URL');
    return continueAfter(turn, block, groupId);
  }
  const place = turn.effectPlace(block, groupId);
  turn.effects.push({ ...place, kind: 'redirect', awaitsResult: false, url, newTab: block.options.newTab });
  turn.recordBlock(block, groupId, 'ok');
  return continueAfter(turn, block, groupId);
}

/** Asks the service to load the other bot; its answer (`effectResult`) starts it. */
export function runLinkBot(turn: Turn, block: BlockOf<'linkBot'>, groupId: string): Next {
  const { chatbotPublicId, groupId: targetGroup } = block.options;
  if (chatbotPublicId.trim() === '') {
    turn.recordBlock(block, groupId, 'error', 'no bot is linked');
    return continueAfter(turn, block, groupId);
  }
  if (turn.state.linkStack.length >= turn.ctx.limits.maxLinkDepth) {
    turn.recordBlock(block, groupId, 'error', `linked bots are nested more than ${turn.ctx.limits.maxLinkDepth} deep`);
    return continueAfter(turn, block, groupId);
  }
  const place = turn.effectPlace(block, groupId);
  return awaitEffect(turn, block, groupId, {
    ...place,
    kind: 'linkBot',
    awaitsResult: true,
    chatbotPublicId: chatbotPublicId.trim(),
    ...(targetGroup !== undefined ? { targetGroupId: targetGroup } : {}),
  });
}
