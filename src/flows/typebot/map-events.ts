import type { FlowEvent } from '../model/events';
import { compact, record, string, text } from './source-readers';
import type { TypebotEvent } from './typebot-source';

const position = (event: TypebotEvent) =>
  event.graphCoordinates ? { x: event.graphCoordinates.x, y: event.graphCoordinates.y } : undefined;

/** Parley command names allow letters, digits, `_`, `.` and `-`; "/Talk to us" becomes "Talk-to-us". */
const commandName = (raw: string): string =>
  raw
    .trim()
    .replace(/^\/+/, '')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '');

function replyCapture(event: TypebotEvent) {
  const options = record(event, 'options');
  return {
    contentVariableId: text(options, 'contentVariableId'),
    inputNameVariableId: text(options, 'inputNameVariableId'),
    inputTypeVariableId: text(options, 'inputTypeVariableId'),
  };
}

function mapEvent(event: TypebotEvent, warn: (message: string) => void): FlowEvent | undefined {
  const base = { id: event.id, position: position(event) };
  switch (event.type) {
    case 'start':
      return compact({ ...base, type: 'start' as const });
    case 'reply':
      return compact({ ...base, type: 'reply' as const, ...replyCapture(event) });
    case 'invalidReply':
      return compact({ ...base, type: 'invalidReply' as const, ...replyCapture(event) });
    case 'command': {
      const raw = string(record(event, 'options'), 'command') ?? '';
      const command = commandName(raw);
      if (command === '') {
        warn(`command event "${event.id}" has no usable command name; dropped`);
        return undefined;
      }
      if (command !== raw) warn(`command "${raw}" is now "${command}"`);
      return compact({ ...base, type: 'command' as const, command });
    }
  }
  warn(`"${event.type}" events are not supported; event "${event.id}" was dropped`);
  return undefined;
}

/** Maps Typebot events (v6 shape) to Parley events, dropping the kinds Parley does not have. */
export function mapEvents(events: TypebotEvent[], warn: (message: string) => void): FlowEvent[] {
  return events.flatMap((event) => mapEvent(event, warn) ?? []);
}
