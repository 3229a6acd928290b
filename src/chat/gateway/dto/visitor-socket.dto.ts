import { IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { MaxJsonBytes, VISITOR_INPUT_LIMITS } from '@/executions/dto/visitor-input-limits';

/** `message.send` on `/visitor`: the same fields as `POST /sessions/{id}/messages` (no file uploads). */
export class VisitorSendDto {
  @IsString()
  @Length(1, 100)
  clientMessageId!: string;

  @OptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  text?: string;

  @OptionalNotNull()
  @MaxJsonBytes(VISITOR_INPUT_LIMITS.valueBytes)
  value?: unknown;

  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  command?: string;
}

export class VisitorReadDto {
  @IsUUID()
  messageId!: string;
}

export class VisitorSyncDto {
  @OptionalNotNull()
  @IsUUID()
  after?: string;
}
