import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length } from 'class-validator';
import { type OrgRole, orgRoles } from '@/access/roles';
import type { InvitationEntity } from '../entities/invitation.entity';

export const invitationStatuses = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

export const invitationStatus = (i: InvitationEntity, now = new Date()): InvitationStatus =>
  i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : i.expiresAt <= now ? 'expired' : 'pending';

export class CreateInvitationDto {
  @ApiProperty({ example: 'new.agent@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty({ enum: orgRoles })
  @IsIn(orgRoles)
  role!: OrgRole;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: orgRoles })
  role!: OrgRole;

  @ApiProperty({ enum: invitationStatuses })
  status!: InvitationStatus;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CreatedInvitationDto extends InvitationDto {
  @ApiProperty({ description: 'Shown once: send it to the invitee (it is also emailed when email is configured)' })
  token!: string;
}

export const toInvitationDto = (i: InvitationEntity): InvitationDto => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: invitationStatus(i),
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
});

export class AcceptInvitationDto {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  token!: string;
}
