import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Billing: the plans (seeded, editable by super admins; `limits` holds one entry per limit of
 * `usageLimits`, null meaning unlimited), one subscription per organization (its plan, status,
 * current period, the payment provider's reference, the bot's "unavailable" message), the usage
 * counted per organization, period and metric, and the quota warnings sent (at most one per
 * organization, period, limit and threshold).
 *
 * Organizations that exist already get `enterprise`/`active` (an upgrade must lock nobody out),
 * with a monthly period anchored at their creation that contains now.
 */
export class Billing1796170800000 implements MigrationInterface {
  name = 'Billing1796170800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "plans" (
                "code" character varying(32) NOT NULL,
                "name" character varying(100) NOT NULL,
                "description" character varying(1000) NOT NULL DEFAULT '',
                "price_monthly_cents" integer NOT NULL,
                "limits" jsonb NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                "sort_order" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_plans" PRIMARY KEY ("code"),
                CONSTRAINT "ck_plans_code" CHECK ("code" IN ('free', 'starter', 'professional', 'enterprise')),
                CONSTRAINT "ck_plans_price" CHECK ("price_monthly_cents" >= 0),
                CONSTRAINT "ck_plans_limits" CHECK (jsonb_typeof("limits") = 'object')
            )
        `);
    await queryRunner.query(`
            INSERT INTO "plans" ("code", "name", "description", "price_monthly_cents", "limits", "sort_order") VALUES
            ('free', 'Free', 'To try Parley with a small team.', 0,
             '{"members":2,"chatbots":2,"sessions":500,"messages":5000,"ai_tokens":100000,"whatsapp_numbers":0,"contacts":1000,"transcription_minutes":30}', 1),
            ('starter', 'Starter', 'For a team running a few bots.', 4900,
             '{"members":10,"chatbots":20,"sessions":5000,"messages":50000,"ai_tokens":1000000,"whatsapp_numbers":1,"contacts":10000,"transcription_minutes":300}', 2),
            ('professional', 'Professional', 'For busy teams and several channels.', 19900,
             '{"members":50,"chatbots":200,"sessions":100000,"messages":1000000,"ai_tokens":10000000,"whatsapp_numbers":5,"contacts":250000,"transcription_minutes":3000}', 3),
            ('enterprise', 'Enterprise', 'No limits; invoiced.', 99900,
             '{"members":null,"chatbots":null,"sessions":null,"messages":null,"ai_tokens":null,"whatsapp_numbers":null,"contacts":null,"transcription_minutes":null}', 4)
        `);
    await queryRunner.query(`
            CREATE TABLE "subscriptions" (
                "organization_id" uuid NOT NULL,
                "plan_code" character varying(32) NOT NULL,
                "status" character varying(16) NOT NULL,
                "trial_ends_at" TIMESTAMP WITH TIME ZONE,
                "current_period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "current_period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "cancel_at_period_end" boolean NOT NULL DEFAULT false,
                "provider" character varying(32),
                "provider_reference" character varying(256),
                "unavailable_message" character varying(1000),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_subscriptions" PRIMARY KEY ("organization_id"),
                CONSTRAINT "ck_subscriptions_status" CHECK ("status" IN ('trialing', 'active', 'past_due', 'canceled')),
                CONSTRAINT "ck_subscriptions_period" CHECK ("current_period_end" > "current_period_start"),
                CONSTRAINT "fk_subscriptions_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_subscriptions_plan" FOREIGN KEY ("plan_code") REFERENCES "plans"("code")
            )
        `);
    // The rollover job's two filters, and the plan foreign key (a plan edit touches no subscription).
    await queryRunner.query(`CREATE INDEX "ix_subscriptions_period_end" ON "subscriptions" ("current_period_end")`);
    await queryRunner.query(
      `CREATE INDEX "ix_subscriptions_trial_end" ON "subscriptions" ("trial_ends_at") WHERE "status" = 'trialing'`,
    );
    await queryRunner.query(`CREATE INDEX "ix_subscriptions_plan" ON "subscriptions" ("plan_code")`);
    await queryRunner.query(`
            INSERT INTO "subscriptions" ("organization_id", "plan_code", "status", "current_period_start", "current_period_end")
            SELECT o.id, 'enterprise', 'active',
                   date_trunc('second', o.created_at) + make_interval(months => p.months),
                   date_trunc('second', o.created_at) + make_interval(months => p.months + 1)
              FROM "organizations" o
             CROSS JOIN LATERAL (
                   SELECT (extract(year FROM age(now(), o.created_at)) * 12
                           + extract(month FROM age(now(), o.created_at)))::int AS months) p
        `);
    await queryRunner.query(`
            CREATE TABLE "usage_counters" (
                "organization_id" uuid NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "metric" character varying(32) NOT NULL,
                "used" bigint NOT NULL DEFAULT 0,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_usage_counters" PRIMARY KEY ("organization_id", "period_start", "metric"),
                CONSTRAINT "ck_usage_counters_metric" CHECK (
                    "metric" IN ('sessions', 'messages', 'ai_tokens', 'transcription_seconds', 'webhook_deliveries')),
                CONSTRAINT "fk_usage_counters_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "usage_warnings" (
                "organization_id" uuid NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "usage_limit" character varying(32) NOT NULL,
                "threshold" smallint NOT NULL,
                "used" bigint NOT NULL,
                "max" bigint NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_usage_warnings" PRIMARY KEY ("organization_id", "period_start", "usage_limit", "threshold"),
                CONSTRAINT "ck_usage_warnings_threshold" CHECK ("threshold" IN (80, 100)),
                CONSTRAINT "fk_usage_warnings_organization" FOREIGN KEY ("organization_id")
                    REFERENCES "organizations"("id") ON DELETE CASCADE
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "usage_warnings"`);
    await queryRunner.query(`DROP TABLE "usage_counters"`);
    await queryRunner.query(`DROP TABLE "subscriptions"`);
    await queryRunner.query(`DROP TABLE "plans"`);
  }
}
