import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import { ContactAttributesService } from './contact-attributes.service';
import {
  ContactAttributeDto,
  ContactAttributeListDto,
  ContactSettingsDto,
  CreateContactAttributeDto,
  UpdateContactAttributeDto,
  UpdateContactSettingsDto,
} from './dto/contact-attribute.dto';

/** Custom contact attributes: viewers read, org admins define them. */
@ApiTags('contact-attributes')
@Controller('contact-attributes')
export class ContactAttributesController {
  constructor(private readonly attributes: ContactAttributesService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'The attribute definitions, by key' })
  @ApiOkResponse({ type: ContactAttributeListDto })
  async list(@CurrentTenant() tenant: TenantContext): Promise<ContactAttributeListDto> {
    return { items: await this.attributes.list(tenant.organizationId) };
  }

  @Post()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Define an attribute (text, number, date, boolean, list)' })
  @ApiCreatedResponse({ type: ContactAttributeDto })
  @ApiProblems(400, 409)
  create(@CurrentTenant() tenant: TenantContext, @Body() dto: CreateContactAttributeDto) {
    return this.attributes.create(tenant.organizationId, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One attribute definition' })
  @ApiOkResponse({ type: ContactAttributeDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ContactAttributeDto> {
    return this.attributes.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Change the label or the options of a list (key and type stay)' })
  @ApiOkResponse({ type: ContactAttributeDto })
  @ApiProblems(400, 404)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateContactAttributeDto,
  ): Promise<ContactAttributeDto> {
    return this.attributes.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: "Delete a definition and every contact's value of it" })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    await this.attributes.delete(tenant.organizationId, id);
  }
}

/** Contact settings: lifecycle stages, the default stage and country. Viewers read, org admins change. */
@ApiTags('contact-attributes')
@Controller('contact-settings')
export class ContactSettingsController {
  constructor(private readonly attributes: ContactAttributesService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'The lifecycle stages, the default stage, the default phone country' })
  @ApiOkResponse({ type: ContactSettingsDto })
  get(@CurrentTenant() tenant: TenantContext): Promise<ContactSettingsDto> {
    return this.attributes.settings(tenant.organizationId);
  }

  @Put()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Change the contact settings' })
  @ApiOkResponse({ type: ContactSettingsDto })
  @ApiProblems(400)
  update(@CurrentTenant() tenant: TenantContext, @Body() dto: UpdateContactSettingsDto): Promise<ContactSettingsDto> {
    return this.attributes.updateSettings(tenant.organizationId, dto);
  }
}
