import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Query,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import { AttributeQueryInterceptor } from './attribute-query.interceptor';
import { type Actor, ContactsService } from './contacts.service';
import { SegmentsService } from './segments.service';
import {
  BulkContactsDto,
  BulkResultDto,
  ConsentDto,
  ConsentListDto,
  ContactDto,
  ContactPageDto,
  CreateContactDto,
  EraseContactDto,
  EraseContactQueryDto,
  ErasureDto,
  MergeContactDto,
  RecordConsentDto,
  UpdateContactDto,
} from './dto/contact.dto';
import { ContactsExportQueryDto, ContactsQueryDto } from './dto/contact-filter.dto';
import type { ContactFilter } from './contact-filter';

const actorOf = (tenant: TenantContext, principal: Principal): Actor => ({
  userId: principal.kind === 'user' ? principal.userId : null,
  tenant,
});

/** The filter fields of a query DTO (the page fields stripped). */
const filterOf = (query: ContactFilter & Record<string, unknown>): ContactFilter => {
  const { search, tags, tagsAll, lifecycle, optIn, lastSeenFrom, lastSeenTo, attributes, blocked } = query;
  return Object.fromEntries(
    Object.entries({ search, tags, tagsAll, lifecycle, optIn, lastSeenFrom, lastSeenTo, attributes, blocked }).filter(
      ([, v]) => v !== undefined,
    ),
  );
};

/**
 * Contacts. Roles: viewers read; agents create, edit, tag, record consent and run bulk tag/untag;
 * org admins erase (one or in bulk), merge and export.
 */
@ApiTags('contacts')
@Controller('contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly segments: SegmentsService,
  ) {}

  @Get()
  @Roles('viewer')
  @UseInterceptors(AttributeQueryInterceptor)
  @ApiOperation({
    summary: 'Contacts: search, filters, keyset pages',
    description:
      '`search` matches a prefix of the name, email or phone, or word prefixes over name, email, phone and attribute ' +
      'values. Filters combine with AND. `attributes[key]=value` compares by the attribute type.',
  })
  @ApiOkResponse({ type: ContactPageDto })
  @ApiProblems(400)
  list(@CurrentTenant() tenant: TenantContext, @Query() query: ContactsQueryDto): Promise<ContactPageDto> {
    return this.contacts.list(tenant.organizationId, filterOf(query as never), {
      sort: query.sort,
      limit: query.limit,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
  }

  @Get('export.csv')
  @Roles('org_admin')
  @UseInterceptors(AttributeQueryInterceptor)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({
    summary: 'The matching contacts (a filter, or a segment) as CSV, streamed',
    description: 'Columns: the profile, tags, current consent per channel, then `attribute_<key>` per definition.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV', schema: { type: 'string' } })
  @ApiProblems(400, 404)
  async export(
    @CurrentTenant() tenant: TenantContext,
    @Query() query: ContactsExportQueryDto,
  ): Promise<StreamableFile> {
    const filter =
      query.segmentId !== undefined
        ? await this.segments.filterOf(tenant.organizationId, query.segmentId)
        : filterOf(query as never);
    const stream = await this.contacts.exportCsv(tenant.organizationId, filter);
    return new StreamableFile(stream, {
      disposition: 'attachment; filename="contacts.csv"',
      type: 'text/csv; charset=utf-8',
    });
  }

  @Post()
  @Roles('agent')
  @ApiOperation({
    summary: 'Create a contact',
    description: 'Phone in E.164 (or national in the default country); one contact per email and per phone: 409.',
  })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiProblems(400, 402, 409)
  create(@CurrentTenant() tenant: TenantContext, @Body() dto: CreateContactDto): Promise<ContactDto> {
    return this.contacts.create(tenant.organizationId, dto);
  }

  @Post('bulk')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Tag, untag or erase the contacts of a filter (or ids), set-based',
    description: '`delete` erases like `DELETE /contacts/{id}` and is for org admins (403 otherwise).',
  })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiProblems(400)
  bulk(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: BulkContactsDto,
  ): Promise<BulkResultDto> {
    return this.contacts.bulk(actorOf(tenant, principal), dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One contact' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ContactDto> {
    return this.contacts.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'Change a contact (attributes merged: `null` removes one; `tagIds` replaces the tags)' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(400, 404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateContactDto,
  ): Promise<ContactDto> {
    return this.contacts.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Erase a contact (the only delete): its personal data everywhere, with an audit row',
    description:
      'A reason is required (body or `?reason=`). The contact, its consents and tags, its sessions (variables, ' +
      'results, transcripts, turn logs) and the content of every message of its conversations are removed; the ' +
      'conversations stay without a contact. The audit row keeps who, when, why and row counts.',
  })
  @ApiOkResponse({ type: ErasureDto })
  @ApiProblems(400, 404)
  erase(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Query() query: EraseContactQueryDto,
    @Body() dto: EraseContactDto = {},
  ): Promise<ErasureDto> {
    return this.contacts.erase(actorOf(tenant, principal), id, dto?.reason ?? query.reason);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Merge another contact into this one, then delete it',
    description:
      "In one transaction: the source's conversations, sessions and consent history move here, tags are unioned, " +
      "attributes merged (this contact's win unless empty), counts recomputed. Both must be of the organization (404).",
  })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(400, 404)
  merge(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: MergeContactDto,
  ): Promise<ContactDto> {
    return this.contacts.merge(tenant.organizationId, id, dto.sourceId);
  }

  @Post(':id/consents')
  @Roles('agent')
  @ApiOperation({ summary: 'Record a consent given or withdrawn (appended to the history)' })
  @ApiCreatedResponse({ type: ConsentDto })
  @ApiProblems(400, 404)
  recordConsent(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: RecordConsentDto,
  ): Promise<ConsentDto> {
    return this.contacts.recordConsent(tenant.organizationId, id, actorOf(tenant, principal).userId, dto);
  }

  @Get(':id/consents')
  @Roles('viewer')
  @ApiOperation({ summary: 'The consent history, newest first' })
  @ApiOkResponse({ type: ConsentListDto })
  @ApiProblems(404)
  async consents(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ConsentListDto> {
    return { items: await this.contacts.consents(tenant.organizationId, id) };
  }
}
