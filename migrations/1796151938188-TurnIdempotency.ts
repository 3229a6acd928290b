import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Idempotency for the whole session: each visitor turn keeps its `clientMessageId` and the answer it
 * gave, unique per session, instead of the last 3 answers in `chat_sessions.recent_turns`.
 */
export class TurnIdempotency1796151938188 implements MigrationInterface {
  name = 'TurnIdempotency1796151938188';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "chat_session_turns" ADD "client_message_id" text, ADD "response" jsonb
        `);
    // Carry over the answers sessions kept: entry k of the n in recent_turns is the (n-k+1)th last
    // visitor turn (visitor turns, and only they, have a visitor line in their transcript).
    await queryRunner.query(`
            WITH recent AS (
                SELECT s.id AS session_id, r.item, jsonb_array_length(s.recent_turns) - r.ord + 1 AS from_end
                  FROM chat_sessions s
                 CROSS JOIN LATERAL jsonb_array_elements(s.recent_turns) WITH ORDINALITY AS r(item, ord)
            ), replies AS (
                SELECT t.id, t.session_id,
                       row_number() OVER (PARTITION BY t.session_id ORDER BY t.turn DESC) AS from_end
                  FROM chat_session_turns t
                 WHERE t.session_id IN (SELECT session_id FROM recent)
                   AND t.transcript @> '[{"role": "visitor"}]'
            )
            UPDATE chat_session_turns t
               SET client_message_id = recent.item->>'clientMessageId', response = recent.item->'response'
              FROM replies JOIN recent ON recent.session_id = replies.session_id AND recent.from_end = replies.from_end
             WHERE t.id = replies.id
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_chat_session_turns_client_message" ON "chat_session_turns" ("session_id", "client_message_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_sessions" DROP COLUMN "recent_turns"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "chat_sessions" ADD "recent_turns" jsonb NOT NULL DEFAULT '[]'
        `);
    await queryRunner.query(`
            UPDATE chat_sessions s
               SET recent_turns = recent.items
              FROM (SELECT session_id,
                           jsonb_agg(jsonb_build_object('clientMessageId', client_message_id, 'response', response)
                                     ORDER BY turn) AS items
                      FROM (SELECT session_id, turn, client_message_id, response,
                                   row_number() OVER (PARTITION BY session_id ORDER BY turn DESC) AS from_end
                              FROM chat_session_turns WHERE client_message_id IS NOT NULL) last
                     WHERE from_end <= 3
                     GROUP BY session_id) recent
             WHERE s.id = recent.session_id
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_sessions" ALTER COLUMN "recent_turns" DROP DEFAULT
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_chat_session_turns_client_message"
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_session_turns" DROP COLUMN "response", DROP COLUMN "client_message_id"
        `);
  }
}
