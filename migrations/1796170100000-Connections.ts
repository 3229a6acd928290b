import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Named credentials per organization (`/api/v1/connections`): `settings` (not secret, returned by
 * the API) and `secrets_sealed` (the JSON of the secrets, sealed by the vault with the row's id as
 * additional data). Names are unique per organization, case-insensitive.
 */
export class Connections1796170100000 implements MigrationInterface {
  name = 'Connections1796170100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "connections" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "name" character varying(100) NOT NULL,
                "type" character varying(32) NOT NULL,
                "settings" jsonb NOT NULL DEFAULT '{}',
                "secrets_sealed" text NOT NULL,
                "created_by_id" uuid,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "last_tested_at" TIMESTAMP WITH TIME ZONE,
                "last_test_outcome" character varying(8),
                "last_test_error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_connections" PRIMARY KEY ("id"),
                CONSTRAINT "ck_connections_type" CHECK ("type" IN ('api_key', 'bearer', 'basic',
                    'oauth2_client_credentials', 'openai', 'smtp', 'whatsapp')),
                CONSTRAINT "ck_connections_test_outcome" CHECK ("last_test_outcome" IN ('ok', 'error')),
                CONSTRAINT "fk_connections_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_connections_created_by" FOREIGN KEY ("created_by_id")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_connections_name" ON "connections" ("organization_id", lower("name"))`,
    );
    // The list (keyset by id) and its `type` filter.
    await queryRunner.query(`CREATE INDEX "ix_connections_org" ON "connections" ("organization_id", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_connections_org_type" ON "connections" ("organization_id", "type", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_connections_created_by" ON "connections" ("created_by_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "connections"`);
  }
}
