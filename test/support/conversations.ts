import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

export interface SeedMessage {
  readonly senderType: 'bot' | 'visitor' | 'agent' | 'system';
  readonly senderId?: string;
  readonly kind?: 'message' | 'note' | 'activity';
  readonly text: string;
}

export interface SeedConversation {
  readonly organizationId: string;
  readonly status?: 'pending' | 'open' | 'resolved' | 'snoozed';
  readonly channel?: 'web' | 'whatsapp' | 'api';
  readonly chatbotId?: string | null;
  readonly sessionId?: string | null;
  readonly departmentId?: string | null;
  readonly assigneeId?: string | null;
  readonly labels?: readonly string[];
  readonly preview?: boolean;
  readonly contact?: { name: string; email?: string };
  readonly messages?: readonly SeedMessage[];
  /** Seconds before now of the last activity (lists are ordered by it). */
  readonly agoSeconds?: number;
  readonly waitingSince?: Date | null;
}

/**
 * Inserts a conversation as a bot handoff would leave it (until the session store does it), with
 * its messages numbered 1…n like `ConversationStore`. Returns its id.
 */
export async function insertConversation(t: TestApp, seed: SeedConversation): Promise<string> {
  const id = randomUUID();
  const status = seed.status ?? 'open';
  let contactId: string | null = null;
  if (seed.contact) {
    contactId = randomUUID();
    await t.sql(
      `INSERT INTO contacts (id, organization_id, name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now())`,
      [contactId, seed.organizationId, seed.contact.name, seed.contact.email ?? null],
    );
  }
  const messages = seed.messages ?? [{ senderType: 'visitor', text: 'Hello, I need help' }];
  const at = new Date(Date.now() - (seed.agoSeconds ?? 0) * 1000);
  const waiting = seed.waitingSince !== undefined ? seed.waitingSince : status === 'open' ? at : null;
  await t.sql(
    `INSERT INTO conversations (id, organization_id, channel, contact_id, session_id, chatbot_id, preview, status, assignee_id,
                                department_id, labels, last_seq, waiting_since, last_message_at, resolved_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::varchar, $9, $10, $11, $12, $13, $14, CASE WHEN $8::varchar = 'resolved' THEN $14::timestamptz END, $14, $14)`,
    [
      id,
      seed.organizationId,
      seed.channel ?? 'web',
      contactId,
      seed.sessionId ?? null,
      seed.chatbotId ?? null,
      seed.preview ?? false,
      status,
      seed.assigneeId ?? null,
      seed.departmentId ?? null,
      [...(seed.labels ?? [])],
      messages.length,
      waiting,
      at,
    ],
  );
  for (const [i, m] of messages.entries()) {
    await t.sql(
      `INSERT INTO conversation_messages (id, organization_id, conversation_id, seq, sender_type, sender_id, kind, content, text,
                                          created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        randomUUID(),
        seed.organizationId,
        id,
        i + 1,
        m.senderType,
        m.senderId ?? null,
        m.kind ?? 'message',
        JSON.stringify({ text: m.text }),
        m.text,
        at,
      ],
    );
  }
  return id;
}

/** Polls `check` until it returns a value other than undefined (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('eventually: timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
