import { Outlet, useOutletContext, useParams } from 'react-router';
import { useCustomer, type Customer } from '../../api/queries';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { TabNav } from '../../common/TabNav';

/** A customer's profile: its triggers, its own templates, its deliveries and its settings, each a tab with its own URL. */
export function CustomerProfile() {
  const { customerId = '' } = useParams();
  const customer = useCustomer(customerId);
  const base = `/customers/${encodeURIComponent(customerId)}`;
  return (
    <QueryState query={customer}>
      {(c) => (
        <>
          <PageHeader title={c.name} crumbs={[{ label: 'Customers', to: '/customers' }, { label: c.name }]}>
            <p className="subtitle">
              Customer id <code>{c.id}</code>
              {c.contactEmail && <> · {c.contactEmail}</>}
            </p>
          </PageHeader>
          <TabNav
            label="Customer profile"
            tabs={[
              { to: `${base}/triggers`, label: 'Triggers' },
              { to: `${base}/templates`, label: 'Templates' },
              { to: `${base}/deliveries`, label: 'Deliveries' },
              { to: `${base}/policies`, label: 'Objectives & data' },
              { to: `${base}/settings`, label: 'Settings' },
            ]}
          />
          <div className="tab-panel">
            <Outlet context={c} />
          </div>
        </>
      )}
    </QueryState>
  );
}

export function useProfileCustomer(): Customer {
  return useOutletContext<Customer>();
}
