import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsBoolean, IsObject, IsString, MaxLength } from 'class-validator';
import { FLOW_PROBLEM_CODES, type FlowDocument, type FlowProblem } from '@/flows';
import { IsInt4, OptionalNotNull } from '@/common/validation/field-validators';
import { FLOW_DOCUMENT_INPUT_REF, FLOW_DOCUMENT_REF } from './chatbot.dto';

export class FlowProblemDto {
  @ApiProperty({ enum: FLOW_PROBLEM_CODES })
  code!: FlowProblem['code'];

  @ApiProperty({ enum: ['error', 'warning'], description: 'Errors block publishing; warnings do not' })
  severity!: FlowProblem['severity'];

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'JSON path of the field at fault, e.g. groups.0.blocks.2.options.url' })
  path?: string;

  @ApiPropertyOptional()
  groupId?: string;

  @ApiPropertyOptional()
  blockId?: string;

  @ApiPropertyOptional()
  edgeId?: string;

  @ApiPropertyOptional()
  eventId?: string;
}

export class SaveFlowDto {
  @ApiProperty({ allOf: [{ $ref: FLOW_DOCUMENT_INPUT_REF }] })
  @IsObject()
  flow!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The revision you edited (alternative to If-Match)' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt4({ min: 1 })
  revision?: number;

  @ApiPropertyOptional({
    type: [FlowProblemDto],
    readOnly: true,
    description: "Ignored: the draft's problems are computed. Accepted so a GET answer can be edited and PUT back.",
  })
  @Allow()
  problems?: unknown;
}

export class DraftFlowDto {
  @ApiProperty({ description: 'Also sent as the ETag header' })
  revision!: number;

  @ApiProperty({ allOf: [{ $ref: FLOW_DOCUMENT_REF }] })
  flow!: FlowDocument;

  @ApiProperty({ type: [FlowProblemDto], description: 'What stands between the draft and publishing' })
  problems!: FlowProblemDto[];
}

export class ValidationResultDto {
  @ApiProperty({ description: 'True when there is no error (warnings allowed)' })
  valid!: boolean;

  @ApiProperty({ type: [FlowProblemDto] })
  problems!: FlowProblemDto[];
}

export class ValidateFlowDto {
  @ApiPropertyOptional({
    allOf: [{ $ref: FLOW_DOCUMENT_INPUT_REF }],
    description: 'A flow to check; omitted: the saved draft',
  })
  @OptionalNotNull()
  @IsObject()
  flow?: Record<string, unknown>;
}

export class PublishDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RollbackDto extends PublishDto {
  @ApiPropertyOptional({ description: 'Also replace the draft with that version (default false)' })
  @OptionalNotNull()
  @IsBoolean()
  restoreDraft?: boolean;
}
