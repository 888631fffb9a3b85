import { Foundation1795850055633 } from './1795850055633-Foundation';
import { OperatorWorkflow1795853979931 } from './1795853979931-OperatorWorkflow';
import { ReliableDelivery1795855021004 } from './1795855021004-ReliableDelivery';
import { ConsoleSupport1796027512145 } from './1796027512145-ConsoleSupport';
import { TriggerRevisions1796200000000 } from './1796200000000-TriggerRevisions';
import { OutputSchema1796200000001 } from './1796200000001-OutputSchema';
import { TriggerFixtures1796200000002 } from './1796200000002-TriggerFixtures';
import { SecretsKeyCheck1796300000001 } from './1796300000001-SecretsKeyCheck';
import { DataLifecycle1796300000002 } from './1796300000002-DataLifecycle';
import { AttemptTraceId1796300000003 } from './1796300000003-AttemptTraceId';
import { OrderAware1796400000001 } from './1796400000001-OrderAware';
import { Backfills1796400000002 } from './1796400000002-Backfills';

/** Every migration, in order. Generated with the TypeORM CLI, reviewed, never edited once landed. */
export const MIGRATIONS = [
  Foundation1795850055633,
  OperatorWorkflow1795853979931,
  ReliableDelivery1795855021004,
  ConsoleSupport1796027512145,
  TriggerRevisions1796200000000,
  OutputSchema1796200000001,
  TriggerFixtures1796200000002,
  SecretsKeyCheck1796300000001,
  DataLifecycle1796300000002,
  AttemptTraceId1796300000003,
  OrderAware1796400000001,
  Backfills1796400000002,
];
