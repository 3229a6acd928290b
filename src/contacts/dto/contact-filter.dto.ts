import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { IsStorableDate, OptionalNotNull } from '@/common/validation/field-validators';
import { consentChannels, type ConsentChannel } from '../entities/contact.entity';
import { type ContactFilter, type ContactSort, contactSorts } from '../contact-filter';

export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `tags=a&tags=b` or `tags=a,b` (a body's array stays an array). */
export const toList = ({ value }: { value: unknown }): unknown => {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.flatMap((v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : [v]));
};

export const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_FILTER_ATTRIBUTES = 10;

/** `{ key: value }` with attribute keys and string values of at most 200 characters. */
export const IsAttributeFilter = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isAttributeFilter',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_FILTER_ATTRIBUTES &&
          Object.entries(value).every(
            ([key, v]) => ATTRIBUTE_KEY.test(key) && typeof v === 'string' && v.length <= 200,
          ),
        defaultMessage: () =>
          `$property must map at most ${MAX_FILTER_ATTRIBUTES} attribute keys (a-z, 0-9, _) to strings of at most 200 characters`,
      },
    },
    options,
  );

/** Which contacts (all optional, AND): the list's query, a segment's filter, a bulk action's or an export's. */
export class ContactFilterDto implements ContactFilter {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Prefix of the name, email or phone, or word prefixes over name, email, phone and attribute values',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  search?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Contacts with any of these tags' })
  @OptionalNotNull()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Contacts with all of these tags' })
  @OptionalNotNull()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  tagsAll?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Lifecycle stages (any of)' })
  @OptionalNotNull()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  lifecycle?: string[];

  @ApiPropertyOptional({ enum: consentChannels, description: 'Currently opted in on this channel' })
  @OptionalNotNull()
  @IsIn(consentChannels)
  optIn?: ConsentChannel;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Last seen at or after' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  lastSeenFrom?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Last seen before' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  lastSeenTo?: Date;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Attribute equality, read by the attribute type: `attributes[plan]=pro&attributes[score]=5` (query) or `{"plan":"pro"}`',
  })
  @OptionalNotNull()
  @IsObject()
  @IsAttributeFilter()
  attributes?: Record<string, string>;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(toBoolean)
  @IsBoolean()
  blocked?: boolean;
}

/** `GET /contacts`: a filter, a sort and a page. */
export class ContactsQueryDto extends ContactFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ enum: contactSorts, default: 'createdAt', description: 'Newest first, or last seen first' })
  @OptionalNotNull()
  @IsIn(contactSorts)
  sort: ContactSort = 'createdAt';

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque)', maxLength: 100 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

/** `GET /contacts/export.csv`: a filter, or a segment's. */
export class ContactsExportQueryDto extends ContactFilterDto {
  @ApiPropertyOptional({ format: 'uuid', description: "A segment's filter instead of the query's" })
  @OptionalNotNull()
  @IsUUID()
  segmentId?: string;
}
