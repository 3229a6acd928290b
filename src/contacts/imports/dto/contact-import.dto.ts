import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Length,
  Matches,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { isMappingTarget, type MappingTarget } from '../csv/column-mapping';
import { IMPORT_DELIMITERS, type ImportDelimiter, type ImportEncoding } from '../csv/sniff';
import {
  type ContactImportEntity,
  type DedupePolicy,
  dedupePolicies,
  type ImportStatus,
  importStatuses,
} from '../entities/contact-import.entity';

export const MAX_IMPORT_TAGS = 20;
const TAG_PATTERN = /^[^\s,][^,]{0,63}$/;

/** `tags`: a JSON array (`["vip","2026"]`) or comma-separated (`vip, 2026`). */
const toTags = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
};

/** `mapping`: a JSON object. */
const toMapping = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** Every value is a mapping target (or null), every key a header of at most 200 characters. */
function IsColumnMapping(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isColumnMapping',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must map CSV headers (at most 200 characters, at most 200 of them) to one of name, firstName, lastName, email, phone, lifecycleStage, leadScore, attributes.<key>, ignore or null`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 200 &&
          Object.entries(value).every(([header, to]) => header.length <= 200 && (to === null || isMappingTarget(to))),
      },
    });
}

/**
 * The fields of the multipart upload besides `file` (all optional). Send them before the file
 * part; they are validated like a JSON body (400 naming the field).
 */
export class CreateContactImportDto {
  @ApiPropertyOptional({
    description:
      'JSON object: CSV header → `name`, `firstName`, `lastName`, `email`, `phone`, `lifecycleStage`, `leadScore`, ' +
      '`attributes.<key>` (a defined custom attribute) or `ignore`/null. Headers left out are auto-detected ' +
      '(`E-mail`, `Phone number`, `First name`, an attribute key or label, …); undetected columns are ignored.',
    type: 'string',
    example: '{"E-mail":"email","Mobile":"phone","Plan":"attributes.plan"}',
  })
  @OptionalNotNull()
  @Transform(toMapping)
  @IsObject({ message: 'mapping must be a JSON object' })
  @IsColumnMapping()
  mapping?: Record<string, MappingTarget | null>;

  @ApiPropertyOptional({
    enum: dedupePolicies,
    default: 'skip',
    description:
      'When a row matches an existing contact (by email or phone): `skip` leaves it untouched (counted skipped), ' +
      '`update` writes the row’s non-empty values into it, `create_only` rejects the row (counted failed).',
  })
  @OptionalNotNull()
  @IsIn(dedupePolicies)
  dedupe?: DedupePolicy;

  @ApiPropertyOptional({
    type: 'string',
    description: `Tags applied to every created or updated contact: comma-separated or a JSON array, at most ${MAX_IMPORT_TAGS}, each at most 64 characters`,
    example: 'newsletter, fair-2026',
  })
  @OptionalNotNull()
  @Transform(toTags)
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_TAGS)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be 1-64 characters without commas' })
  tags?: string[];

  @ApiPropertyOptional({
    enum: ['utf-8', 'latin1'],
    description: 'Default: detected (a UTF-8 byte-order mark or valid UTF-8, else Latin-1)',
  })
  @OptionalNotNull()
  @IsIn(['utf-8', 'latin1'])
  encoding?: ImportEncoding;

  @ApiPropertyOptional({
    enum: IMPORT_DELIMITERS,
    description: 'Default: detected from the header line (`,` `;` tab `|`)',
  })
  @OptionalNotNull()
  @IsIn(IMPORT_DELIMITERS)
  delimiter?: ImportDelimiter;
}

/** The multipart body of `POST /contacts/imports`, for OpenAPI. */
export const contactImportUploadSchema = {
  type: 'object',
  required: ['file'],
  properties: {
    mapping: { type: 'string', description: 'JSON object, see CreateContactImportDto.mapping' },
    dedupe: { type: 'string', enum: [...dedupePolicies], default: 'skip' },
    tags: { type: 'string', description: 'Comma-separated or a JSON array' },
    encoding: { type: 'string', enum: ['utf-8', 'latin1'] },
    delimiter: { type: 'string', enum: [...IMPORT_DELIMITERS] },
    file: { type: 'string', format: 'binary', description: 'The CSV file (last part); its first line is the header' },
  },
} as const;

export class ContactImportCountsDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Data rows of the file, once it has been read' })
  total!: number | null;
  @ApiProperty({ description: 'Rows read and validated so far' })
  processed!: number;
  @ApiProperty()
  created!: number;
  @ApiProperty()
  updated!: number;
  @ApiProperty({ description: 'Duplicates within the file, and existing contacts under `skip`' })
  skipped!: number;
  @ApiProperty({ description: 'Invalid rows, rows matching two contacts, existing contacts under `create_only`' })
  failed!: number;
}

export class ContactImportDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: importStatuses })
  status!: ImportStatus;
  @ApiProperty()
  fileName!: string;
  @ApiProperty({ description: 'Bytes' })
  fileSize!: number;
  @ApiProperty({ enum: dedupePolicies })
  dedupe!: DedupePolicy;
  @ApiProperty({ type: [String] })
  tags!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'header → target: as asked until the header is read, then as used (auto-detected columns included)',
  })
  mapping!: Record<string, MappingTarget | null>;
  @ApiProperty({ enum: ['utf-8', 'latin1'], nullable: true, type: String })
  encoding!: string | null;
  @ApiProperty({ nullable: true, type: String })
  delimiter!: string | null;
  @ApiProperty({ type: ContactImportCountsDto })
  counts!: ContactImportCountsDto;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Fraction done (reading the file is the first 90 %)' })
  progress!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why the import failed' })
  error!: string | null;
  @ApiProperty({ description: 'A cancel was asked and the worker has not stopped yet' })
  cancelRequested!: boolean;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date })
  startedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date })
  finishedAt!: Date | null;
}

export const toContactImportDto = (row: ContactImportEntity): ContactImportDto => ({
  id: row.id,
  status: row.status,
  fileName: row.fileName,
  fileSize: row.fileSize,
  dedupe: row.dedupe,
  tags: row.tags,
  mapping: row.resolvedMapping ?? row.mapping,
  encoding: row.encoding,
  delimiter: row.delimiter,
  counts: {
    total: row.total,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
  },
  progress: row.progress,
  error: row.error,
  cancelRequested: row.cancelRequested,
  createdAt: row.createdAt,
  startedAt: row.startedAt,
  finishedAt: row.finishedAt,
});
