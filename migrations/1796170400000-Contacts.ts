import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Contacts grow into profiles: lifecycle stage (stages per organization in `contact_settings`),
 * lead score, blocked flag, first/last seen, conversation count (kept by a trigger on
 * `conversations.contact_id`), the current consent per channel (`consents` jsonb, derived from the
 * append-only `contact_consents` history), a `search` tsvector (generated: name, email, phone and
 * attribute values) and prefix indexes (`text_pattern_ops`, no extension needed, so PGlite works
 * too). Typed custom attributes (`contact_attribute_definitions`), tags (`tags`, `contact_tags`),
 * saved filters (`segments`), the erasure audit (`contact_erasures`, no personal data). Sessions get
 * their contact (`chat_sessions.contact_id`).
 */
export class Contacts1796170400000 implements MigrationInterface {
  name = 'Contacts1796170400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "contacts"
              ADD COLUMN "lifecycle_stage" character varying(32) NOT NULL DEFAULT 'lead',
              ADD COLUMN "lead_score" integer NOT NULL DEFAULT 0,
              ADD COLUMN "blocked" boolean NOT NULL DEFAULT false,
              ADD COLUMN "source" character varying(32),
              ADD COLUMN "first_seen_at" TIMESTAMP WITH TIME ZONE,
              ADD COLUMN "last_seen_at" TIMESTAMP WITH TIME ZONE,
              ADD COLUMN "conversation_count" integer NOT NULL DEFAULT 0,
              ADD COLUMN "consents" jsonb NOT NULL DEFAULT '{}',
              ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
                to_tsvector('simple', coalesce("name", '') || ' ' || coalesce("email", '') || ' ' || coalesce("phone", ''))
                || jsonb_to_tsvector('simple', "attributes", '["string", "numeric", "boolean"]')
              ) STORED,
              ADD CONSTRAINT "ck_contacts_attributes_object" CHECK (jsonb_typeof("attributes") = 'object'),
              ADD CONSTRAINT "ck_contacts_consents_object" CHECK (jsonb_typeof("consents") = 'object')
        `);
    // Keyset orders (newest first; most recently seen first) and every filter of the list.
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_org_created" ON "contacts" ("organization_id", "created_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_org_last_seen" ON "contacts" ("organization_id", "last_seen_at" DESC NULLS LAST, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_org_lifecycle" ON "contacts" ("organization_id", "lifecycle_stage", "last_seen_at" DESC NULLS LAST, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_org_blocked" ON "contacts" ("organization_id", "created_at" DESC, "id" DESC) WHERE "blocked"
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_name_prefix" ON "contacts" ("organization_id", lower("name") text_pattern_ops)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_email_prefix" ON "contacts" ("organization_id", lower("email") text_pattern_ops)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_phone_prefix" ON "contacts" ("organization_id", "phone" text_pattern_ops)
        `);
    await queryRunner.query(`CREATE INDEX "ix_contacts_search" ON "contacts" USING gin ("search")`);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_attributes" ON "contacts" USING gin ("attributes" jsonb_path_ops)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contacts_consents" ON "contacts" USING gin ("consents" jsonb_path_ops)
        `);

    // The conversation count follows conversations.contact_id, whoever changes it (link, merge, erasure).
    await queryRunner.query(`
            CREATE FUNCTION "contacts_conversation_count"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.contact_id IS NOT NULL THEN
                UPDATE contacts SET conversation_count = greatest(conversation_count - 1, 0) WHERE id = OLD.contact_id;
              END IF;
              IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.contact_id IS NOT NULL THEN
                UPDATE contacts SET conversation_count = conversation_count + 1 WHERE id = NEW.contact_id;
              END IF;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_conversations_contact_count_insert" AFTER INSERT ON "conversations"
              FOR EACH ROW WHEN (NEW.contact_id IS NOT NULL) EXECUTE FUNCTION "contacts_conversation_count"()
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_conversations_contact_count_update" AFTER UPDATE OF "contact_id" ON "conversations"
              FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id) EXECUTE FUNCTION "contacts_conversation_count"()
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_conversations_contact_count_delete" AFTER DELETE ON "conversations"
              FOR EACH ROW WHEN (OLD.contact_id IS NOT NULL) EXECUTE FUNCTION "contacts_conversation_count"()
        `);
    await queryRunner.query(`
            UPDATE contacts c SET conversation_count = n.count
              FROM (SELECT contact_id, count(*)::int AS count FROM conversations WHERE contact_id IS NOT NULL GROUP BY contact_id) n
             WHERE n.contact_id = c.id
        `);
    await queryRunner.query(`
            UPDATE contacts c SET first_seen_at = s.first, last_seen_at = s.last
              FROM (SELECT contact_id, min(created_at) AS first, max(last_message_at) AS last
                      FROM conversations WHERE contact_id IS NOT NULL GROUP BY contact_id) s
             WHERE s.contact_id = c.id
        `);

    await queryRunner.query(`ALTER TABLE "chat_sessions" ADD COLUMN "contact_id" uuid`);
    await queryRunner.query(`
            ALTER TABLE "chat_sessions" ADD CONSTRAINT "fk_chat_sessions_contact" FOREIGN KEY ("contact_id")
              REFERENCES "contacts"("id") ON DELETE SET NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chat_sessions_contact" ON "chat_sessions" ("contact_id") WHERE "contact_id" IS NOT NULL
        `);
    await queryRunner.query(`
            UPDATE chat_sessions s SET contact_id = c.contact_id
              FROM conversations c WHERE c.session_id = s.id AND c.contact_id IS NOT NULL
        `);

    await queryRunner.query(`
            CREATE TABLE "contact_settings" (
                "organization_id" uuid NOT NULL,
                "lifecycle_stages" text array NOT NULL DEFAULT '{lead,subscriber,opportunity,customer,churned}',
                "default_lifecycle_stage" character varying(32) NOT NULL DEFAULT 'lead',
                "default_country" character varying(2),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_settings" PRIMARY KEY ("organization_id"),
                CONSTRAINT "ck_contact_settings_default_stage" CHECK ("default_lifecycle_stage" = ANY ("lifecycle_stages")),
                CONSTRAINT "fk_contact_settings_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);

    await queryRunner.query(`
            CREATE TABLE "contact_attribute_definitions" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "key" character varying(64) NOT NULL,
                "label" character varying(200) NOT NULL,
                "type" character varying(16) NOT NULL,
                "options" text array NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_attribute_definitions" PRIMARY KEY ("id"),
                CONSTRAINT "uq_contact_attribute_definitions_key" UNIQUE ("organization_id", "key"),
                CONSTRAINT "ck_contact_attribute_definitions_type"
                    CHECK ("type" IN ('text', 'number', 'date', 'boolean', 'list')),
                CONSTRAINT "fk_contact_attribute_definitions_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);

    await queryRunner.query(`
            CREATE TABLE "tags" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" character varying(64) NOT NULL,
                "color" character varying(16),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_tags" PRIMARY KEY ("id"),
                CONSTRAINT "fk_tags_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tags_name" ON "tags" ("organization_id", lower("name"))`);
    await queryRunner.query(`
            CREATE TABLE "contact_tags" (
                "organization_id" uuid NOT NULL,
                "contact_id" uuid NOT NULL,
                "tag_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_tags" PRIMARY KEY ("contact_id", "tag_id"),
                CONSTRAINT "fk_contact_tags_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_tags_contact" FOREIGN KEY ("contact_id")
                    REFERENCES "contacts"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_tags_tag" FOREIGN KEY ("tag_id")
                    REFERENCES "tags"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`CREATE INDEX "ix_contact_tags_tag" ON "contact_tags" ("tag_id", "contact_id")`);
    await queryRunner.query(`CREATE INDEX "ix_contact_tags_organization" ON "contact_tags" ("organization_id")`);

    await queryRunner.query(`
            CREATE TABLE "contact_consents" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "contact_id" uuid NOT NULL,
                "channel" character varying(16) NOT NULL,
                "status" character varying(16) NOT NULL,
                "source" character varying(64) NOT NULL,
                "evidence" text,
                "ip" character varying(64),
                "user_agent" character varying(512),
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "recorded_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_consents" PRIMARY KEY ("id"),
                CONSTRAINT "ck_contact_consents_channel" CHECK ("channel" IN ('email', 'sms', 'whatsapp', 'web')),
                CONSTRAINT "ck_contact_consents_status" CHECK ("status" IN ('opt_in', 'opt_out')),
                CONSTRAINT "fk_contact_consents_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_consents_contact" FOREIGN KEY ("contact_id")
                    REFERENCES "contacts"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_consents_recorded_by" FOREIGN KEY ("recorded_by")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contact_consents_contact" ON "contact_consents" ("contact_id", "recorded_at" DESC, "id" DESC)
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_contact_consents_organization" ON "contact_consents" ("organization_id")`,
    );

    await queryRunner.query(`
            CREATE TABLE "segments" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "filter" jsonb NOT NULL DEFAULT '{}',
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_segments" PRIMARY KEY ("id"),
                CONSTRAINT "fk_segments_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_segments_created_by" FOREIGN KEY ("created_by")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_segments_name" ON "segments" ("organization_id", lower("name"))`);

    await queryRunner.query(`
            CREATE TABLE "contact_erasures" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "contact_id" uuid NOT NULL,
                "reason" character varying(500) NOT NULL,
                "erased_by" uuid,
                "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "removed" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_erasures" PRIMARY KEY ("id"),
                CONSTRAINT "fk_contact_erasures_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_erasures_erased_by" FOREIGN KEY ("erased_by")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contact_erasures_org" ON "contact_erasures" ("organization_id", "erased_at" DESC, "id" DESC)
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "contact_erasures"`);
    await queryRunner.query(`DROP TABLE "segments"`);
    await queryRunner.query(`DROP TABLE "contact_consents"`);
    await queryRunner.query(`DROP TABLE "contact_tags"`);
    await queryRunner.query(`DROP TABLE "tags"`);
    await queryRunner.query(`DROP TABLE "contact_attribute_definitions"`);
    await queryRunner.query(`DROP TABLE "contact_settings"`);
    await queryRunner.query(`DROP INDEX "ix_chat_sessions_contact"`);
    await queryRunner.query(`ALTER TABLE "chat_sessions" DROP CONSTRAINT "fk_chat_sessions_contact"`);
    await queryRunner.query(`ALTER TABLE "chat_sessions" DROP COLUMN "contact_id"`);
    await queryRunner.query(`DROP TRIGGER "tr_conversations_contact_count_delete" ON "conversations"`);
    await queryRunner.query(`DROP TRIGGER "tr_conversations_contact_count_update" ON "conversations"`);
    await queryRunner.query(`DROP TRIGGER "tr_conversations_contact_count_insert" ON "conversations"`);
    await queryRunner.query(`DROP FUNCTION "contacts_conversation_count"()`);
    for (const index of [
      'ix_contacts_consents',
      'ix_contacts_attributes',
      'ix_contacts_search',
      'ix_contacts_phone_prefix',
      'ix_contacts_email_prefix',
      'ix_contacts_name_prefix',
      'ix_contacts_org_blocked',
      'ix_contacts_org_lifecycle',
      'ix_contacts_org_last_seen',
      'ix_contacts_org_created',
    ]) {
      await queryRunner.query(`DROP INDEX "${index}"`);
    }
    await queryRunner.query(`
            ALTER TABLE "contacts"
              DROP CONSTRAINT "ck_contacts_consents_object",
              DROP CONSTRAINT "ck_contacts_attributes_object",
              DROP COLUMN "search",
              DROP COLUMN "consents",
              DROP COLUMN "conversation_count",
              DROP COLUMN "last_seen_at",
              DROP COLUMN "first_seen_at",
              DROP COLUMN "source",
              DROP COLUMN "blocked",
              DROP COLUMN "lead_score",
              DROP COLUMN "lifecycle_stage"
        `);
  }
}
