import { IsBoolean, IsIn, IsString, IsUUID, Length } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { presenceStatuses, type PresenceStatus } from '../../presence.service';

export class ConversationRefDto {
  @IsUUID()
  conversationId!: string;
}

export class AgentSendDto extends ConversationRefDto {
  @IsString()
  @Length(1, 100)
  clientMessageId!: string;

  @IsString()
  @Length(1, 10_000)
  text!: string;

  @OptionalNotNull()
  @IsBoolean()
  private?: boolean;
}

export class AgentReadDto extends ConversationRefDto {
  @IsUUID()
  messageId!: string;
}

export class AgentSyncDto extends ConversationRefDto {
  @OptionalNotNull()
  @IsUUID()
  after?: string;
}

export class PresenceSetDto {
  @IsIn(presenceStatuses)
  status!: PresenceStatus;
}
