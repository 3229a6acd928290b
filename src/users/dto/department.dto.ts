import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { DepartmentEntity } from '../entities/department.entity';

export class CreateDepartmentDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: 'Billing' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class UpdateDepartmentDto extends PartialType(CreateDepartmentDto) {}

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
