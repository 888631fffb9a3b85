import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTemplates } from '../../api/queries';
import { WriteButton } from '../../common/Button';
import { Field } from '../../common/Field';
import { PageHeader } from '../../common/PageHeader';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { TemplateTable } from './TemplateTable';

/** The Templates section (the guide's option 1): templates any customer's triggers can use, and Add Template. */
export function TemplateList() {
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'all' ? 'all' : 'global';
  const [offset, setOffset] = useState(0);
  const templates = useTemplates(scope === 'all' ? undefined : 'global', offset);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Templates"
        actions={
          <WriteButton variant="primary" onClick={() => void navigate('/templates/new')}>
            Add Template
          </WriteButton>
        }
      />
      <p>
        A template turns an order event into the customer&apos;s format. Build it with the Template Mapper from a sample payload, or write it in Eta, and
        preview the output as you go.
      </p>
      <div className="toolbar">
        <Field label="Show">
          <select
            value={scope}
            onChange={(e) => {
              setOffset(0);
              setParams(e.target.value === 'all' ? { scope: 'all' } : {}, { replace: true });
            }}
          >
            <option value="global">Templates for every customer</option>
            <option value="all">Also customers&apos; own templates</option>
          </select>
        </Field>
      </div>
      <QueryState query={templates} isEmpty={(p) => p.items.length === 0} empty={<p>No templates yet. Add Template to create the first one.</p>}>
        {(page) => (
          <>
            <TemplateTable
              templates={page.items}
              linkTo={(t) => (t.customerId ? `/customers/${encodeURIComponent(t.customerId)}/templates/${t.id}` : `/templates/${t.id}`)}
            />
            <Pager label="Templates" offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </QueryState>
    </>
  );
}
