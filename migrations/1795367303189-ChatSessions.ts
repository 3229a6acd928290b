import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ChatSessions1795367303189 implements MigrationInterface {
  name = 'ChatSessions1795367303189';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "chat_sessions" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "chatbot_id" uuid NOT NULL,
                "version_id" uuid,
                "version_number" integer,
                "preview" boolean NOT NULL DEFAULT false,
                "preview_flow" jsonb,
                "run_effects" boolean NOT NULL DEFAULT true,
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "state" jsonb NOT NULL,
                "awaiting" jsonb,
                "turn" integer NOT NULL DEFAULT '0',
                "recent_turns" jsonb NOT NULL,
                "result" jsonb NOT NULL,
                "completed" boolean NOT NULL DEFAULT false,
                "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "origin" character varying(512),
                CONSTRAINT "PK_efc151a4aafa9a28b73dedc485f" PRIMARY KEY ("id")
            )
        `);
    // Room on each page for HOT updates: a chat turn updates its session row in place.
    await queryRunner.query(`ALTER TABLE "chat_sessions" SET (fillfactor = 70)`);
    await queryRunner.query(`
            CREATE INDEX "ix_chat_sessions_last_activity" ON "chat_sessions" ("last_activity_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chat_sessions_bot_created" ON "chat_sessions" ("chatbot_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chat_sessions_org_bot" ON "chat_sessions" ("organization_id", "chatbot_id", "id")
        `);
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
                CONSTRAINT "uq_chat_session_turns_turn" UNIQUE ("session_id", "turn"),
                CONSTRAINT "PK_2d838baba6181c7c276028743c9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_sessions"
            ADD CONSTRAINT "FK_a720f0d1e1e1358f2790cc8196c" FOREIGN KEY ("chatbot_id") REFERENCES "chatbots"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_session_turns"
            ADD CONSTRAINT "FK_a5199eca609a8aafeeb23c77510" FOREIGN KEY ("session_id") REFERENCES "chat_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "chat_session_turns" DROP CONSTRAINT "FK_a5199eca609a8aafeeb23c77510"
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_sessions" DROP CONSTRAINT "FK_a720f0d1e1e1358f2790cc8196c"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_session_turns"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chat_sessions_org_bot"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chat_sessions_bot_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chat_sessions_last_activity"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_sessions"
        `);
  }
}
