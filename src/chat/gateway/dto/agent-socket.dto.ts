import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsString, IsUUID, Length } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { AssignDto, HandbackDto, MAX_MENTIONS, SetStatusDto, UpdateConversationDto } from '../../dto/conversation.dto';
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

  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_MENTIONS)
  @IsUUID('all', { each: true })
  mentions?: string[];
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

/** Socket twins of the REST actions (`POST /conversations/{id}/…`): the same fields and the conversation. */
export class AgentAssignDto extends AssignDto {
  @IsUUID()
  conversationId!: string;
}

export class AgentSetStatusDto extends SetStatusDto {
  @IsUUID()
  conversationId!: string;
}

export class AgentUpdateDto extends UpdateConversationDto {
  @IsUUID()
  conversationId!: string;
}

export class AgentHandbackDto extends HandbackDto {
  @IsUUID()
  conversationId!: string;
}
