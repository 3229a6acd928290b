import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { LimitQueryDto } from '@/common/pagination/keyset';
import { IsInt4, OptionalNotNull } from '@/common/validation/field-validators';
import { ChatbotVersionDto } from './version.dto';

export class VersionPageQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'Continue with versions below this number (`nextBefore` of the previous page)' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt4({ min: 1 })
  before?: number;
}

export class ChatbotVersionPageDto {
  @ApiProperty({ type: [ChatbotVersionDto], description: 'Newest first' })
  items!: ChatbotVersionDto[];

  @ApiProperty({ type: Number, nullable: true })
  nextBefore!: number | null;
}
