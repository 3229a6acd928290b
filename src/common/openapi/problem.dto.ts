import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;
}

/** RFC 9457 problem details, as every error of the API is answered. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:parley:problem:request.validation_failed' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request has invalid fields.' })
  detail!: string;

  @ApiProperty({ description: 'Stable machine-readable code', example: 'request.validation_failed' })
  code!: string;

  @ApiProperty({ description: 'Echoes the X-Request-Id response header' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'The fields at fault (400 only)' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'Identifies an unexpected error in the logs (500 only)' })
  errorId?: string;
}
