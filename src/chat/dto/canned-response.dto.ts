import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull } from '@/common/validation/field-validators';
import type { CannedResponseEntity } from '../entities/chat-settings.entity';

/** A short code is what follows `/`: letters, digits, `-` and `_`. */
export const SHORT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export class CreateCannedResponseDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    example: 'hello',
    description: 'Unique per organization (case-insensitive)',
  })
  @IsString()
  @Length(1, 64)
  @Matches(SHORT_CODE_PATTERN, { message: 'shortCode is letters, digits, - and _' })
  shortCode!: string;

  @ApiProperty({ minLength: 1, maxLength: 10_000 })
  @IsString()
  @Length(1, 10_000)
  content!: string;
}

export class UpdateCannedResponseDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  @Matches(SHORT_CODE_PATTERN, { message: 'shortCode is letters, digits, - and _' })
  shortCode?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 10_000 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 10_000)
  content?: string;
}

export class CannedResponsesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 64, description: 'Short codes starting with this (case-insensitive)' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(64)
  search?: string;
}

export class CannedResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  shortCode!: string;

  @ApiProperty()
  content!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const toCannedResponseDto = (r: CannedResponseEntity): CannedResponseDto => ({
  id: r.id,
  shortCode: r.shortCode,
  content: r.content,
  createdById: r.createdById,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
