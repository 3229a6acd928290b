import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { neutralizeFormula } from '@/common/csv/spreadsheet-safe';
import { pipeline, Readable } from 'node:stream';
import type { TenantContext } from '@/access/principal';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { ChatbotNotFound } from '@/chatbots/chatbots.exception';
import { ResourceNotFound } from '@/common/errors/domain.exception';
import { type Page, toPage } from '@/common/pagination/keyset';
import type { FunnelDto, ResultDto } from './dto/results.dto';
import type { LogStep } from './engine/engine-types';
import type { ChatSessionEntity } from './entities/chat-session.entity';
import { type ResultFilter, SessionsRepository } from './sessions.repository';

const toResultDto = (s: ChatSessionEntity): ResultDto => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  completed: s.completed,
  status: s.status,
  version: s.versionNumber,
  variables: s.result.variables,
  answers: s.result.answers,
  lastInputBlockId: s.completed ? null : (s.awaiting?.blockId ?? null),
});

const EXPORT_PAGE = 500;

const cell = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** Results (what sessions collected), their CSV export, erasure, funnel, and execution logs. */
@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly chatbots: PublishedChatbots,
  ) {}

  private async assertChatbot(tenant: TenantContext, chatbotId: string): Promise<void> {
    if (!(await this.chatbots.exists(tenant.organizationId, chatbotId))) throw new ChatbotNotFound(chatbotId);
  }

  async list(
    tenant: TenantContext,
    chatbotId: string,
    filter: ResultFilter,
    limit: number,
    cursor?: string,
  ): Promise<Page<ResultDto>> {
    await this.assertChatbot(tenant, chatbotId);
    const rows = await this.sessions.listResults(tenant.organizationId, chatbotId, filter, limit, cursor);
    return toPage(rows, limit, toResultDto);
  }

  /**
   * A CSV of every result matching the filter, streamed page by page (memory stays flat however
   * many there are). Columns: id, dates, status, version, then one column per saved variable.
   * The first page is read before anything is sent, so an error there is an ordinary problem
   * answer; a later failure (a dropped connection, a statement timeout) ends the response and is
   * logged, and never reaches the process as an unhandled stream error.
   */
  async exportCsv(tenant: TenantContext, chatbotId: string, filter: ResultFilter): Promise<Readable> {
    await this.assertChatbot(tenant, chatbotId);
    const variables = await this.chatbots.savedVariableNames(tenant.organizationId, chatbotId);
    const page = (cursor?: string) =>
      this.sessions.listResults(tenant.organizationId, chatbotId, filter, EXPORT_PAGE, cursor);
    const first = await page();
    async function* rows(): AsyncGenerator<string[]> {
      yield ['resultId', 'createdAt', 'updatedAt', 'status', 'completed', 'version', ...variables];
      for (let current = first; ;) {
        for (const s of current.slice(0, EXPORT_PAGE)) {
          yield [
            s.id,
            s.createdAt.toISOString(),
            s.updatedAt.toISOString(),
            s.status,
            String(s.completed),
            cell(s.versionNumber),
            // What visitors typed: never a formula when the file is opened in a spreadsheet.
            ...variables.map((name) => neutralizeFormula(cell(s.result.variables[name]))),
          ];
        }
        if (current.length <= EXPORT_PAGE) return;
        current = await page(current[EXPORT_PAGE - 1]!.id);
      }
    }
    return pipeline(Readable.from(rows()), stringify(), (error) => {
      if (!error) return;
      if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.debug(`Results export of chatbot ${chatbotId} stopped: the client went away`);
      } else {
        this.logger.error({ err: error, chatbotId }, `Results export of chatbot ${chatbotId} failed midway`);
      }
    });
  }

  async delete(tenant: TenantContext, chatbotId: string, ids: readonly string[]): Promise<number> {
    await this.assertChatbot(tenant, chatbotId);
    return this.sessions.deleteResults(tenant.organizationId, chatbotId, ids);
  }

  async deleteOne(tenant: TenantContext, chatbotId: string, resultId: string): Promise<void> {
    if ((await this.delete(tenant, chatbotId, [resultId])) === 0) throw new ResourceNotFound('result', resultId);
  }

  async funnel(tenant: TenantContext, chatbotId: string, filter: ResultFilter): Promise<FunnelDto> {
    await this.assertChatbot(tenant, chatbotId);
    return this.sessions.funnel(tenant.organizationId, chatbotId, filter);
  }

  async logs(tenant: TenantContext, sessionId: string): Promise<LogStep[]> {
    const log = await this.sessions.log(tenant.organizationId, sessionId);
    if (!log) throw new ResourceNotFound('session', sessionId);
    return log;
  }
}
