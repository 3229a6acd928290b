import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ChatbotVersionDto } from './version.dto';

export class VersionPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'Continue with versions below this number (`nextBefore` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;
}

export class ChatbotVersionPageDto {
  @ApiProperty({ type: [ChatbotVersionDto], description: 'Newest first' })
  items!: ChatbotVersionDto[];

  @ApiProperty({ type: Number, nullable: true })
  nextBefore!: number | null;
}
