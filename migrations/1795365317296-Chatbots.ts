import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Chatbots1795365317296 implements MigrationInterface {
  name = 'Chatbots1795365317296';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "chatbots" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "public_id" character varying(32) NOT NULL,
                "name" character varying(200) NOT NULL,
                "description" character varying(2000),
                "status" character varying(16) NOT NULL DEFAULT 'draft',
                "settings" jsonb NOT NULL,
                "theme" jsonb NOT NULL,
                "draft_flow" jsonb NOT NULL,
                "draft_revision" integer NOT NULL DEFAULT '1',
                "published_version" integer,
                "latest_version" integer NOT NULL DEFAULT '0',
                "created_by_user_id" uuid,
                "updated_by_user_id" uuid,
                CONSTRAINT "UQ_c3d3418fe7b634ca61a1c7f35b7" UNIQUE ("public_id"),
                CONSTRAINT "PK_ec8923205b2059dbc8dfb6ef8e5" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chatbots_org_status" ON "chatbots" ("organization_id", "status", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chatbots_org" ON "chatbots" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "chatbot_versions" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "chatbot_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "flow" jsonb NOT NULL,
                "settings" jsonb NOT NULL,
                "draft_revision" integer,
                "rolled_back_from" integer,
                "note" character varying(500),
                "published_by_user_id" uuid,
                CONSTRAINT "uq_chatbot_versions_number" UNIQUE ("chatbot_id", "version"),
                CONSTRAINT "PK_96a421ea675ccf3500ad671d1d8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_chatbot_versions_org" ON "chatbot_versions" ("organization_id", "chatbot_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "flow_templates" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "description" character varying(2000) NOT NULL DEFAULT '',
                "category" character varying(64) NOT NULL DEFAULT 'custom',
                "flow" jsonb NOT NULL,
                "created_by_user_id" uuid,
                CONSTRAINT "PK_99d311dfe3e94fc45a38d90df19" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_flow_templates_org" ON "flow_templates" ("organization_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "chatbots"
            ADD CONSTRAINT "FK_0d8d03b7c4e05d8eea54c85cd04" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "chatbot_versions"
            ADD CONSTRAINT "FK_bb9e00e7d71b8589ea6333619c8" FOREIGN KEY ("chatbot_id") REFERENCES "chatbots"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "flow_templates"
            ADD CONSTRAINT "FK_8a761f7ae1fe1916caffd4aa6c5" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "flow_templates" DROP CONSTRAINT "FK_8a761f7ae1fe1916caffd4aa6c5"
        `);
    await queryRunner.query(`
            ALTER TABLE "chatbot_versions" DROP CONSTRAINT "FK_bb9e00e7d71b8589ea6333619c8"
        `);
    await queryRunner.query(`
            ALTER TABLE "chatbots" DROP CONSTRAINT "FK_0d8d03b7c4e05d8eea54c85cd04"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_flow_templates_org"
        `);
    await queryRunner.query(`
            DROP TABLE "flow_templates"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chatbot_versions_org"
        `);
    await queryRunner.query(`
            DROP TABLE "chatbot_versions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chatbots_org"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_chatbots_org_status"
        `);
    await queryRunner.query(`
            DROP TABLE "chatbots"
        `);
  }
}
