import { Injectable } from '@nestjs/common';
import { OrderEventType } from '@postback/contracts';
import { And, DataSource, FindOptionsWhere, LessThan, MoreThanOrEqual } from 'typeorm';
import { NotFoundError } from '../common/domain.errors';
import { Page } from '../common/pagination.dto';
import { DeliveryAttemptEntity, DeliveryEntity, DeliveryStatus } from './delivery.entity';

export interface DeliveryQuery {
  customerId?: string;
  triggerId?: string;
  eventType?: OrderEventType;
  status?: DeliveryStatus;
  eventId?: string;
  test?: boolean;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** The delivery log: every delivery with its latest outcome, and every attempt of one. */
@Injectable()
export class DeliveriesService {
  constructor(private readonly db: DataSource) {}

  async list(q: DeliveryQuery): Promise<Page<DeliveryEntity>> {
    const where: FindOptionsWhere<DeliveryEntity> = {};
    if (q.customerId) where.customerId = q.customerId;
    if (q.triggerId) where.triggerId = q.triggerId;
    if (q.eventType) where.eventType = q.eventType;
    if (q.status) where.status = q.status;
    if (q.eventId) where.eventId = q.eventId;
    if (q.test !== undefined) where.test = q.test;
    if (q.from && q.to) where.lastAttemptAt = And(MoreThanOrEqual(new Date(q.from)), LessThan(new Date(q.to)));
    else if (q.from) where.lastAttemptAt = MoreThanOrEqual(new Date(q.from));
    else if (q.to) where.lastAttemptAt = LessThan(new Date(q.to));
    const [items, total] = await this.db.manager.findAndCount(DeliveryEntity, {
      where,
      order: { lastAttemptAt: 'DESC', deliveryId: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async get(deliveryId: string): Promise<{ delivery: DeliveryEntity; attempts: DeliveryAttemptEntity[] }> {
    const delivery = await this.find(deliveryId);
    if (!delivery) throw new NotFoundError('delivery', deliveryId);
    return { delivery, attempts: await this.attempts(deliveryId) };
  }

  find(deliveryId: string): Promise<DeliveryEntity | null> {
    return this.db.manager.findOneBy(DeliveryEntity, { deliveryId });
  }

  attempts(deliveryId: string): Promise<DeliveryAttemptEntity[]> {
    return this.db.manager.find(DeliveryAttemptEntity, { where: { deliveryId }, order: { attempt: 'ASC' } });
  }
}
