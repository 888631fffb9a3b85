import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { keys, PAGE_SIZE } from '../../api/queries';
import { Field } from '../../common/Field';
import { PageHeader } from '../../common/PageHeader';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { Time } from '../../common/Time';

type EntityType = 'customer' | 'template' | 'trigger' | 'api-key' | 'replay';

/** Who changed what, newest first. */
export function AuditLog() {
  const [entityType, setEntityType] = useState<EntityType | ''>('');
  const [entityId, setEntityId] = useState('');
  const [offset, setOffset] = useState(0);
  const audit = useQuery({
    queryKey: [...keys.audit, entityType, entityId, offset],
    queryFn: () =>
      unwrap(
        api.GET('/audit-log', { params: { query: { entityType: entityType || undefined, entityId: entityId.trim() || undefined, offset, limit: PAGE_SIZE } } }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title="Audit log" />
      <div className="toolbar" role="search">
        <Field label="What">
          <select
            value={entityType}
            onChange={(e) => {
              setEntityType(e.target.value as EntityType | '');
              setOffset(0);
            }}
          >
            <option value="">Everything</option>
            <option value="customer">Customers</option>
            <option value="template">Templates</option>
            <option value="trigger">Triggers</option>
            <option value="api-key">API keys</option>
            <option value="replay">Replays</option>
          </select>
        </Field>
        <Field label="Id">
          <input
            value={entityId}
            onChange={(e) => {
              setEntityId(e.target.value);
              setOffset(0);
            }}
            spellCheck={false}
          />
        </Field>
      </div>
      <QueryState query={audit} isEmpty={(p) => p.items.length === 0} empty={<p>No changes recorded that match.</p>}>
        {(page) => (
          <>
            <table className="table">
              <caption className="visually-hidden">Audit log</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Did</th>
                  <th scope="col">To</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Time iso={e.at} />
                    </td>
                    <td>{e.actorName}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.entityType} <code>{e.entityId}</code>
                    </td>
                    <td className="wrap-anywhere small">{e.details ? JSON.stringify(e.details) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager label="Audit log" offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </QueryState>
    </>
  );
}
