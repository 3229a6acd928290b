import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsUUID } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { IsStorableDate, OptionalNotNull } from '@/common/validation/field-validators';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ResultsFilterDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Sessions started at or after' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Sessions started before' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'Only completed (true) or unfinished (false) sessions' })
  @OptionalNotNull()
  @Transform(toBoolean)
  @IsBoolean()
  completed?: boolean;
}

export class ResultsQueryDto extends IntersectionType(PageQueryDto, ResultsFilterDto) {}

export class ResultDto {
  @ApiProperty({ format: 'uuid', description: 'The result id (also the session id)' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty()
  completed!: boolean;

  @ApiProperty({ enum: ['active', 'completed', 'handoff', 'failed'] })
  status!: string;

  @ApiProperty({ type: Number, nullable: true })
  version!: number | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Variables saved in results, by name' })
  variables!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Answer per input block id' })
  answers!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, description: 'Input the visitor stopped at (unfinished sessions)' })
  lastInputBlockId!: string | null;
}

export class DeleteResultsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    minItems: 1,
    maxItems: 1000,
    description: 'Results to erase',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  resultIds!: string[];
}

export class DeletedDto {
  @ApiProperty()
  deleted!: number;
}

export class FunnelStepDto {
  @ApiProperty()
  blockId!: string;

  @ApiProperty({ description: 'Unfinished sessions waiting at this input' })
  sessions!: number;
}

export class FunnelDto {
  @ApiProperty()
  starts!: number;

  @ApiProperty()
  completions!: number;

  @ApiProperty({ type: [FunnelStepDto] })
  dropOff!: FunnelStepDto[];
}
