import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Contacts CSV imports (`src/contacts/imports`, docs/contacts-import.md): the import and its
 * counts (`contact_imports`) and its rejected rows with the reason (`contact_import_errors`, what
 * `errors.csv` streams). Valid rows are staged in an UNLOGGED table per import
 * (`contact_import_staging_<id>`), created and dropped by the worker, so it is not created here.
 */
export class ContactImports1796170500000 implements MigrationInterface {
  name = 'ContactImports1796170500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "contact_imports" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "created_by" uuid,
                "status" character varying(16) NOT NULL DEFAULT 'queued',
                "file_key" character varying(1000) NOT NULL,
                "file_name" character varying(255) NOT NULL,
                "file_size" bigint NOT NULL,
                "mapping" jsonb NOT NULL DEFAULT '{}',
                "resolved_mapping" jsonb,
                "columns" text array,
                "dedupe" character varying(16) NOT NULL,
                "tags" text array NOT NULL DEFAULT '{}',
                "encoding" character varying(16),
                "delimiter" character varying(4),
                "total" integer,
                "processed" integer NOT NULL DEFAULT 0,
                "created" integer NOT NULL DEFAULT 0,
                "updated" integer NOT NULL DEFAULT 0,
                "skipped" integer NOT NULL DEFAULT 0,
                "failed" integer NOT NULL DEFAULT 0,
                "staged" integer,
                "progress" real NOT NULL DEFAULT 0,
                "error" character varying(1000),
                "cancel_requested" boolean NOT NULL DEFAULT false,
                "attempts" integer NOT NULL DEFAULT 0,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_contact_imports" PRIMARY KEY ("id"),
                CONSTRAINT "ck_contact_imports_status"
                    CHECK ("status" IN ('queued', 'validating', 'importing', 'completed', 'failed', 'canceled')),
                CONSTRAINT "ck_contact_imports_dedupe" CHECK ("dedupe" IN ('skip', 'update', 'create_only')),
                CONSTRAINT "fk_contact_imports_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_imports_created_by" FOREIGN KEY ("created_by")
                    REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_contact_imports_org_created" ON "contact_imports" ("organization_id", "created_at" DESC, "id" DESC)
        `);
    await queryRunner.query(`
            CREATE TABLE "contact_import_errors" (
                "import_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "row_no" integer NOT NULL,
                "outcome" character varying(8) NOT NULL,
                "reason" character varying(500) NOT NULL,
                "raw" text NOT NULL,
                CONSTRAINT "pk_contact_import_errors" PRIMARY KEY ("import_id", "row_no"),
                CONSTRAINT "ck_contact_import_errors_outcome" CHECK ("outcome" IN ('failed', 'skipped')),
                CONSTRAINT "fk_contact_import_errors_import" FOREIGN KEY ("import_id")
                    REFERENCES "contact_imports"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_contact_import_errors_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_contact_import_errors_organization" ON "contact_import_errors" ("organization_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const staging = (await queryRunner.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'contact\\_import\\_staging\\_%'`,
    )) as { tablename: string }[];
    for (const { tablename } of staging) {
      await queryRunner.query(`DROP TABLE "${tablename}"`);
    }
    await queryRunner.query(`DROP TABLE "contact_import_errors"`);
    await queryRunner.query(`DROP TABLE "contact_imports"`);
  }
}
