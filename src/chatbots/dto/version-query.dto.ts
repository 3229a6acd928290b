import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { LimitQueryDto } from '@/common/pagination/keyset';
import { ChatbotVersionDto } from './version.dto';

export class VersionPageQueryDto extends LimitQueryDto {
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
