import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { OrganizationId } from '@/access/organization-id';
import { neutralizeFormula } from '@/common/csv/spreadsheet-safe';
import { type CostRange, costRange } from './cost-range';
import { CostRangeInvalid } from './costs.exception';
import { type CostFilter, CostsRepository, type TotalsRow } from './costs.repository';
import type { CostReportDto, CostsQueryDto, CostTotalsDto } from './dto/costs.dto';
import { parseNanos, usdNumber } from './money';

const CSV_COLUMNS = [
  'occurred_at',
  'event_id',
  'chatbot_id',
  'chatbot_name',
  'session_id',
  'source',
  'operation',
  'model',
  'prompt_tokens',
  'completion_tokens',
  'audio_seconds',
  'characters',
  'cost_usd',
  'priced',
  'outcome',
  'connection_id',
];

const totals = (row: TotalsRow): CostTotalsDto => ({
  cost: usdNumber(parseNanos(row.cost)),
  calls: Number(row.calls),
  promptTokens: Number(row.prompt_tokens),
  completionTokens: Number(row.completion_tokens),
  audioSeconds: Number(row.audio_seconds),
  characters: Number(row.characters),
  unpricedCalls: Number(row.unpriced_calls),
});

const EMPTY: CostTotalsDto = {
  cost: 0,
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
  audioSeconds: 0,
  characters: 0,
  unpricedCalls: 0,
};

/** Reports over the AI cost ledger (days are UTC, both ends included). */
@Injectable()
export class CostsService {
  constructor(private readonly repo: CostsRepository) {}

  /** The range's total and its breakdowns by day, model and chatbot (each adds up to the total). */
  async report(organizationId: OrganizationId, query: CostsQueryDto): Promise<CostReportDto> {
    const range = this.range(query);
    const rows = await this.repo.report(organizationId, filterOf(range, query));
    const report: CostReportDto = {
      from: range.from,
      to: range.to,
      currency: 'USD',
      total: EMPTY,
      byDay: [],
      byModel: [],
      byChatbot: [],
    };
    for (const row of rows) {
      switch (row.dimension) {
        case 'total':
          report.total = totals(row);
          break;
        case 'day':
          report.byDay.push({ day: row.day!, ...totals(row) });
          break;
        case 'model':
          report.byModel.push({ model: row.model!, ...totals(row) });
          break;
        case 'chatbot':
          report.byChatbot.push({ chatbotId: row.chatbot_id, name: row.chatbot_name, ...totals(row) });
          break;
      }
    }
    return report;
  }

  /** The range's ledger entries as CSV, oldest first, streamed in keyset batches. */
  exportCsv(organizationId: OrganizationId, query: CostsQueryDto): { range: CostRange; stream: Readable } {
    const range = this.range(query);
    const entries = this.repo.entries(organizationId, filterOf(range, query));
    async function* records() {
      for await (const e of entries) {
        yield [
          e.occurred_at.toISOString(),
          e.id,
          e.chatbot_id ?? '',
          e.chatbot_name ?? '',
          e.session_id ?? '',
          e.source,
          e.operation,
          e.model,
          e.prompt_tokens,
          e.completion_tokens,
          e.audio_seconds ?? '',
          e.characters ?? '',
          e.cost_usd,
          e.priced,
          e.outcome,
          e.connection_id ?? '',
        ];
      }
    }
    // Names and models are the organization's text: a cell starting with = + - @ is prefixed with '.
    const csv = stringify({
      header: true,
      columns: CSV_COLUMNS,
      cast: { string: neutralizeFormula, boolean: (b) => String(b) },
    });
    const source = Readable.from(records());
    source.once('error', (error) => csv.destroy(error)); // a failed read ends the download, not hangs it
    return { range, stream: source.pipe(csv) };
  }

  private range(query: CostsQueryDto): CostRange {
    const range = costRange(query);
    if (Array.isArray(range)) throw new CostRangeInvalid(range);
    return range;
  }
}

const filterOf = (range: CostRange, query: CostsQueryDto): CostFilter => ({
  from: range.from,
  toExclusive: range.toExclusive,
  ...(query.chatbotId !== undefined ? { chatbotId: query.chatbotId } : {}),
});
