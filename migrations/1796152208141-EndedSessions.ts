import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Sign-outs that must outlive a Redis restart: Keycloak sessions (`session_id` = `sid`) and
 * user-wide logouts (`session_id` NULL). Local sessions are recorded in `refresh_tokens.revoked_at`.
 */
export class EndedSessions1796152208141 implements MigrationInterface {
  name = 'EndedSessions1796152208141';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "ended_sessions" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "session_id" text,
                "user_id" uuid,
                "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_c2d1dce559a1f0ecfdfc3a42585" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_ended_sessions_expires" ON "ended_sessions" ("expires_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_ended_sessions_user" ON "ended_sessions" ("user_id", "ended_at")
            WHERE "session_id" IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_ended_sessions_session" ON "ended_sessions" ("session_id")
            WHERE "session_id" IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "ended_sessions"
            ADD CONSTRAINT "FK_6182ea4c03f4d26d1d559092c3e" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "ended_sessions" DROP CONSTRAINT "FK_6182ea4c03f4d26d1d559092c3e"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_ended_sessions_session"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_ended_sessions_user"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_ended_sessions_expires"
        `);
    await queryRunner.query(`
            DROP TABLE "ended_sessions"
        `);
  }
}
