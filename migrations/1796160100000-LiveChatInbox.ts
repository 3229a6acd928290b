import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the inbox filters that the live-chat migration left out: the unfiltered list (newest
 * activity first, previews excluded), by chatbot, by channel, and the assignment queue (open,
 * unassigned, oldest waiting first).
 */
export class LiveChatInbox1796160100000 implements MigrationInterface {
  name = 'LiveChatInbox1796160100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_activity" ON "conversations" ("organization_id", "last_message_at" DESC, "id" DESC)
            WHERE "preview" = false
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_chatbot" ON "conversations" ("organization_id", "chatbot_id", "last_message_at" DESC, "id" DESC)
            WHERE "chatbot_id" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_org_channel" ON "conversations" ("organization_id", "channel", "last_message_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_conversations_queue" ON "conversations" ("organization_id", "waiting_since", "created_at")
            WHERE "status" = 'open' AND "assignee_id" IS NULL AND "preview" = false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_conversations_queue"`);
    await queryRunner.query(`DROP INDEX "ix_conversations_org_channel"`);
    await queryRunner.query(`DROP INDEX "ix_conversations_org_chatbot"`);
    await queryRunner.query(`DROP INDEX "ix_conversations_org_activity"`);
  }
}
