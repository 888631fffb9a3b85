import { And, EntityManager, EntityTarget, FindOperator, FindOptionsOrder, FindOptionsWhere, LessThan, MoreThanOrEqual, ObjectLiteral } from 'typeorm';
import { Page } from './pagination.dto';

/** One page of an entity's rows and the total that match: what every list endpoint returns. */
export async function findPage<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  where: FindOptionsWhere<T> | FindOptionsWhere<T>[],
  order: FindOptionsOrder<T>,
  page: { limit: number; offset: number },
): Promise<Page<T>> {
  const [items, total] = await manager.findAndCount(entity, { where, order, take: page.limit, skip: page.offset });
  return { items, total, limit: page.limit, offset: page.offset };
}

/** `from` inclusive, `to` exclusive (ISO times); undefined when neither is given. */
export function timeRange(from?: string, to?: string): FindOperator<Date> | undefined {
  if (from && to) return And(MoreThanOrEqual(new Date(from)), LessThan(new Date(to)));
  if (from) return MoreThanOrEqual(new Date(from));
  if (to) return LessThan(new Date(to));
  return undefined;
}
