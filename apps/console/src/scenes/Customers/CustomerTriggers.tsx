import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTriggers } from '../../api/queries';
import { WriteButton } from '../../common/Button';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { TriggerTable } from '../Triggers/TriggerTable';
import { useProfileCustomer } from './CustomerProfile';

/** The Triggers tab: what this customer is told about, and Add Trigger (the guide's step 3). */
export function CustomerTriggers() {
  const customer = useProfileCustomer();
  const [offset, setOffset] = useState(0);
  const triggers = useTriggers(customer.id, offset);
  const navigate = useNavigate();
  return (
    <section aria-labelledby="triggers-title">
      <div className="section-header">
        <h2 id="triggers-title">Triggers</h2>
        <WriteButton variant="primary" onClick={() => void navigate(`/customers/${encodeURIComponent(customer.id)}/triggers/new`)}>
          Add Trigger
        </WriteButton>
      </div>
      <QueryState
        query={triggers}
        isEmpty={(p) => p.items.length === 0}
        empty={<p>No triggers yet. Add a trigger to tell {customer.name} about its orders: pick the events, where to send them, and the template.</p>}
      >
        {(page) => (
          <>
            <TriggerTable triggers={page.items} customerId={customer.id} />
            <Pager label="Triggers" offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}
