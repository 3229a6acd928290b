import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { type ConnectionType, connectionTypes } from '../connection-secrets';
import { secretFieldsOf } from '../connection-types';
import type { ConnectionEntity } from '../entities/connection.entity';

const SETTINGS_DOC =
  'Not secret, returned by the API. api_key: `headerName` (default X-API-Key) or `queryParam`, `testUrl`; ' +
  'bearer: `testUrl`; basic: `username`, `testUrl`; oauth2_client_credentials: `tokenUrl`, `clientId`, `scope`, ' +
  '`audience`, `authMethod` (client_secret_basic | client_secret_post), `testUrl`; openai: `baseUrl`, ' +
  '`organization`; smtp: `from`; whatsapp: none.';
const SECRETS_DOC =
  'Sealed at rest, never returned. api_key: `key`; bearer: `token`; basic: `password`; ' +
  'oauth2_client_credentials: `clientSecret`; openai: `apiKey`; smtp: `url` (smtp(s)://user:pass@host:port); ' +
  'whatsapp: `accessToken`.';

export class CreateConnectionDto {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Unique per organization (case-insensitive)' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: connectionTypes })
  @IsIn(connectionTypes)
  type!: ConnectionType;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: SETTINGS_DOC })
  @OptionalNotNull()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: SECRETS_DOC })
  @IsObject()
  secrets!: Record<string, unknown>;
}

export class UpdateConnectionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Replaces the settings. ${SETTINGS_DOC}`,
  })
  @OptionalNotNull()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: `Replaces every secret. ${SECRETS_DOC}`,
  })
  @OptionalNotNull()
  @IsObject()
  secrets?: Record<string, unknown>;
}

export class ConnectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: connectionTypes, description: 'Only connections of this type' })
  @OptionalNotNull()
  @IsIn(connectionTypes)
  type?: ConnectionType;
}

export class TestConnectionDto {
  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'api_key, bearer, basic, oauth2: the URL a GET is sent to (default `settings.testUrl`)',
  })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  url?: string;
}

export class ConnectionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: connectionTypes })
  type!: ConnectionType;

  @ApiProperty({ type: 'object', additionalProperties: true })
  settings!: Record<string, unknown>;

  @ApiProperty({ type: [String], description: 'Names of the stored secrets (their values are never returned)' })
  secretFields!: string[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastTestedAt!: string | null;

  @ApiProperty({ type: String, enum: ['ok', 'error'], nullable: true })
  lastTestOutcome!: 'ok' | 'error' | null;

  @ApiProperty({ type: String, nullable: true })
  lastTestError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ConnectionTestResultDto {
  @ApiProperty()
  ok!: boolean;

  @ApiPropertyOptional({ description: 'Why the test failed' })
  error?: string;

  @ApiProperty()
  durationMs!: number;
}

export const toConnectionDto = (c: ConnectionEntity): ConnectionDto => ({
  id: c.id,
  name: c.name,
  type: c.type,
  settings: c.settings,
  secretFields: secretFieldsOf(c.type),
  createdById: c.createdById,
  lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
  lastTestedAt: c.lastTestedAt?.toISOString() ?? null,
  lastTestOutcome: c.lastTestOutcome,
  lastTestError: c.lastTestError,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
