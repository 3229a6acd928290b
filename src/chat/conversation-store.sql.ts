import type { NewMessage } from './message-view';

/**
 * SQL of the conversation store for statements that other modules own (the bot turn of
 * `executions` saves the session and appends its messages in one statement). The one file of `chat`
 * those modules use, like `events/outbox.sql.ts`.
 *
 * Ordering: a message's `seq` comes from `UPDATE conversations SET last_seq = last_seq + n`, so the
 * writers of one conversation are serialized by its row lock and commit in `seq` order; a client
 * that asks for what came after `seq` k never misses a message committed later with a smaller one.
 */

/** Conversation status changes a bot turn makes. */
export type BotTransition = 'open' | 'pending' | 'resolved' | null;

/** The messages of a statement as one JSON parameter (with their position, `ord`, from 1). */
export const messagesParam = (
  conversationId: string,
  messages: readonly NewMessage[],
  turn: number | null,
  at: Date,
): string =>
  JSON.stringify(
    messages.map((m, i) => ({
      ord: i + 1,
      id: m.id,
      sender_type: m.sender.type,
      sender_id: m.sender.id ?? null,
      kind: m.kind,
      content: m.content,
      text: m.text,
      client_message_id: m.clientMessageId ?? null,
      response: m.response === undefined ? null : m.response,
      turn,
      created_at: at.toISOString(),
      // The event's payload; `seq` is filled in by the statement.
      view: {
        id: m.id,
        conversationId,
        sender: m.sender,
        kind: m.kind,
        content: m.content,
        text: m.text,
        clientMessageId: m.clientMessageId ?? null,
        status: 'sent',
        createdAt: at.toISOString(),
      },
    })),
  );

const MESSAGE_ROWS = (param: string): string =>
  `jsonb_to_recordset(${param}::jsonb) AS m(ord int, id uuid, sender_type text, sender_id uuid, kind text,
     content jsonb, text text, client_message_id text, response jsonb, turn int, created_at timestamptz, view jsonb)`;

export interface TurnCtes {
  /** A CTE returning `id` (the conversation's = the session's id) when the turn saved. */
  readonly gate: string;
  /** Placeholder of `messagesParam(...)`. */
  readonly messages: string;
  readonly count: number;
  /** Placeholder of the `BotTransition` (text or null). */
  readonly transition: string;
  /** Placeholder of the department id (text) a handoff names, or null. */
  readonly department: string;
  /** Whether `message.created` events go to the outbox (not for previews). */
  readonly events: boolean;
}

/**
 * CTEs `conv` (the conversation: `last_seq` bumped by `count`, the status transition applied;
 * returns `base`, the seq before) and `msgs` (the messages, seq `base + ord`) and, with `events`,
 * `msg_events` (one `message.created` per message, the event id being the message id). They run
 * only when `gate` returned a row. A handoff (`open`) waits for an agent since now, in the named
 * department if it is one of the organization's.
 */
export const conversationTurnCtes = (c: TurnCtes): string => `
  conv AS (
    UPDATE conversations cv
       SET last_seq = cv.last_seq + ${c.count}, updated_at = now(),
           -- Indexed (the inbox's order): while the bot owns the conversation, refreshed at most once a
           -- minute so most turns are HOT updates; exact when the status changes.
           last_message_at = CASE WHEN ${c.count} > 0 AND (${c.transition}::text IS NOT NULL
                                       OR cv.last_message_at < now() - interval '1 minute')
                                  THEN now() ELSE cv.last_message_at END,
           status = COALESCE(${c.transition}::text, cv.status),
           waiting_since = CASE ${c.transition}::text WHEN 'open' THEN now() WHEN 'pending' THEN NULL
                                WHEN 'resolved' THEN NULL ELSE cv.waiting_since END,
           resolved_at = CASE ${c.transition}::text WHEN 'resolved' THEN now() WHEN 'open' THEN NULL
                              WHEN 'pending' THEN NULL ELSE cv.resolved_at END,
           assignee_id = CASE ${c.transition}::text WHEN 'pending' THEN NULL ELSE cv.assignee_id END,
           department_id = CASE WHEN ${c.transition}::text = 'open'
                                THEN (SELECT d.id FROM departments d
                                       WHERE d.organization_id = cv.organization_id AND d.id::text = ${c.department}::text)
                                ELSE cv.department_id END
      FROM ${c.gate} g
     WHERE cv.id = g.id
    RETURNING cv.id, cv.organization_id, cv.last_seq - ${c.count} AS base),
  ${messageCtes(c.messages, c.events)}`;

/**
 * CTEs `msgs` (the messages of `param`, seq `conv.base + ord`) and, with `events`, `msg_events`
 * (one `message.created` per message, the event id being the message id), after a CTE `conv`
 * returning the conversation's `id`, `organization_id` and `base` (its seq before them).
 */
const messageCtes = (param: string, events: boolean): string => `msgs AS (
    INSERT INTO conversation_messages (id, organization_id, conversation_id, seq, sender_type, sender_id, kind, content,
                                       text, client_message_id, response, turn, created_at, updated_at)
    SELECT m.id, conv.organization_id, conv.id, conv.base + m.ord, m.sender_type, m.sender_id, m.kind, m.content,
           m.text, m.client_message_id, m.response, m.turn, m.created_at, m.created_at
      FROM conv, ${MESSAGE_ROWS(param)}
    RETURNING id)${
      events
        ? `,
  msg_events AS (
    INSERT INTO outbox_events (id, type, organization_id, occurred_at, data)
    SELECT m.id, 'message.created', conv.organization_id, now(),
           jsonb_build_object('conversationId', conv.id,
                              'message', m.view || jsonb_build_object('seq', conv.base + m.ord))
      FROM conv, ${MESSAGE_ROWS(param)})`
        : ''
    }`;

/**
 * Inserts a bot session's conversation (the session's id) and its first messages (seq 1…n), with
 * their `message.created` events unless `events` is false. Parameters: `$1` id, `$2` organization,
 * `$3` chatbot, `$4` channel, `$5` preview, `$6` messages (`messagesParam`), `$7` status, `$8` department,
 * `$9` contact (or null).
 */
export const INSERT_BOT_CONVERSATION = (events: boolean): string => `
  WITH conv AS (
    INSERT INTO conversations (id, organization_id, chatbot_id, session_id, channel, preview, status, last_seq,
                               waiting_since, resolved_at, department_id, last_message_at, created_at, updated_at,
                               contact_id)
    SELECT $1::uuid, $2::uuid, $3::uuid, $1::uuid, $4::text, $5::boolean, $7::text, jsonb_array_length($6::jsonb),
           CASE WHEN $7::text = 'open' THEN now() END, CASE WHEN $7::text = 'resolved' THEN now() END,
           CASE WHEN $7::text = 'open'
                THEN (SELECT d.id FROM departments d WHERE d.organization_id = $2::uuid AND d.id::text = $8::text) END,
           now(), now(), now(),
           (SELECT ct.id FROM contacts ct WHERE ct.organization_id = $2::uuid AND ct.id = $9::uuid)
    RETURNING id, organization_id, 0 AS base),
  ${messageCtes('$6', events)}
  SELECT id FROM conv`;
