import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, example: 50, description: 'Page size: at most this many items' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, example: 0, description: 'Items to skip: 0 for the first page, then limit, 2 × limit, …' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The paging half of a `Page<T>`, for the document: `ApiPageResponse(ItemDto)` adds the typed `items`. */
export class PageInfoDto {
  @ApiProperty({ type: 'integer', description: 'Items that match the filters, on every page together', example: 137 }) total!: number;
  @ApiProperty({ type: 'integer', description: 'The page size asked for', example: 50 }) limit!: number;
  @ApiProperty({ type: 'integer', description: 'Items skipped before this page', example: 0 }) offset!: number;
}
