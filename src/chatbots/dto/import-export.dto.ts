import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FlowDocument } from '@/flows';
import { ChatbotDto, FLOW_DOCUMENT_REF } from './chatbot.dto';

export class NotRunnableBlockDto {
  @ApiProperty()
  blockId!: string;

  @ApiProperty({ description: 'The Typebot block type' })
  type!: string;

  @ApiProperty()
  reason!: string;
}

export class UndeclaredVariableDto {
  @ApiProperty()
  variableId!: string;

  @ApiProperty({ description: 'The name Parley gave it (its id)' })
  name!: string;

  @ApiProperty({ type: [String], description: 'The blocks (or event:<id>) that use it' })
  usedBy!: string[];
}

export class TypebotImportReportDto {
  @ApiProperty()
  blocksImported!: number;

  @ApiProperty({ type: [NotRunnableBlockDto], description: 'Kept in the flow but must be replaced before publishing' })
  notRunnable!: NotRunnableBlockDto[];

  @ApiProperty({
    type: [UndeclaredVariableDto],
    description: 'Variable ids the export uses but does not declare (Typebot runs them empty): declared by the import',
  })
  undeclaredVariables!: UndeclaredVariableDto[];

  @ApiProperty({ type: [String] })
  warnings!: string[];
}

export class TypebotImportResultDto {
  @ApiProperty({ type: ChatbotDto })
  chatbot!: ChatbotDto;

  @ApiProperty({ type: TypebotImportReportDto })
  report!: TypebotImportReportDto;
}

export class ParleyExportDto {
  @ApiProperty({ enum: ['parley.flow'] })
  format!: 'parley.flow';

  @ApiProperty({ example: 1 })
  formatVersion!: number;

  @ApiProperty()
  name!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ allOf: [{ $ref: FLOW_DOCUMENT_REF }] })
  flow!: FlowDocument;
}
