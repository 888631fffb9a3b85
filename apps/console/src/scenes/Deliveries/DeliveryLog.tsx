import { PageHeader } from '../../common/PageHeader';
import { DeliveryLogView } from './DeliveryLogView';
import { RecentReplays } from './RecentReplays';

/** Every delivery of every customer, filtered; and the bulk replays with their progress. */
export function DeliveryLog() {
  return (
    <>
      <PageHeader title="Deliveries" />
      <DeliveryLogView />
      <RecentReplays />
    </>
  );
}
