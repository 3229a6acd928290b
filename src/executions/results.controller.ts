import { Body, Controller, Delete, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentTenant, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { LogStepDto, StartedSessionDto, StartPreviewDto } from './dto/chat.dto';
import {
  DeletedDto,
  DeleteResultsDto,
  FunnelDto,
  ResultDto,
  ResultsFilterDto,
  ResultsQueryDto,
} from './dto/results.dto';
import type { LogStep } from './engine/engine-types';
import { ResultsService } from './results.service';
import { SessionTokens } from './session-token';
import { SessionsService } from './sessions.service';

/** Editors' side of executions: previews, results, funnel, erasure and logs. */
@ApiTags('results')
@Controller()
export class ResultsController {
  constructor(
    private readonly results: ResultsService,
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
  ) {}

  @Post('chatbots/:id/preview/sessions')
  @Roles('agent')
  @ApiOperation({
    summary: 'Preview the draft: start a session on it (continue it with the chat API and the returned token)',
    description: 'HTTP and OpenAI blocks are skipped unless runEffects is true.',
  })
  @ApiCreatedResponse({ type: StartedSessionDto })
  @ApiProblems(404)
  async preview(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string, @Body() dto: StartPreviewDto) {
    const turn = await this.sessions.startPreview(tenant, id, dto.variables, dto.runEffects ?? false);
    return { ...turn, sessionToken: this.tokens.sign(turn.sessionId) };
  }

  @Get('chatbots/:id/results')
  @Roles('viewer')
  @ApiOperation({ summary: 'Results (one per session) with keyset pagination, filtered by date and completion' })
  @ApiOkResponse({ type: PageOf(ResultDto) })
  @ApiProblems(404)
  list(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() query: ResultsQueryDto,
  ): Promise<Page<ResultDto>> {
    return this.results.list(tenant, id, query, query.limit, query.cursor);
  }

  @Get('chatbots/:id/results/export')
  @Roles('viewer')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({ summary: 'Every matching result as CSV, streamed' })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV: resultId, createdAt, updatedAt, status, completed, version, one column per saved variable',
    schema: { type: 'string' },
  })
  @ApiProblems(404)
  async export(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() filter: ResultsFilterDto,
  ): Promise<StreamableFile> {
    const stream = await this.results.exportCsv(tenant, id, filter);
    return new StreamableFile(stream, {
      disposition: `attachment; filename="results-${id}.csv"`,
      type: 'text/csv; charset=utf-8',
    });
  }

  @Get('chatbots/:id/results/funnel')
  @Roles('viewer')
  @ApiOperation({ summary: 'Starts, completions and drop-off per input block' })
  @ApiOkResponse({ type: FunnelDto })
  @ApiProblems(404)
  funnel(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() filter: ResultsFilterDto,
  ): Promise<FunnelDto> {
    return this.results.funnel(tenant, id, filter);
  }

  @Post('chatbots/:id/results/delete')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Erase results (e.g. on a data-subject request): sessions, transcripts and logs go' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiProblems(404)
  async deleteMany(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: DeleteResultsDto,
  ): Promise<DeletedDto> {
    return { deleted: await this.results.delete(tenant, id, dto.resultIds) };
  }

  @Delete('chatbots/:id/results/:resultId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Erase one result' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  deleteOne(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @UuidParam('resultId') resultId: string,
  ): Promise<void> {
    return this.results.deleteOne(tenant, id, resultId);
  }

  @Get('sessions/:id/logs')
  @Roles('viewer')
  @ApiOperation({ summary: 'Execution log of a session: each block run, its outcome and error' })
  @ApiOkResponse({ type: [LogStepDto] })
  @ApiProblems(404)
  logs(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<LogStep[]> {
    return this.results.logs(tenant, id);
  }
}
