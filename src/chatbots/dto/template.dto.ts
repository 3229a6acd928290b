import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import type { FlowDocument } from '@/flows';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { FLOW_DOCUMENT_INPUT_REF, FLOW_DOCUMENT_REF } from './chatbot.dto';

export class TemplateSummaryDto {
  @ApiProperty({
    description: 'Built-in templates have readable ids (`lead-capture`); organization templates have UUIDs',
  })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty()
  category!: string;

  @ApiProperty()
  builtIn!: boolean;
}

export class TemplateDto extends TemplateSummaryDto {
  @ApiProperty({ allOf: [{ $ref: FLOW_DOCUMENT_REF }] })
  flow!: FlowDocument;
}

export class CreateTemplateDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'support' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  category?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Save this chatbot's draft as the template" })
  @OptionalNotNull()
  @IsUUID()
  chatbotId?: string;

  @ApiPropertyOptional({ allOf: [{ $ref: FLOW_DOCUMENT_INPUT_REF }], description: 'Or give the flow itself' })
  @OptionalNotNull()
  @IsObject()
  flow?: Record<string, unknown>;
}
