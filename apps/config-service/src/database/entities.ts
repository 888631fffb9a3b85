import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { BackfillEntity } from '../backfills/backfill.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { DeliveryAttemptEntity, DeliveryEntity } from '../deliveries/delivery.entity';
import { OutboxRecordEntity } from '../outbox/outbox-record.entity';
import { ReplayJobEntity } from '../replays/replay-job.entity';
import { TemplateEntity, TemplateVersionEntity } from '../templates/template.entity';
import { TriggerFixtureEntity } from '../fixtures/trigger-fixture.entity';
import { TriggerRevisionEntity } from '../triggers/trigger-revision.entity';
import { TriggerEntity } from '../triggers/trigger.entity';

export const ENTITIES = [
  CustomerEntity,
  TemplateEntity,
  TemplateVersionEntity,
  TriggerEntity,
  TriggerRevisionEntity,
  TriggerFixtureEntity,
  OutboxRecordEntity,
  ApiKeyEntity,
  AuditEntryEntity,
  DeliveryEntity,
  DeliveryAttemptEntity,
  ReplayJobEntity,
  BackfillEntity,
];
