import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Room on every page for heap-only (HOT) updates of the two rows a chat turn updates: a session's
 * and its conversation's. A turn changes no indexed column of either (the conversation's
 * `last_message_at` is refreshed at most once a minute while the bot owns it), so with free space
 * on the page PostgreSQL writes no index entry for them.
 */
export class HotTurnUpdates1796160200000 implements MigrationInterface {
  name = 'HotTurnUpdates1796160200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chat_sessions" SET (fillfactor = 80)`);
    await queryRunner.query(`ALTER TABLE "conversations" SET (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "chat_sessions" RESET (fillfactor)`);
  }
}
