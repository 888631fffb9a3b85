import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys, useDelivery, useEventTypeLabel, type Attempt } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { useSession } from '../../auth/session';
import { Button, WriteButton } from '../../common/Button';
import { formatDuration } from '../../common/format';
import { HeaderList, JsonBlock } from '../../common/JsonBlock';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

/** One delivery: every attempt with its request, response, timing and error, and replay. */
export function DeliveryDetail() {
  const { deliveryId = '' } = useParams();
  const delivery = useDelivery(deliveryId);
  const label = useEventTypeLabel();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  return (
    <QueryState query={delivery}>
      {(d) => {
        const cannotReplay = d.test
          ? 'Test deliveries are not replayed: run the test again.'
          : d.status === 'retrying'
            ? 'It is still being retried.'
            : d.status === 'queued'
              ? 'It waits behind an earlier delivery of the same order (per-order sequence).'
              : undefined;
        return (
          <>
            <PageHeader
              title={`${label(d.eventType)}: order ${d.orderId}`}
              crumbs={[{ label: 'Deliveries', to: '/deliveries' }, { label: d.deliveryId }]}
              actions={
                <WriteButton
                  variant="primary"
                  busy={busy}
                  disabled={!!cannotReplay}
                  title={cannotReplay}
                  onClick={() => {
                    setBusy(true);
                    setError(undefined);
                    unwrap(api.POST('/deliveries/{deliveryId}/replay', { params: { path: { deliveryId: d.deliveryId } } }))
                      .then((r) => {
                        setNotice(`Replay sent: it will be attempt ${r.attempt}, with the same webhook-id. It appears below when it is done.`);
                        return queryClient.invalidateQueries({ queryKey: keys.deliveries });
                      })
                      .catch(setError)
                      .finally(() => setBusy(false));
                  }}
                >
                  Replay
                </WriteButton>
              }
            >
              <p className="subtitle">
                <StatusBadge status={d.status} /> {d.test && <span className="badge badge-neutral">test</span>} Delivery <code>{d.deliveryId}</code> (the
                webhook-id header)
              </p>
            </PageHeader>
            {cannotReplay && <p className="muted">Replay: {cannotReplay}</p>}
            {notice && <Banner tone="success">{notice}</Banner>}
            <ErrorBanner error={error} title="Not replayed." />
            <dl className="facts">
              <div>
                <dt>Customer</dt>
                <dd>
                  <Link to={`/customers/${encodeURIComponent(d.customerId)}`}>{d.customerId}</Link>
                </dd>
              </div>
              <div>
                <dt>Trigger</dt>
                <dd>
                  <Link to={`/customers/${encodeURIComponent(d.customerId)}/triggers/${d.triggerId}`}>{d.triggerId}</Link>
                </dd>
              </div>
              <div>
                <dt>Event</dt>
                <dd>
                  <code>{d.eventId}</code>
                </dd>
              </div>
              <div>
                <dt>Channel</dt>
                <dd>{d.channel === 'http' ? 'URL' : 'Email'}</dd>
              </div>
              <div>
                <dt>First attempt</dt>
                <dd>
                  <Time iso={d.firstAttemptAt} />
                </dd>
              </div>
              <div>
                <dt>Next attempt</dt>
                <dd>{d.nextAttemptAt ? <Time iso={d.nextAttemptAt} /> : 'None scheduled'}</dd>
              </div>
            </dl>
            <StoredEvent deliveryId={d.deliveryId} live={!d.test} />
            <h2>Attempts ({d.attemptLog.length})</h2>
            <ol className="attempts">
              {d.attemptLog.map((a) => (
                <AttemptView key={a.attempt} attempt={a} />
              ))}
            </ol>
          </>
        );
      }}
    </QueryState>
  );
}

function AttemptView({ attempt: a }: { attempt: Attempt }) {
  return (
    <li className="attempt">
      <h3>
        Attempt {a.attempt}: <StatusBadge status={a.outcome} />
      </h3>
      <dl className="facts">
        <div>
          <dt>Started</dt>
          <dd>
            <Time iso={a.startedAt} />
          </dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatDuration(a.durationMs)}</dd>
        </div>
        <div>
          <dt>Since the event</dt>
          <dd>{formatDuration(a.endToEndMs)}</dd>
        </div>
        {a.error && (
          <div>
            <dt>Error</dt>
            <dd>
              <code>{a.error.code}</code> {a.error.message}
            </dd>
          </div>
        )}
        {a.nextAttemptAt && (
          <div>
            <dt>Next attempt</dt>
            <dd>
              <Time iso={a.nextAttemptAt} />
            </dd>
          </div>
        )}
      </dl>
      <details open={a.outcome !== 'delivered'}>
        <summary>Request and response</summary>
        <div className="two-columns">
          <div>
            <h4>Request</h4>
            {a.request ? (
              <>
                <p className="wrap-anywhere">
                  <code>
                    {a.request.method ?? ''} {a.request.url}
                  </code>{' '}
                  {a.request.bytes !== null && <span className="muted">({a.request.bytes} bytes)</span>}
                </p>
                {a.request.headers ? (
                  <HeaderList headers={a.request.headers} label="Request headers" />
                ) : (
                  <p className="muted">Headers are recorded for tests only.</p>
                )}
                {a.request.body !== undefined ? (
                  <JsonBlock value={a.request.body} label="Request body" />
                ) : (
                  <p className="muted">The body is recorded for tests only.</p>
                )}
              </>
            ) : (
              <p className="muted">Nothing was sent.</p>
            )}
          </div>
          <div>
            <h4>Response</h4>
            {a.response ? (
              <>
                <p>
                  Status <strong>{a.response.status}</strong>
                </p>
                <HeaderList headers={a.response.headers} label="Response headers" />
                <JsonBlock value={a.response.bodyExcerpt} label="Response body (start)" />
              </>
            ) : (
              <p className="muted">No response.</p>
            )}
          </div>
        </div>
      </details>
    </li>
  );
}

/**
 * The order event the delivery sent, as kept for replays: personal data masked (the customer's
 * piiPaths) unless a key with the pii:read scope reveals it, which the audit log records.
 */
function StoredEvent({ deliveryId, live }: { deliveryId: string; live: boolean }) {
  const { me } = useSession();
  const canReveal = me?.scopes.includes('pii:read') ?? false;
  const [shown, setShown] = useState<{ masked: boolean; event: unknown }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const load = (reveal: boolean) => {
    setBusy(true);
    setError(undefined);
    unwrap(api.GET('/deliveries/{deliveryId}/event', { params: { path: { deliveryId }, query: { reveal } } }))
      .then(setShown)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="stored-event-title">
      <h2 id="stored-event-title">Order event</h2>
      {!shown && (
        <p>
          <Button busy={busy} onClick={() => load(false)}>
            Show the event
          </Button>{' '}
          <span className="muted">Personal data is masked as ***{live ? '' : ' (a test event: samples or fixtures)'}.</span>
        </p>
      )}
      <ErrorBanner error={error} title="The event cannot be shown." />
      {shown && (
        <>
          <p className="muted">
            {shown.masked ? 'Personal data masked as ***.' : 'Unmasked: this reveal is recorded in the audit log under your key.'}{' '}
            {shown.masked && canReveal && (
              <Button busy={busy} onClick={() => load(true)}>
                Reveal personal data
              </Button>
            )}
          </p>
          <JsonBlock value={JSON.stringify(shown.event, null, 2)} label="The event as stored" />
        </>
      )}
    </section>
  );
}
