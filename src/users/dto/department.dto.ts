import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import type { DepartmentEntity } from '../entities/department.entity';

export class CreateDepartmentDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: 'Billing' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class UpdateDepartmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 1000, nullable: true, description: 'null clears it' })
  @OptionalNullable()
  @IsString()
  @MaxLength(1000)
  description?: string | null;
}

export class DepartmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty()
  memberCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export const toDepartmentDto = (d: DepartmentEntity, memberCount: number): DepartmentDto => ({
  id: d.id,
  name: d.name,
  description: d.description,
  memberCount,
  createdAt: d.createdAt.toISOString(),
});
