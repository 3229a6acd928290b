import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsInt4, IsStorableDate, OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import {
  consentChannels,
  consentStatuses,
  type ConsentChannel,
  type ConsentStatus,
  type CurrentConsent,
} from '../entities/contact.entity';
import { ContactFilterDto } from './contact-filter.dto';

export const MAX_CONTACT_TAGS = 50;

export class CreateContactDto {
  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  @OptionalNullable()
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ type: String, format: 'email', maxLength: 320, nullable: true })
  @OptionalNullable()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: 32,
    nullable: true,
    description: "Stored in E.164; without `+` it is read in the organization's default country",
  })
  @OptionalNullable()
  @IsString()
  @Length(1, 32)
  phone?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Custom attributes by definition key, of their types (`null` removes one)',
  })
  @OptionalNotNull()
  @IsObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 32, description: "One of the organization's lifecycle stages" })
  @OptionalNotNull()
  @IsString()
  @Length(1, 32)
  lifecycleStage?: string;

  @ApiPropertyOptional({ minimum: -1_000_000, maximum: 1_000_000 })
  @OptionalNotNull()
  @IsInt4({ min: -1_000_000, max: 1_000_000 })
  leadScore?: number;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  blocked?: boolean;

  @ApiPropertyOptional({ maxLength: 32, description: 'Where the contact came from (`api` by default)' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 32)
  source?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The tags (replaces them on update)' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACT_TAGS)
  @IsUUID('all', { each: true })
  tagIds?: string[];
}

export class UpdateContactDto extends CreateContactDto {}

export class ContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'E.164' })
  phone!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  attributes!: Record<string, unknown>;

  @ApiProperty()
  lifecycleStage!: string;

  @ApiProperty()
  leadScore!: number;

  @ApiProperty()
  blocked!: boolean;

  @ApiProperty({ type: String, nullable: true })
  source!: string | null;

  @ApiProperty({ type: [String], format: 'uuid' })
  tagIds!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The current consent per channel: `{ email: { status, source, recordedAt } }`',
  })
  consents!: Record<string, CurrentConsent>;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  firstSeenAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSeenAt!: Date | null;

  @ApiProperty()
  conversationCount!: number;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto] })
  items!: ContactDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

export const bulkActions = ['tag', 'untag', 'delete'] as const;
export type BulkAction = (typeof bulkActions)[number];

export class BulkContactsDto {
  @ApiProperty({ enum: bulkActions, description: '`delete` erases (org_admin)' })
  @IsIn(bulkActions)
  action!: BulkAction;

  @ApiPropertyOptional({ type: ContactFilterDto, description: 'Which contacts (or `ids`)' })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => ContactFilterDto)
  filter?: ContactFilterDto;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Which contacts (or `filter`)' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The tags to add or remove (tag, untag)' })
  @ValidateIf((o: BulkContactsDto) => o.action === 'tag' || o.action === 'untag' || o.tagIds !== undefined)
  @IsArray()
  @ArrayMaxSize(MAX_CONTACT_TAGS)
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({ maxLength: 500, description: 'Why (delete: recorded in the erasure audit)' })
  @ValidateIf((o: BulkContactsDto) => o.action === 'delete' || o.reason !== undefined)
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class BulkResultDto {
  @ApiProperty({ enum: bulkActions })
  action!: BulkAction;

  @ApiProperty({ description: 'Contacts matched' })
  matched!: number;

  @ApiProperty({ description: 'Rows changed: tags added or removed, contacts erased' })
  affected!: number;
}

export class MergeContactDto {
  @ApiProperty({ format: 'uuid', description: 'The contact merged into this one, then deleted' })
  @IsUUID()
  sourceId!: string;
}

export class EraseContactDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why (or `?reason=`); recorded in the audit' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class EraseContactQueryDto extends EraseContactDto {}

export class ErasureDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  contactId!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows removed per table' })
  removed!: Record<string, number>;

  @ApiProperty()
  erasedAt!: Date;
}

export class RecordConsentDto {
  @ApiProperty({ enum: consentChannels })
  @IsIn(consentChannels)
  channel!: ConsentChannel;

  @ApiProperty({ enum: consentStatuses })
  @IsIn(consentStatuses)
  status!: ConsentStatus;

  @ApiProperty({ maxLength: 64, description: 'How it was given: `form`, `chat`, `import`, `api`, …' })
  @IsString()
  @Length(1, 64)
  source!: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'What the contact agreed to (the wording, a reference)' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 2000)
  evidence?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  ip?: string;

  @ApiPropertyOptional({ maxLength: 512 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 512)
  userAgent?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When it was given (now by default)' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  recordedAt?: Date;
}

export class ConsentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: consentChannels })
  channel!: ConsentChannel;

  @ApiProperty({ enum: consentStatuses })
  status!: ConsentStatus;

  @ApiProperty()
  source!: string;

  @ApiProperty({ type: String, nullable: true })
  evidence!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty()
  recordedAt!: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  recordedBy!: string | null;
}

export class ConsentListDto {
  @ApiProperty({ type: [ConsentDto], description: 'Newest first' })
  items!: ConsentDto[];
}
