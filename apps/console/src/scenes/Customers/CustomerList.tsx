import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys, useCustomers } from '../../api/queries';
import { WriteButton } from '../../common/Button';
import { Dialog } from '../../common/Dialog';
import { Field } from '../../common/Field';
import { PageHeader } from '../../common/PageHeader';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { Time } from '../../common/Time';
import { useDebounced } from '../../common/useDebounced';
import { CustomerForm } from './CustomerForm';

/** Step 1 of the guide: the customer exists. A searchable, paged list, and Add customer. */
export function CustomerList() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [search, setSearch] = useState(q);
  const settled = useDebounced(search.trim(), 300);
  const customers = useCustomers(q, offset);
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const go = (next: { q: string; offset: number }) => {
    const p = new URLSearchParams();
    if (next.q) p.set('q', next.q);
    if (next.offset) p.set('offset', String(next.offset));
    setParams(p, { replace: true });
  };
  // The search goes into the URL once typing settles (so the list can be linked to), back to page one.
  useEffect(() => {
    if (settled !== q) go({ q: settled, offset: 0 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);

  return (
    <>
      <PageHeader
        title="Customers"
        actions={
          <WriteButton variant="primary" onClick={() => setAdding(true)}>
            Add customer
          </WriteButton>
        }
      />
      <div className="toolbar" role="search">
        <Field label="Search customers" hint="By name, id or external reference.">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
      </div>
      <QueryState
        query={customers}
        isEmpty={(d) => d.items.length === 0}
        empty={q ? <p>No customer matches “{q}”.</p> : <p>No customers yet. Add the first one: the customer must exist before its postbacks can be set up.</p>}
      >
        {(page) => (
          <>
            <table className="table">
              <caption className="visually-hidden">Customers</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Customer id</th>
                  <th scope="col">External reference</th>
                  <th scope="col">Contact</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                    </td>
                    <td>
                      <code>{c.id}</code>
                    </td>
                    <td>{c.externalRef ?? '—'}</td>
                    <td>{c.contactEmail ?? '—'}</td>
                    <td>
                      <Time iso={c.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager label="Customers" offset={page.offset} limit={page.limit} total={page.total} onChange={(o) => go({ q, offset: o })} />
          </>
        )}
      </QueryState>
      <Dialog open={adding} title="Add customer" onClose={() => setAdding(false)}>
        <CustomerForm
          submitLabel="Add customer"
          onSubmit={async (input) => {
            const created = await unwrap(api.POST('/customers', { body: input }));
            await queryClient.invalidateQueries({ queryKey: keys.customers });
            setAdding(false);
            void navigate(`/customers/${encodeURIComponent(created.id)}/triggers`);
          }}
        />
      </Dialog>
    </>
  );
}
