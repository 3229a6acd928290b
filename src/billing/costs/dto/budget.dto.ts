import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, Max, Min, ValidateIf } from 'class-validator';

export const MAX_MONTHLY_BUDGET_USD = 1_000_000_000;

export class SetBudgetDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: MAX_MONTHLY_BUDGET_USD,
    example: 20,
    description: 'USD per calendar month (UTC), cents at most; null removes the budget. 0 stops every AI call.',
  })
  @ValidateIf((dto: SetBudgetDto) => dto.monthlyBudgetUsd !== null)
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'monthlyBudgetUsd must be a number of USD with at most 2 decimals, or null' },
  )
  @Min(0)
  @Max(MAX_MONTHLY_BUDGET_USD)
  monthlyBudgetUsd!: number | null;
}

export class BudgetDto {
  @ApiProperty({ type: Number, nullable: true, example: 20, description: 'Null: no budget.' })
  monthlyBudgetUsd!: number | null;

  @ApiProperty({ example: 16.42, description: 'AI spend of the current calendar month (UTC) in the ledger.' })
  monthToDateUsd!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 82.1,
    description: 'Spend in percent of the budget (null: no budget).',
  })
  percentUsed!: number | null;

  @ApiProperty({ format: 'date-time', description: 'Start of the current month (UTC).' })
  periodStart!: string;

  @ApiProperty({ enum: ['USD'] })
  currency!: 'USD';
}
