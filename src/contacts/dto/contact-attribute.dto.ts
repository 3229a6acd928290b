import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import { attributeTypes, type AttributeType } from '../entities/contact-attribute-definition.entity';
import { ATTRIBUTE_KEY } from './contact-filter.dto';

export class CreateContactAttributeDto {
  @ApiProperty({ pattern: ATTRIBUTE_KEY.source, description: 'The key in `contact.attributes` (a-z, 0-9, _)' })
  @IsString()
  @Matches(ATTRIBUTE_KEY, { message: 'key must start with a-z and hold only a-z, 0-9 and _ (at most 64)' })
  key!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiProperty({ enum: attributeTypes })
  @IsIn(attributeTypes)
  type!: AttributeType;

  @ApiPropertyOptional({ type: [String], description: 'The values of a `list` attribute (required for list)' })
  @ValidateIf((o: CreateContactAttributeDto) => o.type === 'list' || o.options !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  options?: string[];
}

export class UpdateContactAttributeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  label?: string;

  @ApiPropertyOptional({ type: [String], description: 'The values of a `list` attribute (values in use stay stored)' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  options?: string[];
}

export class ContactAttributeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  key!: string;

  @ApiProperty()
  label!: string;

  @ApiProperty({ enum: attributeTypes })
  type!: AttributeType;

  @ApiProperty({ type: [String] })
  options!: string[];

  @ApiProperty()
  createdAt!: Date;
}

export class ContactAttributeListDto {
  @ApiProperty({ type: [ContactAttributeDto], description: 'By key' })
  items!: ContactAttributeDto[];
}

export class UpdateContactSettingsDto {
  @ApiPropertyOptional({ type: [String], description: 'The ordered lifecycle stages' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { each: true, message: 'each stage must be a-z, 0-9, _ or - (at most 32)' })
  lifecycleStages?: string[];

  @ApiPropertyOptional({ description: 'The stage of a new contact (one of the stages)' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(32)
  defaultLifecycleStage?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'GB',
    description: 'ISO 3166 alpha-2, for phones without +',
  })
  @OptionalNullable()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'defaultCountry must be an ISO 3166 alpha-2 code' })
  defaultCountry?: string | null;
}

export class ContactSettingsDto {
  @ApiProperty({ type: [String] })
  lifecycleStages!: string[];

  @ApiProperty()
  defaultLifecycleStage!: string;

  @ApiProperty({ type: String, nullable: true })
  defaultCountry!: string | null;
}
