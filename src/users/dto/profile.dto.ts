import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsLocale, IsString, IsTimeZone, IsUrl, Length, MaxLength } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import { type Availability, availabilityStatuses, type UserEntity } from '../entities/user.entity';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  emailVerified!: boolean;

  @ApiProperty()
  superAdmin!: boolean;

  @ApiProperty({ type: String, nullable: true })
  avatarUrl!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'en-US' })
  locale!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Europe/Paris' })
  timezone!: string | null;

  @ApiProperty({ enum: availabilityStatuses })
  availability!: Availability;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export const toUserDto = (u: UserEntity): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  emailVerified: u.emailVerified,
  superAdmin: u.superAdmin,
  avatarUrl: u.avatarUrl,
  locale: u.locale,
  timezone: u.timezone,
  availability: u.availability,
  createdAt: u.createdAt.toISOString(),
});

export class UpdateProfileDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'https URL, or null to clear' })
  @OptionalNullable()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2048)
  avatarUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'fr-FR', description: 'null clears it' })
  @OptionalNullable()
  @IsLocale()
  locale?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Paris', description: 'null clears it' })
  @OptionalNullable()
  @IsTimeZone()
  timezone?: string | null;
}

export class SetAvailabilityDto {
  @ApiProperty({ enum: availabilityStatuses })
  @IsIn(availabilityStatuses)
  availability!: Availability;
}
