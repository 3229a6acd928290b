import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * WhatsApp Cloud API channels: numbers per organization (access token and app secret sealed by the
 * vault with the row's id as aad), their message templates, the inbound messages seen (one row per
 * Meta message id: a duplicate notification is processed once), which number and WhatsApp user a
 * conversation is with (and when they last wrote: the 24-hour window), and what was sent out
 * (the Meta message id of each, for status notifications).
 */
export class WhatsAppChannel1796170300000 implements MigrationInterface {
  name = 'WhatsAppChannel1796170300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "whatsapp_channels" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "phone_number_id" character varying(64) NOT NULL,
                "business_account_id" character varying(64) NOT NULL,
                "access_token_sealed" text NOT NULL,
                "app_secret_sealed" text NOT NULL,
                "verify_token" character varying(256) NOT NULL,
                "chatbot_id" uuid,
                "display_name" character varying(200),
                "display_phone_number" character varying(64),
                "quality_rating" character varying(32),
                "templates_synced_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_whatsapp_channels" PRIMARY KEY ("id"),
                CONSTRAINT "uq_whatsapp_channels_phone_number" UNIQUE ("organization_id", "phone_number_id"),
                CONSTRAINT "fk_whatsapp_channels_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_channels_chatbot" FOREIGN KEY ("chatbot_id")
                    REFERENCES "chatbots"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`CREATE INDEX "ix_whatsapp_channels_chatbot" ON "whatsapp_channels" ("chatbot_id")`);
    await queryRunner.query(`
            CREATE TABLE "whatsapp_templates" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "channel_id" uuid NOT NULL,
                "meta_id" character varying(64),
                "name" character varying(512) NOT NULL,
                "language" character varying(16) NOT NULL,
                "category" character varying(32),
                "status" character varying(32) NOT NULL,
                "components" jsonb NOT NULL DEFAULT '[]',
                "variables" jsonb NOT NULL DEFAULT '[]',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_whatsapp_templates" PRIMARY KEY ("id"),
                CONSTRAINT "uq_whatsapp_templates_name" UNIQUE ("channel_id", "name", "language"),
                CONSTRAINT "fk_whatsapp_templates_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_templates_channel" FOREIGN KEY ("channel_id")
                    REFERENCES "whatsapp_channels"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_templates_org" ON "whatsapp_templates" ("organization_id", "channel_id", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_templates_status" ON "whatsapp_templates" ("channel_id", "status", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_templates_language" ON "whatsapp_templates" ("channel_id", "language", "id")`,
    );
    await queryRunner.query(`
            CREATE TABLE "whatsapp_inbound_messages" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "channel_id" uuid NOT NULL,
                "wamid" character varying(256) NOT NULL,
                "wa_id" character varying(32) NOT NULL,
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_whatsapp_inbound_messages" PRIMARY KEY ("id"),
                CONSTRAINT "uq_whatsapp_inbound_messages_wamid" UNIQUE ("channel_id", "wamid"),
                CONSTRAINT "fk_whatsapp_inbound_messages_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_inbound_messages_channel" FOREIGN KEY ("channel_id")
                    REFERENCES "whatsapp_channels"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_inbound_messages_org" ON "whatsapp_inbound_messages" ("organization_id")`,
    );
    await queryRunner.query(`
            CREATE TABLE "whatsapp_conversations" (
                "conversation_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "channel_id" uuid NOT NULL,
                "wa_id" character varying(32) NOT NULL,
                "last_inbound_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_whatsapp_conversations" PRIMARY KEY ("conversation_id"),
                CONSTRAINT "fk_whatsapp_conversations_conversation" FOREIGN KEY ("conversation_id")
                    REFERENCES "conversations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_conversations_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_conversations_channel" FOREIGN KEY ("channel_id")
                    REFERENCES "whatsapp_channels"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_conversations_user" ON "whatsapp_conversations" ("channel_id", "wa_id", "created_at" DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_conversations_org" ON "whatsapp_conversations" ("organization_id")`,
    );
    await queryRunner.query(`
            CREATE TABLE "whatsapp_outbound_messages" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "channel_id" uuid NOT NULL,
                "conversation_id" uuid NOT NULL,
                "item_key" character varying(128) NOT NULL,
                "message_id" uuid,
                "wamid" character varying(256),
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "error_code" character varying(64),
                "error_message" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_whatsapp_outbound_messages" PRIMARY KEY ("id"),
                CONSTRAINT "uq_whatsapp_outbound_messages_item" UNIQUE ("conversation_id", "item_key"),
                CONSTRAINT "ck_whatsapp_outbound_messages_status"
                    CHECK ("status" IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed')),
                CONSTRAINT "fk_whatsapp_outbound_messages_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_outbound_messages_channel" FOREIGN KEY ("channel_id")
                    REFERENCES "whatsapp_channels"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_whatsapp_outbound_messages_conversation" FOREIGN KEY ("conversation_id")
                    REFERENCES "conversations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_whatsapp_outbound_messages_wamid" ON "whatsapp_outbound_messages" ("channel_id", "wamid") WHERE "wamid" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_whatsapp_outbound_messages_org" ON "whatsapp_outbound_messages" ("organization_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "whatsapp_outbound_messages"`);
    await queryRunner.query(`DROP TABLE "whatsapp_conversations"`);
    await queryRunner.query(`DROP TABLE "whatsapp_inbound_messages"`);
    await queryRunner.query(`DROP TABLE "whatsapp_templates"`);
    await queryRunner.query(`DROP TABLE "whatsapp_channels"`);
  }
}
