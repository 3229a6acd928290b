import type { BlockOf, BubbleBlockType } from '@/flows';
import { assertNever } from '../assert-never';
import type { BotMessage } from '../engine-types';
import { renderOptional, renderTemplate } from '../templating';
import { continueAfter, pauseAtInput, type Next } from './navigation';
import type { Turn } from './turn';

type BubbleBlock = BlockOf<BubbleBlockType>;

/** The message a bubble sends, or undefined when it has nothing to show (an empty text or URL). */
function bubbleMessage(turn: Turn, block: BubbleBlock): BotMessage | undefined {
  const r = (t: string) => renderTemplate(t, turn.store);
  switch (block.type) {
    case 'text': {
      const markdown = r(block.options.text);
      return markdown.trim() === '' ? undefined : { type: 'text', blockId: block.id, markdown };
    }
    case 'image': {
      const { url, alt, clickLink } = block.options;
      const altText = renderOptional(alt, turn.store);
      const link = clickLink ? { url: r(clickLink.url), alt: renderOptional(clickLink.alt, turn.store) } : undefined;
      return {
        type: 'image',
        blockId: block.id,
        url: r(url),
        ...(altText !== undefined ? { alt: altText } : {}),
        ...(link ? { clickLink: link.alt === undefined ? { url: link.url } : { url: link.url, alt: link.alt } } : {}),
      };
    }
    case 'video': {
      const { url, provider, autoplay, showControls } = block.options;
      return { type: 'video', blockId: block.id, url: r(url), provider, autoplay, showControls };
    }
    case 'audio':
      return { type: 'audio', blockId: block.id, url: r(block.options.url), autoplay: block.options.autoplay };
    case 'embed': {
      const { url, heightPx, waitForEvent } = block.options;
      return {
        type: 'embed',
        blockId: block.id,
        url: r(url),
        ...(heightPx !== undefined ? { heightPx } : {}),
        ...(waitForEvent ? { waitForEvent: waitForEvent.name } : {}),
      };
    }
    default:
      return assertNever(block, 'bubble block');
  }
}

/** Bubbles send their message and the walk goes on; an embed waiting for an event pauses. */
export function runBubble(turn: Turn, block: BubbleBlock, groupId: string): Next {
  const message = bubbleMessage(turn, block);
  const empty = message === undefined || (message.type !== 'text' && message.url.trim() === '');
  if (empty) {
    turn.recordBlock(block, groupId, 'skipped', 'nothing to show');
  } else {
    turn.say(message);
  }
  if (block.type === 'embed' && block.options.waitForEvent) {
    return pauseAtInput(turn, block, groupId, { isRetry: false, idleFired: false });
  }
  if (!empty) turn.recordBlock(block, groupId, 'ok');
  return continueAfter(turn, block, groupId);
}
