import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';

const COLOR = /^#[0-9a-fA-F]{6}$/;

export class CreateTagDto {
  @ApiProperty({ minLength: 1, maxLength: 64, description: 'Unique per organization, case-insensitive' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '#3366ff' })
  @OptionalNullable()
  @IsString()
  @Matches(COLOR, { message: 'color must be #rrggbb' })
  color?: string | null;
}

export class UpdateTagDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '#3366ff' })
  @OptionalNullable()
  @IsString()
  @Matches(COLOR, { message: 'color must be #rrggbb' })
  color?: string | null;
}

export class TagDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  color!: string | null;

  @ApiProperty({ description: 'Contacts with this tag' })
  contactCount!: number;

  @ApiProperty()
  createdAt!: Date;
}

export class TagListDto {
  @ApiProperty({ type: [TagDto], description: 'By name' })
  items!: TagDto[];
}
