import { Injectable } from '@nestjs/common';
import { OrderEventType } from '@postback/contracts';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { NotFoundError } from '../common/domain.errors';
import { Page } from '../common/pagination.dto';
import { DeliveryAttemptEntity, DeliveryEntity, DeliveryStatus } from './delivery.entity';
import { findPage, timeRange } from '../common/page-queries';

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
    const lastAttemptAt = timeRange(q.from, q.to);
    if (lastAttemptAt) where.lastAttemptAt = lastAttemptAt;
    return findPage(this.db.manager, DeliveryEntity, where, { lastAttemptAt: 'DESC', deliveryId: 'ASC' }, q);
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
