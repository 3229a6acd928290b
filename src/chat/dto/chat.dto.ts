import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { assignmentStrategies, type AssignmentStrategy } from '../entities/chat-settings.entity';
import { presenceStatuses, type PresenceStatus } from '../presence.service';

export class ChatSettingsDto {
  @ApiProperty({ enum: assignmentStrategies })
  @IsIn(assignmentStrategies)
  assignmentStrategy!: AssignmentStrategy;

  @ApiProperty({ minimum: 0, maximum: 1000, description: 'Open conversations per agent unless set per agent' })
  @IsInt()
  @Min(0)
  @Max(1000)
  defaultCapacity!: number;
}

export class PresenceDto {
  @ApiProperty({ enum: presenceStatuses })
  @IsIn(presenceStatuses)
  status!: PresenceStatus;
}

export class PresenceStateDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: presenceStatuses })
  status!: PresenceStatus;

  @ApiProperty({ description: 'Seconds a presence lasts without a heartbeat' })
  ttlSeconds!: number;
}

export class AgentDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: ['agent', 'org_admin'] })
  role!: string;

  @ApiProperty({ enum: presenceStatuses })
  presence!: PresenceStatus;

  @ApiProperty({ description: 'Open conversations assigned to them' })
  openCount!: number;

  @ApiProperty()
  capacity!: number;
}

export class AgentListDto {
  @ApiProperty({ type: [AgentDto] })
  items!: AgentDto[];
}
