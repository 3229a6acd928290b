import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The AI cost ledger (one row per `ai.usage_recorded` event, id = the event's id), its monthly
 * roll-up per organization (what the budget check reads), the organizations' monthly AI budgets and
 * the budget warnings sent (once per organization, calendar month and threshold).
 */
export class AiCostLedger1796170900000 implements MigrationInterface {
  name = 'AiCostLedger1796170900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "ai_cost_ledger" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "chatbot_id" uuid,
                "session_id" uuid,
                "source" varchar(32) NOT NULL,
                "provider" varchar(32) NOT NULL,
                "operation" varchar(32) NOT NULL,
                "model" varchar(200) NOT NULL,
                "prompt_tokens" bigint NOT NULL DEFAULT 0,
                "completion_tokens" bigint NOT NULL DEFAULT 0,
                "audio_seconds" numeric(12,3),
                "characters" bigint,
                "cost_usd" numeric(20,9) NOT NULL,
                "priced" boolean NOT NULL,
                "outcome" varchar(16) NOT NULL,
                "connection_id" varchar(200),
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_ai_cost_ledger" PRIMARY KEY ("id"),
                CONSTRAINT "fk_ai_cost_ledger_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    // Reports and the CSV: an organization's date range (keyset by occurred_at, id); by chatbot.
    await queryRunner.query(
      `CREATE INDEX "ix_ai_cost_ledger_org_time" ON "ai_cost_ledger" ("organization_id", "occurred_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_ai_cost_ledger_org_chatbot" ON "ai_cost_ledger" ("organization_id", "chatbot_id", "occurred_at")`,
    );
    await queryRunner.query(`
            CREATE TABLE "ai_spend_monthly" (
                "organization_id" uuid NOT NULL,
                "month" date NOT NULL,
                "cost_usd" numeric(24,9) NOT NULL DEFAULT 0,
                "calls" bigint NOT NULL DEFAULT 0,
                CONSTRAINT "pk_ai_spend_monthly" PRIMARY KEY ("organization_id", "month"),
                CONSTRAINT "fk_ai_spend_monthly_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "ai_budgets" (
                "organization_id" uuid NOT NULL,
                "monthly_budget_usd" numeric(14,2),
                "updated_by_id" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_ai_budgets" PRIMARY KEY ("organization_id"),
                CONSTRAINT "ck_ai_budgets_amount" CHECK ("monthly_budget_usd" >= 0),
                CONSTRAINT "fk_ai_budgets_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_ai_budgets_updated_by" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    await queryRunner.query(`CREATE INDEX "ix_ai_budgets_updated_by" ON "ai_budgets" ("updated_by_id")`);
    await queryRunner.query(`
            CREATE TABLE "ai_budget_warnings" (
                "organization_id" uuid NOT NULL,
                "period_start" date NOT NULL,
                "threshold" smallint NOT NULL,
                "used_usd" numeric(24,9) NOT NULL,
                "budget_usd" numeric(14,2) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_ai_budget_warnings" PRIMARY KEY ("organization_id", "period_start", "threshold"),
                CONSTRAINT "fk_ai_budget_warnings_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ai_budget_warnings"`);
    await queryRunner.query(`DROP TABLE "ai_budgets"`);
    await queryRunner.query(`DROP TABLE "ai_spend_monthly"`);
    await queryRunner.query(`DROP TABLE "ai_cost_ledger"`);
  }
}
