import { CustomerEntity } from '../customers/customer.entity';
import { OutboxRecordEntity } from '../outbox/outbox-record.entity';
import { TemplateEntity, TemplateVersionEntity } from '../templates/template.entity';
import { TriggerEntity } from '../triggers/trigger.entity';

export const ENTITIES = [CustomerEntity, TemplateEntity, TemplateVersionEntity, TriggerEntity, OutboxRecordEntity];
