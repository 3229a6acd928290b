import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { type OrgRole, orgRoles } from '@/access/roles';
import type { MemberRow } from '../memberships.repository';

export class MemberDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: orgRoles })
  role!: OrgRole;

  @ApiProperty({ enum: ['local', 'keycloak'], description: 'keycloak: synced from SSO on each sign-in' })
  source!: 'local' | 'keycloak';

  @ApiProperty({ type: String, nullable: true })
  avatarUrl!: string | null;

  @ApiProperty({ enum: ['online', 'away', 'offline'] })
  availability!: string;

  @ApiProperty({ format: 'date-time' })
  joinedAt!: string;
}

export const toMemberDto = (m: MemberRow): MemberDto => ({
  userId: m.userId,
  email: m.email,
  name: m.name,
  role: m.role,
  source: m.source,
  avatarUrl: m.avatarUrl,
  availability: m.availability,
  joinedAt: new Date(m.createdAt).toISOString(),
});

export class ChangeRoleDto {
  @ApiProperty({ enum: orgRoles })
  @IsIn(orgRoles)
  role!: OrgRole;
}
