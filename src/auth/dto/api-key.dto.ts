import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsString, Length, MinDate } from 'class-validator';
import { IsStorableDate, OptionalNotNull } from '@/common/validation/field-validators';
import type { ApiKeyEntity } from '../entities/api-key.entity';
import { type OrgRole, orgRoles } from '@/access/roles';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: 'CRM sync' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ enum: orgRoles, description: 'What the key may do in the organization (never super_admin)' })
  @IsIn(orgRoles)
  role!: OrgRole;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Optional expiry (in the future)' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  @MinDate(() => new Date(), { message: 'expiresAt must be in the future' })
  expiresAt?: Date;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The visible start of the key, to recognise it', example: 'pk_1a2b3c4d' })
  prefix!: string;

  @ApiProperty({ enum: orgRoles })
  role!: OrgRole;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown once: store it now.' })
  key!: string;
}

export const toApiKeyDto = (k: ApiKeyEntity): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});
