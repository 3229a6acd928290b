import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Live chat: contacts, conversations and their one message history, read markers, canned
 * responses, assignment settings. A bot session's conversation has the session's id (1:1), so a
 * turn finds it without a lookup. Sessions' transcripts move from `chat_session_turns` into
 * `conversation_messages` (visitor lines keep their `client_message_id` and the answer given) and
 * the execution log into `session_turn_logs`; `chat_session_turns` goes.
 */
export class LiveChat1796160000000 implements MigrationInterface {
  name = 'LiveChat1796160000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "contacts" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" character varying(200),
                "email" character varying(320),
                "phone" character varying(32),
                "attributes" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contacts" PRIMARY KEY ("id"),
                CONSTRAINT "fk_contacts_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_contacts_email" ON "contacts" ("organization_id", lower("email"))
             WHERE "email" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_contacts_phone" ON "contacts" ("organization_id", "phone") WHERE "phone" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "conversations" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "channel" character varying(16) NOT NULL DEFAULT 'web',
                "contact_id" uuid,
                "session_id" uuid,
                "chatbot_id" uuid,
                "preview" boolean NOT NULL DEFAULT false,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "snoozed_until" TIMESTAMP WITH TIME ZONE,
                "priority" character varying(16) NOT NULL DEFAULT 'none',
                "assignee_id" uuid,
                "department_id" uuid,
                "labels" text array NOT NULL DEFAULT '{}',
                "last_seq" integer NOT NULL DEFAULT 0,
                "visitor_last_read_seq" integer NOT NULL DEFAULT 0,
                "first_reply_at" TIMESTAMP WITH TIME ZONE,
                "waiting_since" TIMESTAMP WITH TIME ZONE,
                "last_message_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_conversations" PRIMARY KEY ("id"),
                CONSTRAINT "uq_conversations_session" UNIQUE ("session_id"),
                CONSTRAINT "ck_conversations_status" CHECK ("status" IN ('pending', 'open', 'resolved', 'snoozed')),
                CONSTRAINT "ck_conversations_priority" CHECK ("priority" IN ('none', 'low', 'medium', 'high', 'urgent')),
                CONSTRAINT "ck_conversations_channel" CHECK ("channel" IN ('web', 'whatsapp', 'api')),
                CONSTRAINT "fk_conversations_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_conversations_contact" FOREIGN KEY ("contact_id")
                    REFERENCES "contacts"("id") ON DELETE SET NULL,
                CONSTRAINT "fk_conversations_session" FOREIGN KEY ("session_id")
                    REFERENCES "chat_sessions"("id") ON DELETE SET NULL,
                CONSTRAINT "fk_conversations_chatbot" FOREIGN KEY ("chatbot_id")
                    REFERENCES "chatbots"("id") ON DELETE SET NULL,
                CONSTRAINT "fk_conversations_assignee" FOREIGN KEY ("assignee_id")
                    REFERENCES "users"("id") ON DELETE SET NULL,
                CONSTRAINT "fk_conversations_department" FOREIGN KEY ("department_id")
                    REFERENCES "departments"("id") ON DELETE SET NULL
            )
        `);
    // The inbox: newest activity first within a status, per assignee, per department queue, by label.
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_status" ON "conversations" ("organization_id", "status", "last_message_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_assignee" ON "conversations" ("organization_id", "assignee_id", "status", "last_message_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_department" ON "conversations" ("organization_id", "department_id", "status", "last_message_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_waiting" ON "conversations" ("organization_id", "waiting_since")
             WHERE "status" = 'open' AND "assignee_id" IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_labels" ON "conversations" USING gin ("labels")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_contact" ON "conversations" ("contact_id") WHERE "contact_id" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_snoozed" ON "conversations" ("snoozed_until") WHERE "status" = 'snoozed'
        `);
    await queryRunner.query(`
            CREATE TABLE "conversation_messages" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "conversation_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "sender_type" character varying(16) NOT NULL,
                "sender_id" uuid,
                "kind" character varying(16) NOT NULL DEFAULT 'message',
                "content" jsonb NOT NULL,
                "text" text,
                "client_message_id" text,
                "response" jsonb,
                "status" character varying(16) NOT NULL DEFAULT 'sent',
                "turn" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_conversation_messages" PRIMARY KEY ("id"),
                CONSTRAINT "uq_conversation_messages_seq" UNIQUE ("conversation_id", "seq"),
                CONSTRAINT "ck_conversation_messages_sender" CHECK ("sender_type" IN ('bot', 'visitor', 'agent', 'system')),
                CONSTRAINT "ck_conversation_messages_kind" CHECK ("kind" IN ('message', 'note', 'activity')),
                CONSTRAINT "ck_conversation_messages_status" CHECK ("status" IN ('sent', 'delivered', 'read', 'failed')),
                CONSTRAINT "fk_conversation_messages_conversation" FOREIGN KEY ("conversation_id")
                    REFERENCES "conversations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_conversation_messages_client_message"
                ON "conversation_messages" ("conversation_id", "sender_type", "client_message_id")
             WHERE "client_message_id" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "session_turn_logs" (
                "id" uuid NOT NULL,
                "session_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "turn" integer NOT NULL,
                "steps" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_session_turn_logs" PRIMARY KEY ("id"),
                CONSTRAINT "uq_session_turn_logs_turn" UNIQUE ("session_id", "turn"),
                CONSTRAINT "fk_session_turn_logs_session" FOREIGN KEY ("session_id")
                    REFERENCES "chat_sessions"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "conversation_reads" (
                "conversation_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "last_read_seq" integer NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_conversation_reads" PRIMARY KEY ("conversation_id", "user_id"),
                CONSTRAINT "fk_conversation_reads_conversation" FOREIGN KEY ("conversation_id")
                    REFERENCES "conversations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_conversation_reads_user" FOREIGN KEY ("user_id")
                    REFERENCES "users"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversation_reads_user" ON "conversation_reads" ("user_id", "organization_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "canned_responses" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "short_code" character varying(64) NOT NULL,
                "content" text NOT NULL,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_canned_responses" PRIMARY KEY ("id"),
                CONSTRAINT "fk_canned_responses_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_canned_responses_created_by" FOREIGN KEY ("created_by_id")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_canned_responses_short_code" ON "canned_responses" ("organization_id", lower("short_code"))
        `);
    await queryRunner.query(`
            CREATE TABLE "chat_settings" (
                "organization_id" uuid NOT NULL,
                "assignment_strategy" character varying(16) NOT NULL DEFAULT 'round_robin',
                "default_capacity" integer NOT NULL DEFAULT 5,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_chat_settings" PRIMARY KEY ("organization_id"),
                CONSTRAINT "ck_chat_settings_strategy" CHECK ("assignment_strategy" IN ('round_robin', 'least_busy')),
                CONSTRAINT "fk_chat_settings_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "agent_capacities" (
                "organization_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "capacity" integer NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_agent_capacities" PRIMARY KEY ("organization_id", "user_id"),
                CONSTRAINT "fk_agent_capacities_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_agent_capacities_user" FOREIGN KEY ("user_id")
                    REFERENCES "users"("id") ON DELETE CASCADE
            )
        `);

    // Existing sessions: their conversation (same id), history and logs.
    await queryRunner.query(`
            INSERT INTO conversations (id, organization_id, channel, session_id, chatbot_id, preview, status,
                                       waiting_since, last_message_at, resolved_at, created_at, updated_at)
            SELECT s.id, s.organization_id, 'web', s.id, s.chatbot_id, s.preview,
                   CASE s.status WHEN 'active' THEN 'pending' WHEN 'handoff' THEN 'open' ELSE 'resolved' END,
                   CASE WHEN s.status = 'handoff' THEN s.updated_at END,
                   s.updated_at,
                   CASE WHEN s.status IN ('completed', 'failed') THEN s.updated_at END,
                   s.created_at, s.updated_at
              FROM chat_sessions s
        `);
    await queryRunner.query(`
            INSERT INTO conversation_messages (id, organization_id, conversation_id, seq, sender_type, kind, content,
                                               text, client_message_id, response, turn, created_at, updated_at)
            SELECT gen_random_uuid(), t.organization_id, t.session_id,
                   row_number() OVER (PARTITION BY t.session_id ORDER BY t.turn, e.ord),
                   e.item->>'role', 'message', e.item->'content',
                   CASE WHEN e.item->>'role' = 'bot' THEN e.item->'content'->>'markdown'
                        ELSE e.item->'content'->>'text' END,
                   CASE WHEN e.item->>'role' = 'visitor' THEN t.client_message_id END,
                   CASE WHEN e.item->>'role' = 'visitor' THEN t.response END,
                   t.turn, COALESCE((e.item->>'at')::timestamptz, t.created_at), t.created_at
              FROM chat_session_turns t
             CROSS JOIN LATERAL jsonb_array_elements(t.transcript) WITH ORDINALITY AS e(item, ord)
        `);
    await queryRunner.query(`
            UPDATE conversations c SET last_seq = m.n
              FROM (SELECT conversation_id, max(seq) AS n FROM conversation_messages GROUP BY 1) m
             WHERE c.id = m.conversation_id
        `);
    await queryRunner.query(`
            INSERT INTO session_turn_logs (id, session_id, organization_id, turn, steps, created_at, updated_at)
            SELECT id, session_id, organization_id, turn, log, created_at, updated_at
              FROM chat_session_turns WHERE jsonb_array_length(log) > 0
        `);
    await queryRunner.query(`
            DROP TABLE "chat_session_turns"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // As the earlier migrations left it (their `down` drops these constraint names).
    await queryRunner.query(`
            CREATE TABLE "chat_session_turns" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "session_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "turn" integer NOT NULL,
                "transcript" jsonb NOT NULL,
                "log" jsonb NOT NULL,
                "client_message_id" text,
                "response" jsonb,
                CONSTRAINT "uq_chat_session_turns_turn" UNIQUE ("session_id", "turn"),
                CONSTRAINT "PK_2d838baba6181c7c276028743c9" PRIMARY KEY ("id"),
                CONSTRAINT "FK_a5199eca609a8aafeeb23c77510" FOREIGN KEY ("session_id")
                    REFERENCES "chat_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_chat_session_turns_client_message" ON "chat_session_turns" ("session_id", "client_message_id")
        `);
    // The bot's and the visitor's lines of each turn go back into its transcript (agents' messages,
    // notes and activity lines have no place there); turns with a log but no line keep their log.
    await queryRunner.query(`
            WITH turns AS (
                SELECT m.conversation_id AS session_id, m.turn,
                       jsonb_agg(jsonb_build_object('role', m.sender_type, 'at', m.created_at, 'content', m.content)
                                 || CASE WHEN m.sender_type = 'bot' THEN jsonb_build_object('blockId', m.content->>'blockId')
                                         ELSE '{}'::jsonb END
                                 ORDER BY m.seq) AS transcript,
                       max(m.client_message_id) AS client_message_id,
                       (array_agg(m.response) FILTER (WHERE m.response IS NOT NULL))[1] AS response,
                       min(m.created_at) AS created_at
                  FROM conversation_messages m
                  JOIN chat_sessions s ON s.id = m.conversation_id
                 WHERE m.turn IS NOT NULL AND m.sender_type IN ('bot', 'visitor') AND m.kind = 'message'
                 GROUP BY 1, 2
            )
            INSERT INTO chat_session_turns (id, session_id, organization_id, turn, transcript, log, client_message_id,
                                            response, created_at, updated_at)
            SELECT gen_random_uuid(), s.id, s.organization_id, k.turn,
                   COALESCE(t.transcript, '[]'), COALESCE(l.steps, '[]'), t.client_message_id, t.response,
                   COALESCE(t.created_at, l.created_at), COALESCE(t.created_at, l.created_at)
              FROM (SELECT session_id, turn FROM turns UNION SELECT session_id, turn FROM session_turn_logs) k
              JOIN chat_sessions s ON s.id = k.session_id
              LEFT JOIN turns t ON t.session_id = k.session_id AND t.turn = k.turn
              LEFT JOIN session_turn_logs l ON l.session_id = k.session_id AND l.turn = k.turn
        `);
    for (const table of [
      'agent_capacities',
      'chat_settings',
      'canned_responses',
      'conversation_reads',
      'session_turn_logs',
      'conversation_messages',
      'conversations',
      'contacts',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
