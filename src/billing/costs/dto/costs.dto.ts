import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CostsQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-01',
    description: 'First day (UTC), included. Default: the first day of the current month.',
  })
  @OptionalNotNull()
  @Matches(DAY, { message: 'from must be a date (YYYY-MM-DD)' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-31',
    description: 'Last day (UTC), included. Default: today. At most 366 days from `from`.',
  })
  @OptionalNotNull()
  @Matches(DAY, { message: 'to must be a date (YYYY-MM-DD)' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the calls of this chatbot.' })
  @OptionalNotNull()
  @IsUUID('all')
  chatbotId?: string;
}

export class CostTotalsDto {
  @ApiProperty({ example: 1.234567, description: 'USD, exact to the nano-dollar (summed by PostgreSQL).' })
  cost!: number;

  @ApiProperty({ description: 'OpenAI calls (failed ones included; they cost 0).' })
  calls!: number;

  @ApiProperty()
  promptTokens!: number;

  @ApiProperty()
  completionTokens!: number;

  @ApiProperty({ description: 'Seconds of audio transcribed (where the provider reported them).' })
  audioSeconds!: number;

  @ApiProperty({ description: 'Characters turned into speech.' })
  characters!: number;

  @ApiProperty({ description: 'Calls of a model (or measure) the price table does not know: counted at 0 USD.' })
  unpricedCalls!: number;
}

export class CostByDayDto extends CostTotalsDto {
  @ApiProperty({ format: 'date', example: '2026-12-01' })
  day!: string;
}

export class CostByModelDto extends CostTotalsDto {
  @ApiProperty({ example: 'gpt-4o-mini' })
  model!: string;
}

export class CostByChatbotDto extends CostTotalsDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null: calls outside a chatbot.' })
  chatbotId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Null outside a chatbot, or when it was deleted.' })
  name!: string | null;
}

export class CostReportDto {
  @ApiProperty({ format: 'date' })
  from!: string;

  @ApiProperty({ format: 'date', description: 'Included.' })
  to!: string;

  @ApiProperty({ enum: ['USD'] })
  currency!: 'USD';

  @ApiProperty({ type: CostTotalsDto })
  total!: CostTotalsDto;

  @ApiProperty({ type: [CostByDayDto], description: 'Days with calls, oldest first.' })
  byDay!: CostByDayDto[];

  @ApiProperty({ type: [CostByModelDto], description: 'Most expensive first.' })
  byModel!: CostByModelDto[];

  @ApiProperty({ type: [CostByChatbotDto], description: 'Most expensive first.' })
  byChatbot!: CostByChatbotDto[];
}
