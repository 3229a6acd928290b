import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { ContactDto } from './contact.dto';
import { ContactFilterDto } from './contact-filter.dto';

export class CreateSegmentDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Unique per organization, case-insensitive' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: ContactFilterDto, description: 'The contacts of the segment, as `GET /contacts` filters them' })
  @ValidateNested()
  @Type(() => ContactFilterDto)
  filter!: ContactFilterDto;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: ContactFilterDto })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => ContactFilterDto)
  filter?: ContactFilterDto;
}

export class SegmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: ContactFilterDto })
  filter!: ContactFilterDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy!: string | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;
}

export class SegmentListDto {
  @ApiProperty({ type: [SegmentDto], description: 'By name' })
  items!: SegmentDto[];
}

export class SegmentCountDto {
  @ApiProperty({ description: 'Contacts in the segment now' })
  count!: number;
}

export class SegmentPreviewQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 10;
}

export class SegmentPreviewDto {
  @ApiProperty({ type: [ContactDto], description: 'The newest contacts of the segment' })
  items!: ContactDto[];
}
