import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { OrganizationDto } from '@/users/dto/organization.dto';
import { UserDto } from '@/users/dto/profile.dto';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { orgRoles, type OrgRole } from '@/access/roles';

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: 10, maxLength: 128, description: 'At least 10 characters, not a common password' })
  @IsString()
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'Name of the new organization (required unless invitationToken is given)' })
  @ValidateIf((o: RegisterDto) => o.invitationToken === undefined)
  @IsString()
  @Length(2, 200)
  organizationName?: string;

  @ApiPropertyOptional({ description: 'Join an existing organization through an invitation instead' })
  @OptionalNotNull()
  @IsString()
  @Length(10, 200)
  invitationToken?: string;
}

export class LoginDto {
  @ApiProperty()
  @IsEmail()
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @ApiProperty({ minLength: 10, maxLength: 128 })
  @IsString()
  newPassword!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty()
  @IsEmail()
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  token!: string;

  @ApiProperty({ minLength: 10, maxLength: 128 })
  @IsString()
  newPassword!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Short-lived JWT; send as `Authorization: Bearer <token>`' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; exchange at /auth/refresh. Rotated on every use.' })
  refreshToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn!: number;
}

export class SessionDto extends TokenPairDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class RegisteredDto extends SessionDto {
  @ApiProperty({ type: OrganizationDto })
  organization!: OrganizationDto;
}

export class MembershipDto {
  @ApiProperty({ type: OrganizationDto })
  organization!: OrganizationDto;

  @ApiProperty({ enum: orgRoles })
  role!: OrgRole;
}

export class MeDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;

  @ApiProperty({ type: [MembershipDto] })
  memberships!: MembershipDto[];

  @ApiProperty({ enum: ['local', 'keycloak'], description: 'How this session signed in' })
  via!: 'local' | 'keycloak';
}
