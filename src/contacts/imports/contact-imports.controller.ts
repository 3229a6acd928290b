import { Controller, Get, HttpCode, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { createValidationPipe } from '@/common/validation/validation';
import { UuidParam } from '@/common/validation/uuid-param';
import { ImportUploadInvalid, ImportUploadNotMultipart } from './contact-imports.exception';
import { ContactImportsService, type StoredUpload } from './contact-imports.service';
import { ContactImportDto, contactImportUploadSchema, CreateContactImportDto } from './dto/contact-import.dto';

/** Route config read by the multipart hook (`src/app.factory.ts`): this route takes multipart bodies. */
export const MULTIPART_ROUTE = { multipart: true } as const;

const fieldsPipe = createValidationPipe();

/** Contacts CSV imports: upload (202, a worker does the work), status, rejected rows, cancel. */
@ApiTags('contacts')
@ApiExtraModels(CreateContactImportDto)
@Controller('contacts/imports')
export class ContactImportsController {
  constructor(private readonly imports: ContactImportsService) {}

  @Post()
  @HttpCode(202)
  @Roles('org_admin')
  @RouteConfig(MULTIPART_ROUTE)
  @ApiOperation({
    summary: 'Import contacts from a CSV file',
    description:
      '`multipart/form-data`: the optional fields (see `CreateContactImportDto`), then `file`. The file is streamed to ' +
      'storage (413 past `CONTACTS_IMPORT_MAX_BYTES`) and a worker validates and merges it; poll ' +
      '`GET /contacts/imports/{id}`. Contacts are matched by email (case-insensitive) or phone (E.164).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: contactImportUploadSchema as never })
  @ApiAcceptedResponse({ type: ContactImportDto, description: 'Queued; `Location` is the status URL' })
  @ApiProblems(400, 402, 413, 415, 503)
  async create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactImportDto> {
    if (!request.isMultipart()) throw new ImportUploadNotMultipart();
    const fields: Record<string, string> = {};
    let upload: StoredUpload | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
        } else if (part.fieldname === 'file' && !upload) {
          upload = await this.imports.storeUpload(tenant.organizationId, part.file, part.filename);
        } else {
          throw new ImportUploadInvalid(`Unexpected file part "${part.fieldname}": send one part named "file".`, [
            { field: part.fieldname, message: 'only one file part, named "file", is accepted' },
          ]);
        }
      }
      if (!upload) throw new ImportUploadInvalid('The upload has no "file" part.');
      const options = (await fieldsPipe.transform(fields, {
        type: 'body',
        metatype: CreateContactImportDto,
      })) as CreateContactImportDto;
      const created = await this.imports.create(
        tenant.organizationId,
        principal.kind === 'user' ? principal.userId : null,
        upload,
        options,
      );
      void reply.header('location', `/api/v1/contacts/imports/${created.id}`);
      return created;
    } catch (error) {
      if (upload) await this.imports.discardUpload(upload).catch(() => undefined);
      throw error;
    }
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: "An import's status, counts and progress" })
  @ApiOkResponse({ type: ContactImportDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ContactImportDto> {
    return this.imports.get(tenant.organizationId, id);
  }

  @Get(':id/errors.csv')
  @Roles('viewer')
  @ApiOperation({
    summary: 'The rejected and skipped rows, with the reason, as CSV (streamed)',
    description:
      'Columns `row` (the record number in the file, the header being 1), `outcome` (`failed` or `skipped`), `reason`, ' +
      'then the row as it was in the file. Existing contacts left alone under `dedupe=skip` are counted, not listed.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV', schema: { type: 'string' } })
  @ApiProblems(404)
  async errors(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<StreamableFile> {
    const { fileName, body } = await this.imports.errorsCsv(tenant.organizationId, id);
    return new StreamableFile(body, {
      disposition: `attachment; filename="${fileName}"`,
      type: 'text/csv; charset=utf-8',
    });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Cancel an import',
    description:
      'A queued import is canceled at once; a running one stops at the worker’s next check and keeps nothing (no ' +
      'contact of a canceled import is written). 409 once it has finished.',
  })
  @ApiOkResponse({ type: ContactImportDto })
  @ApiProblems(404, 409)
  cancel(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ContactImportDto> {
    return this.imports.cancel(tenant.organizationId, id);
  }
}
