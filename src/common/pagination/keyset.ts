import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../validation/field-validators';

/** Page size of every list: 1–100, default 20. */
export class LimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

/**
 * Keyset pagination over UUIDv7 ids (time-ordered): `WHERE id > :cursor ORDER BY id LIMIT :limit`.
 * Stable under concurrent inserts, and every page costs the same.
 */
export class PageQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page', format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` rows fetched in id order. */
export function toPage<R extends { id: string }, T>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { items: pageRows.map(map), nextCursor: hasMore ? (pageRows[pageRows.length - 1]?.id ?? null) : null };
}

/** OpenAPI: `PageOf(UserDto)` documents `{ items: UserDto[], nextCursor }`. */
export function PageOf<T>(item: new () => T): new () => Page<T> {
  class PageDto {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Pass as `cursor` for the next page' })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  return PageDto;
}
