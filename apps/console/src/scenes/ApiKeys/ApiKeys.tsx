import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { keys } from '../../api/queries';
import { useSession } from '../../auth/session';
import { Banner, ErrorBanner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { CopyButton } from '../../common/CopyButton';
import { Field, FieldSet } from '../../common/Field';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { Time } from '../../common/Time';

/** API keys: create one (shown once) and revoke. Admin keys only: a read-only key is told why it cannot see them. */
export function ApiKeys() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const list = useQuery({
    queryKey: [...keys.apiKeys, includeRevoked],
    queryFn: () => unwrap(api.GET('/api-keys', { params: { query: { includeRevoked } } })),
    enabled: me?.canWrite ?? false,
  });
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'admin' | 'read'>('read');
  const [piiRead, setPiiRead] = useState(false);
  const [created, setCreated] = useState<Schemas['ApiKeyDto']>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<Schemas['ApiKeyDto']>();

  const create = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    unwrap(api.POST('/api-keys', { body: { name: name.trim(), scopes: piiRead ? [scope, 'pii:read'] : [scope] } }))
      .then((k) => {
        setCreated(k);
        setName('');
        return queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <>
      <PageHeader title="API keys" />
      {!me?.canWrite ? (
        <Banner tone="info">API keys are managed with an admin key; yours is read-only.</Banner>
      ) : (
        <>
          <section aria-labelledby="new-key-title" className="card">
            <h2 id="new-key-title">Create a key</h2>
            <form onSubmit={create} noValidate className="form">
              <Field
                label="Name"
                required
                hint="Who or what uses it, e.g. “Support desk” or “CI deploy”."
                errors={error instanceof ApiError ? error.errorsFor('name') : []}
              >
                <input value={name} onChange={(e) => setName(e.target.value)} />
              </Field>
              <FieldSet legend="Access">
                <label className="radio">
                  <input type="radio" name="scope" checked={scope === 'read'} onChange={() => setScope('read')} /> Read-only: sees everything, changes nothing
                </label>
                <label className="radio">
                  <input type="radio" name="scope" checked={scope === 'admin'} onChange={() => setScope('admin')} /> Admin: can change everything, API keys
                  included
                </label>
              </FieldSet>
              <label className="checkbox">
                <input type="checkbox" checked={piiRead} onChange={(e) => setPiiRead(e.target.checked)} /> May reveal personal data in stored events (
                <code>pii:read</code>; every reveal is recorded in the audit log)
              </label>
              <ErrorBanner error={error} shownFields={(f) => f === 'name'} />
              <WriteButton type="submit" variant="primary" busy={busy}>
                Create key
              </WriteButton>
            </form>
            {created?.key && (
              <Banner tone="warning" title={`The key “${created.name}”, shown once.`}>
                <p>Store it now: only its first characters are kept visible.</p>
                <p className="secret-row">
                  <input
                    className="secret"
                    readOnly
                    value={created.key}
                    aria-label="New API key"
                    size={Math.min(created.key.length, 60)}
                    onFocus={(e) => e.target.select()}
                  />{' '}
                  <CopyButton value={created.key} label="Copy key" />
                </p>
              </Banner>
            )}
          </section>
          <section aria-labelledby="keys-title">
            <div className="section-header">
              <h2 id="keys-title">Keys</h2>
              <label className="checkbox">
                <input type="checkbox" checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.target.checked)} /> Show revoked keys
              </label>
            </div>
            <QueryState query={list} isEmpty={(l) => l.length === 0} empty={<p>No keys besides the bootstrap key from the configuration.</p>}>
              {(items) => (
                <table className="table">
                  <caption className="visually-hidden">API keys</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Access</th>
                      <th scope="col">Starts with</th>
                      <th scope="col">Created</th>
                      <th scope="col">Last used</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((k) => (
                      <tr key={k.id}>
                        <td>{k.name}</td>
                        <td>{k.scopes.join(', ')}</td>
                        <td>
                          <code>{k.keyPrefix}…</code>
                        </td>
                        <td>
                          <Time iso={k.createdAt} /> <span className="muted small">by {k.createdBy}</span>
                        </td>
                        <td>
                          <Time iso={k.lastUsedAt} />
                        </td>
                        <td>
                          {k.revokedAt ? (
                            <span>
                              Revoked <Time iso={k.revokedAt} />
                            </span>
                          ) : (
                            <WriteButton variant="danger" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                              Revoke
                            </WriteButton>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </QueryState>
          </section>
        </>
      )}
      <ConfirmDialog
        open={!!revoking}
        title={`Revoke “${revoking?.name}”?`}
        confirmLabel="Revoke key"
        onClose={() => setRevoking(undefined)}
        onConfirm={async () => {
          await unwrap(api.DELETE('/api-keys/{keyId}', { params: { path: { keyId: revoking?.id ?? '' } } }));
          await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
        }}
      >
        <p>It stops working at once, for everyone who uses it.</p>
      </ConfirmDialog>
    </>
  );
}
