import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf } from '@/common/pagination/keyset';
import { Int4Param } from '@/common/validation/field-validators';
import { UuidParam } from '@/common/validation/uuid-param';
import { ChatbotsService } from './chatbots.service';
import {
  ChatbotDto,
  CloneChatbotDto,
  CreateChatbotDto,
  ListChatbotsQueryDto,
  UpdateChatbotDto,
} from './dto/chatbot.dto';
import {
  DraftFlowDto,
  PublishDto,
  RollbackDto,
  SaveFlowDto,
  ValidateFlowDto,
  ValidationResultDto,
} from './dto/flow.dto';
import { ParleyExportDto, TypebotImportResultDto } from './dto/import-export.dto';
import { ChatbotVersionPageDto, VersionPageQueryDto } from './dto/version-query.dto';
import { ChatbotVersionDetailDto } from './dto/version.dto';

const userIdOf = (principal: Principal): string | null => (principal.kind === 'user' ? principal.userId : null);

/** `"7"`, `W/"7"` or `7` → 7. */
export function revisionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1])
    throw new ValidationFailed([{ field: 'If-Match', message: 'If-Match must be a revision, e.g. "7"' }]);
  return Number(match[1]);
}

@ApiTags('chatbots')
@Controller('chatbots')
export class ChatbotsController {
  constructor(private readonly chatbots: ChatbotsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Chatbots of the organization' })
  @ApiOkResponse({ type: PageOf(ChatbotDto) })
  list(@CurrentTenant() tenant: TenantContext, @Query() query: ListChatbotsQueryDto): Promise<Page<ChatbotDto>> {
    return this.chatbots.list(tenant, query.limit, query.cursor, query.status);
  }

  @Post()
  @Roles('agent')
  @ApiOperation({ summary: 'Create a chatbot (empty, from a flow, or from a template)' })
  @ApiCreatedResponse({ type: ChatbotDto })
  @ApiProblems(402, 404)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateChatbotDto,
  ): Promise<ChatbotDto> {
    return this.chatbots.create(tenant, userIdOf(principal), dto);
  }

  @Post('import/typebot')
  @Roles('agent')
  @ApiOperation({
    summary: 'Import a Typebot export (schema versions 3 to 6.1) as a new draft chatbot',
    description:
      'Send the exported JSON as the body. The answer reports how many blocks were imported and which were kept but cannot run yet.',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: 'A Typebot export' } })
  @ApiCreatedResponse({ type: TypebotImportResultDto })
  @ApiProblems(402)
  importTypebot(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<TypebotImportResultDto> {
    return this.chatbots.importTypebot(tenant, userIdOf(principal), body);
  }

  @Post('import')
  @Roles('agent')
  @ApiOperation({ summary: 'Import a Parley flow export (from GET /chatbots/{id}/export) as a new draft chatbot' })
  @ApiBody({ type: ParleyExportDto })
  @ApiCreatedResponse({ type: ChatbotDto })
  @ApiProblems(402)
  importParley(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<ChatbotDto> {
    return this.chatbots.importParley(tenant, userIdOf(principal), body);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One chatbot' })
  @ApiOkResponse({ type: ChatbotDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ChatbotDto> {
    return this.chatbots.get(tenant, id);
  }

  @Patch(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'Rename, describe, change settings (partial) or theme' })
  @ApiOkResponse({ type: ChatbotDto })
  @ApiProblems(404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: UpdateChatbotDto,
  ): Promise<ChatbotDto> {
    return this.chatbots.update(tenant, id, userIdOf(principal), dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a chatbot with its versions' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.chatbots.delete(tenant, id);
  }

  @Get(':id/flow')
  @Roles('viewer')
  @ApiOperation({ summary: 'The draft flow with its revision (also the ETag) and current problems' })
  @ApiOkResponse({ type: DraftFlowDto })
  @ApiProblems(404)
  async getFlow(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DraftFlowDto> {
    const draft = await this.chatbots.getDraft(tenant, id);
    void reply.header('ETag', `"${draft.revision}"`);
    return draft;
  }

  @Put(':id/flow')
  @Roles('agent')
  @ApiOperation({
    summary: 'Save the draft flow (optimistic concurrency)',
    description:
      'Say which revision you edited with If-Match: "<revision>" (or `revision` in the body). If someone saved since, ' +
      'the answer is 409 with `currentRevision`, and nothing is overwritten.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision you edited, e.g. "7"' })
  @ApiOkResponse({ type: DraftFlowDto })
  @ApiProblems(404, 409, 428)
  async saveFlow(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: SaveFlowDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DraftFlowDto> {
    const expected = revisionFromIfMatch(ifMatch) ?? dto.revision;
    const draft = await this.chatbots.saveDraft(tenant, id, userIdOf(principal), dto.flow, expected);
    void reply.header('ETag', `"${draft.revision}"`);
    return draft;
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: 'Check the draft (or a given flow) and list its problems with block ids' })
  @ApiOkResponse({ type: ValidationResultDto })
  @ApiProblems(404)
  validate(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: ValidateFlowDto,
  ): Promise<ValidationResultDto> {
    return this.chatbots.validate(tenant, id, dto.flow);
  }

  @Post(':id/publish')
  @Roles('agent')
  @ApiOperation({ summary: 'Validate the draft and freeze it as the next numbered version; new sessions run it' })
  @ApiCreatedResponse({ type: ChatbotVersionDetailDto })
  @ApiProblems(404, 409, 422)
  publish(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: PublishDto,
  ): Promise<ChatbotVersionDetailDto> {
    return this.chatbots.publish(tenant, id, userIdOf(principal), dto.note);
  }

  @Get(':id/versions')
  @Roles('viewer')
  @ApiOperation({ summary: 'Published versions, newest first' })
  @ApiOkResponse({ type: ChatbotVersionPageDto })
  @ApiProblems(404)
  versions(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() page: VersionPageQueryDto,
  ): Promise<ChatbotVersionPageDto> {
    return this.chatbots.listVersions(tenant, id, page.limit, page.before);
  }

  @Get(':id/versions/:version')
  @Roles('viewer')
  @ApiOperation({ summary: 'One published version with its frozen flow and settings' })
  @ApiOkResponse({ type: ChatbotVersionDetailDto })
  @ApiProblems(404)
  version(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Int4Param('version') version: number,
  ): Promise<ChatbotVersionDetailDto> {
    return this.chatbots.getVersion(tenant, id, version);
  }

  @Post(':id/versions/:version/rollback')
  @Roles('agent')
  @ApiOperation({ summary: 'Publish an older version again, as a new version number' })
  @ApiCreatedResponse({ type: ChatbotVersionDetailDto })
  @ApiProblems(404, 409)
  rollback(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Int4Param('version') version: number,
    @Body() dto: RollbackDto,
  ): Promise<ChatbotVersionDetailDto> {
    return this.chatbots.rollback(tenant, id, version, userIdOf(principal), dto);
  }

  @Post(':id/clone')
  @Roles('agent')
  @ApiOperation({ summary: 'Copy the chatbot (draft flow, settings, theme) as a new draft with a new public id' })
  @ApiCreatedResponse({ type: ChatbotDto })
  @ApiProblems(402, 404)
  clone(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: CloneChatbotDto,
  ): Promise<ChatbotDto> {
    return this.chatbots.clone(tenant, id, userIdOf(principal), dto.name);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Archive: no new sessions, no edits until unarchived' })
  @ApiOkResponse({ type: ChatbotDto })
  @ApiProblems(404)
  archive(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ChatbotDto> {
    return this.chatbots.setArchived(tenant, id, true);
  }

  @Post(':id/unarchive')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Unarchive (back to published if it has a live version, else draft)' })
  @ApiOkResponse({ type: ChatbotDto })
  @ApiProblems(404)
  unarchive(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ChatbotDto> {
    return this.chatbots.setArchived(tenant, id, false);
  }

  @Get(':id/export')
  @Roles('viewer')
  @ApiOperation({ summary: "The draft in Parley's own export format (import it with POST /chatbots/import)" })
  @ApiOkResponse({ type: ParleyExportDto })
  @ApiProblems(404)
  export(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ParleyExportDto> {
    return this.chatbots.export(tenant, id);
  }
}
