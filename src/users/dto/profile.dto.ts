import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsLocale,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
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
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'https URL, or null to clear' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2048)
  avatarUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'fr-FR' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsLocale()
  locale?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Paris' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsTimeZone()
  timezone?: string | null;
}

export class SetAvailabilityDto {
  @ApiProperty({ enum: availabilityStatuses })
  @IsIn(availabilityStatuses)
  availability!: Availability;
}
