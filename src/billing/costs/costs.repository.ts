import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { OrganizationId } from '@/access/organization-id';
import { runPrepared } from '@/database/prepared-statement';

/** One ledger row to insert, costs computed (`ledgerRows`). */
export interface LedgerRow {
  readonly id: string;
  readonly organization_id: OrganizationId;
  readonly occurred_at: string;
  readonly chatbot_id: string | null;
  readonly session_id: string | null;
  readonly source: string;
  readonly provider: string;
  readonly operation: string;
  readonly model: string;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly audio_seconds: number | null;
  readonly characters: number | null;
  readonly cost_usd: string;
  readonly priced: boolean;
  readonly outcome: string;
  readonly connection_id: string | null;
}

/** A budget warning inserted by `recordBatch` (first time this month and threshold). */
export interface WarningRow {
  readonly organization_id: OrganizationId;
  readonly period_start: string;
  readonly threshold: 80 | 100;
  readonly used_usd: string;
  readonly budget_usd: string;
}

export interface BudgetRow {
  /** Null: no budget. */
  readonly budget_usd: string | null;
  readonly spent_usd: string;
  readonly month: string;
}

/** Half-open `[from, to)` range of days (UTC), optionally one chatbot. */
export interface CostFilter {
  readonly from: string;
  readonly toExclusive: string;
  readonly chatbotId?: string;
}

export interface TotalsRow {
  readonly cost: string;
  readonly calls: string;
  readonly prompt_tokens: string;
  readonly completion_tokens: string;
  readonly audio_seconds: string;
  readonly characters: string;
  readonly unpriced_calls: string;
}

/** A row of the report: the grand total (`dimension` 'total'), or one group of a breakdown. */
export interface ReportRow extends TotalsRow {
  readonly dimension: 'total' | 'day' | 'model' | 'chatbot';
  readonly day: string | null;
  readonly model: string | null;
  readonly chatbot_id: string | null;
  readonly chatbot_name: string | null;
}

export interface LedgerEntryRow {
  readonly id: string;
  readonly occurred_at: Date;
  readonly chatbot_id: string | null;
  readonly chatbot_name: string | null;
  readonly session_id: string | null;
  readonly source: string;
  readonly operation: string;
  readonly model: string;
  readonly prompt_tokens: string;
  readonly completion_tokens: string;
  readonly audio_seconds: string | null;
  readonly characters: string | null;
  readonly cost_usd: string;
  readonly priced: boolean;
  readonly outcome: string;
  readonly connection_id: string | null;
  readonly cursor_micros: string;
}

/** The current calendar month (UTC), as a date. */
const THIS_MONTH = `date_trunc('month', now() AT TIME ZONE 'UTC')::date`;

/**
 * One statement per outbox batch: the ledger rows (a redelivered event is one row), their costs
 * added to the organizations' monthly roll-up, and for organizations with a budget the warnings
 * of this month whose threshold the new total reached (each inserted once: returned only then).
 * Rows of organizations deleted meanwhile are skipped (a foreign-key failure would hold up the
 * outbox). Roll-up rows are upserted in key order, so concurrent batches do not deadlock.
 */
const RECORD_BATCH = `
  WITH batch AS (
    SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS r(
      id uuid, organization_id uuid, occurred_at timestamptz, chatbot_id uuid, session_id uuid, source text,
      provider text, operation text, model text, prompt_tokens bigint, completion_tokens bigint,
      audio_seconds numeric, characters bigint, cost_usd numeric, priced boolean, outcome text, connection_id text)
    JOIN organizations o ON o.id = r.organization_id
  ), inserted AS (
    INSERT INTO ai_cost_ledger (id, organization_id, occurred_at, chatbot_id, session_id, source, provider, operation,
                                model, prompt_tokens, completion_tokens, audio_seconds, characters, cost_usd, priced,
                                outcome, connection_id)
    SELECT id, organization_id, occurred_at, chatbot_id, session_id, source, provider, operation, model, prompt_tokens,
           completion_tokens, audio_seconds, characters, cost_usd, priced, outcome, connection_id
      FROM batch
    ON CONFLICT (id) DO NOTHING
    RETURNING organization_id, occurred_at, cost_usd
  ), spend AS (
    INSERT INTO ai_spend_monthly AS s (organization_id, month, cost_usd, calls)
    SELECT organization_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, sum(cost_usd), count(*)
      FROM inserted GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (organization_id, month)
      DO UPDATE SET cost_usd = s.cost_usd + excluded.cost_usd, calls = s.calls + excluded.calls
    RETURNING s.organization_id, s.month, s.cost_usd
  )
  INSERT INTO ai_budget_warnings AS w (organization_id, period_start, threshold, used_usd, budget_usd)
  SELECT spend.organization_id, spend.month, t.threshold, spend.cost_usd, b.monthly_budget_usd
    FROM spend
    JOIN ai_budgets b ON b.organization_id = spend.organization_id AND b.monthly_budget_usd IS NOT NULL
    CROSS JOIN (VALUES (80), (100)) AS t(threshold)
   WHERE spend.month = ${THIS_MONTH} AND spend.cost_usd * 100 >= b.monthly_budget_usd * t.threshold
  ORDER BY 1, 3
  ON CONFLICT DO NOTHING
  RETURNING w.organization_id, to_char(w.period_start, 'YYYY-MM-DD') AS period_start, w.threshold,
            w.used_usd::text AS used_usd, w.budget_usd::text AS budget_usd`;

const SUMS = `
  coalesce(sum(l.cost_usd), 0)::text AS cost,
  count(*)::text AS calls,
  coalesce(sum(l.prompt_tokens), 0)::text AS prompt_tokens,
  coalesce(sum(l.completion_tokens), 0)::text AS completion_tokens,
  coalesce(sum(l.audio_seconds), 0)::text AS audio_seconds,
  coalesce(sum(l.characters), 0)::text AS characters,
  count(*) FILTER (WHERE NOT l.priced)::text AS unpriced_calls`;

/** The ledger of one organization's range, for the filter's parameters from `$2`. */
const RANGE = (filter: CostFilter): { sql: string; params: unknown[] } => ({
  sql:
    `l.organization_id = $1 AND l.occurred_at >= $2::date AND l.occurred_at < $3::date` +
    (filter.chatbotId !== undefined ? ' AND l.chatbot_id = $4' : ''),
  params: [filter.from, filter.toExclusive, ...(filter.chatbotId !== undefined ? [filter.chatbotId] : [])],
});

/**
 * The cost ledger, the monthly roll-up, budgets and budget warnings (`ai_*` tables). Days and
 * months are calendar days and months in UTC. Chatbot names are read from `chatbots` (same
 * organization) where a report shows them.
 */
@Injectable()
export class CostsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Writes a batch of ledger rows (any organizations: each row carries its own, from its event). */
  recordBatch(em: EntityManager, rows: readonly LedgerRow[]): Promise<WarningRow[]> {
    return em.query<WarningRow[]>(RECORD_BATCH, [JSON.stringify(rows)]);
  }

  /** The budget and this month's spend (one indexed read per organization: hot, before OpenAI blocks). */
  async budget(organizationId: OrganizationId): Promise<BudgetRow> {
    const [row] = await runPrepared<BudgetRow>(
      this.dataSource,
      'ai-budget-state',
      `SELECT (SELECT b.monthly_budget_usd::text FROM ai_budgets b WHERE b.organization_id = $1) AS budget_usd,
              coalesce((SELECT s.cost_usd FROM ai_spend_monthly s WHERE s.organization_id = $1 AND s.month = ${THIS_MONTH}), 0)::text AS spent_usd,
              to_char(${THIS_MONTH}, 'YYYY-MM-DD') AS month`,
      [organizationId],
    );
    return row!;
  }

  async setBudget(
    em: EntityManager,
    organizationId: OrganizationId,
    budgetUsd: string | null,
    userId: string | null,
  ): Promise<void> {
    await em.query(
      `INSERT INTO ai_budgets (organization_id, monthly_budget_usd, updated_by_id) VALUES ($1, $2, $3)
       ON CONFLICT (organization_id) DO UPDATE
         SET monthly_budget_usd = excluded.monthly_budget_usd, updated_by_id = excluded.updated_by_id, updated_at = now()`,
      [organizationId, budgetUsd, userId],
    );
  }

  /** The total and the breakdowns by day, model and chatbot of a range, in one scan (grouping sets). */
  report(organizationId: OrganizationId, filter: CostFilter): Promise<ReportRow[]> {
    const range = RANGE(filter);
    return this.dataSource.query<ReportRow[]>(
      `SELECT CASE WHEN GROUPING(l.day) = 0 THEN 'day' WHEN GROUPING(l.model) = 0 THEN 'model'
                   WHEN GROUPING(l.chatbot_id) = 0 THEN 'chatbot' ELSE 'total' END AS dimension,
              to_char(l.day, 'YYYY-MM-DD') AS day, l.model, l.chatbot_id, min(c.name) AS chatbot_name, ${SUMS}
         FROM (SELECT l.*, (l.occurred_at AT TIME ZONE 'UTC')::date AS day FROM ai_cost_ledger l WHERE ${range.sql}) l
         LEFT JOIN chatbots c ON c.id = l.chatbot_id AND c.organization_id = $1
        GROUP BY GROUPING SETS ((), (l.day), (l.model), (l.chatbot_id))
        ORDER BY dimension, l.day, sum(l.cost_usd) DESC, l.model, l.chatbot_id NULLS LAST`,
      [organizationId, ...range.params],
    );
  }

  /** The ledger entries of a range, oldest first, in keyset batches. */
  async *entries(organizationId: OrganizationId, filter: CostFilter, batch = 1000): AsyncGenerator<LedgerEntryRow> {
    const range = RANGE(filter);
    const n = range.params.length + 1;
    let after: { micros: string; id: string } | null = null;
    for (;;) {
      const keyset = after
        ? ` AND (l.occurred_at, l.id) > ('epoch'::timestamptz + $${n + 2}::bigint * interval '1 microsecond', $${n + 3}::uuid)`
        : '';
      const rows: LedgerEntryRow[] = await this.dataSource.query(
        `SELECT l.id, l.occurred_at, l.chatbot_id, c.name AS chatbot_name, l.session_id, l.source, l.operation, l.model,
                l.prompt_tokens::text, l.completion_tokens::text, l.audio_seconds::text, l.characters::text,
                l.cost_usd::text, l.priced, l.outcome, l.connection_id,
                (extract(epoch FROM l.occurred_at) * 1000000)::bigint::text AS cursor_micros
           FROM ai_cost_ledger l
           LEFT JOIN chatbots c ON c.id = l.chatbot_id AND c.organization_id = $1
          WHERE ${range.sql}${keyset}
          ORDER BY l.occurred_at, l.id LIMIT $${n + 1}`,
        [organizationId, ...range.params, batch, ...(after ? [after.micros, after.id] : [])],
      );
      yield* rows;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { micros: last.cursor_micros, id: last.id };
    }
  }
}
