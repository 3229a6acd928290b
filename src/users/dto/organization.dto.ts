import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { OrganizationEntity } from '../entities/organization.entity';

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({
    description: 'Unique URL-safe handle; matches Keycloak organization aliases and `/orgs/<slug>/…` groups',
  })
  slug!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  suspendedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export const toOrganizationDto = (o: OrganizationEntity): OrganizationDto => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  suspendedAt: o.suspendedAt?.toISOString() ?? null,
  createdAt: o.createdAt.toISOString(),
});

export class CreateOrganizationDto {
  @ApiProperty({ minLength: 2, maxLength: 200, example: 'Acme Support' })
  @IsString()
  @Length(2, 200)
  name!: string;
}

export class UpdateOrganizationDto extends CreateOrganizationDto {}
