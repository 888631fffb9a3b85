import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTemplates } from '../../api/queries';
import { WriteButton } from '../../common/Button';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { TemplateTable } from '../Templates/TemplateTable';
import { useProfileCustomer } from './CustomerProfile';

/** The customer's own templates (the guide's option 2); global ones live in the Templates section. */
export function CustomerTemplates() {
  const customer = useProfileCustomer();
  const [offset, setOffset] = useState(0);
  const templates = useTemplates(customer.id, offset);
  const navigate = useNavigate();
  const base = `/customers/${encodeURIComponent(customer.id)}/templates`;
  return (
    <section aria-labelledby="templates-title">
      <div className="section-header">
        <h2 id="templates-title">Templates of {customer.name}</h2>
        <WriteButton variant="primary" onClick={() => void navigate(`${base}/new`)}>
          Add Template
        </WriteButton>
      </div>
      <p className="muted">Only this customer&apos;s triggers can use these. Templates for everyone are in the Templates section.</p>
      <QueryState query={templates} isEmpty={(p) => p.items.length === 0} empty={<p>This customer has no templates of its own yet.</p>}>
        {(page) => (
          <>
            <TemplateTable templates={page.items} linkTo={(t) => `${base}/${t.id}`} />
            <Pager label="Templates" offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </QueryState>
    </section>
  );
}
