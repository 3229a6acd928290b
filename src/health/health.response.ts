import { ApiProperty } from '@nestjs/swagger';

export class HealthIndicatorStatusDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ required: false, description: 'Why the dependency is down' })
  message?: string;
}

/** Terminus' health report. */
export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status!: string;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorStatusDto' } })
  info!: Record<string, HealthIndicatorStatusDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorStatusDto' } })
  error!: Record<string, HealthIndicatorStatusDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorStatusDto' } })
  details!: Record<string, HealthIndicatorStatusDto>;
}
