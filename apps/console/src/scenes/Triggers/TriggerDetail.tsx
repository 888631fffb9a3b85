import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import {
  keys,
  useCustomer,
  useEventTypeLabel,
  useTemplate,
  useTrigger,
  useTriggerFixtures,
  type OrderEventType,
  type TestFireResult,
  type Trigger,
} from '../../api/queries';
import { SampleTypeField } from './SampleTypeField';
import { TriggerBackfills } from './TriggerBackfills';
import { TriggerChecks } from './TriggerChecks';
import { TriggerPreview } from './TriggerPreview';
import { TriggerRevisions } from './TriggerRevisions';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button, WriteButton } from '../../common/Button';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { Dialog } from '../../common/Dialog';
import { Field } from '../../common/Field';
import { formatDuration } from '../../common/format';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';
import { DeliveryLogView } from '../Deliveries/DeliveryLogView';
import { SigningSecretNotice } from './SigningSecretNotice';
import { TestResultView } from './TestResultView';
import { destinationOf, TemplateName } from './TriggerTable';
import { OUT_OF_ORDER_LABELS } from './AddTrigger/steps/OutOfOrderField';

/** One trigger: what it does, test it, pause and resume it, its signing secret, and its deliveries. */
export function TriggerDetail() {
  const { customerId = '', triggerId = '' } = useParams();
  const trigger = useTrigger(customerId, triggerId);
  return <QueryState query={trigger}>{(t) => <TriggerView trigger={t} />}</QueryState>;
}

function TriggerView({ trigger: t }: { trigger: Trigger }) {
  const customer = useCustomer(t.customerId);
  const template = useTemplate(t.templateId);
  const label = useEventTypeLabel();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | undefined>((location.state as { notice?: string } | null)?.notice);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [secret, setSecret] = useState<{ value: string; rotated: boolean; previousUntil?: string | null }>();
  const [testType, setTestType] = useState<OrderEventType>(t.eventTypes[0]);
  const [testResult, setTestResult] = useState<TestFireResult>();
  const [confirm, setConfirm] = useState<'delete' | 'rotate' | 'reveal'>();
  const [grace, setGrace] = useState('86400');
  const [rotateError, setRotateError] = useState<unknown>();
  const [rotating, setRotating] = useState(false);
  const path = { customerId: t.customerId, triggerId: t.id };
  const base = `/customers/${encodeURIComponent(t.customerId)}`;

  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.triggers(t.customerId) });
  const act = async (what: string, fn: () => Promise<unknown>, done?: string) => {
    setBusy(what);
    setError(undefined);
    setNotice(undefined);
    try {
      await fn();
      await refresh();
      if (done) setNotice(done);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const fixtureCount = useTriggerFixtures(t.customerId, t.id).data?.length ?? 0;
  const canActivate = t.testedCurrentConfig;
  const activateChanges = () =>
    void act(
      'activate',
      () => unwrap(api.POST('/customers/{customerId}/triggers/{triggerId}/activate', { params: { path }, body: {} })),
      'Changes activated: matching order events are now sent with them.',
    );
  return (
    <>
      <PageHeader
        title={t.name}
        crumbs={[{ label: 'Customers', to: '/customers' }, { label: customer.data?.name ?? t.customerId, to: `${base}/triggers` }, { label: t.name }]}
        actions={
          <>
            <WriteButton onClick={() => void navigate(`${base}/triggers/${t.id}/edit`)}>Edit</WriteButton>
            {t.status === 'active' && t.pendingChanges && (
              <WriteButton
                variant="primary"
                busy={busy === 'activate'}
                disabled={!canActivate}
                title={canActivate ? undefined : 'Run a passing test of the changes first.'}
                onClick={activateChanges}
              >
                Activate changes
              </WriteButton>
            )}
            {t.status === 'active' ? (
              <WriteButton
                busy={busy === 'pause'}
                onClick={() =>
                  void act(
                    'pause',
                    () => unwrap(api.POST('/customers/{customerId}/triggers/{triggerId}/pause', { params: { path } })),
                    'Paused: nothing is sent until it is resumed.',
                  )
                }
              >
                Pause
              </WriteButton>
            ) : (
              <WriteButton
                variant="primary"
                busy={busy === 'activate'}
                disabled={!canActivate}
                title={canActivate ? undefined : 'Run a passing test of the current configuration first.'}
                onClick={() =>
                  void act(
                    'activate',
                    () => unwrap(api.POST('/customers/{customerId}/triggers/{triggerId}/activate', { params: { path }, body: {} })),
                    t.status === 'paused' ? 'Resumed: matching order events are delivered again.' : 'Activated.',
                  )
                }
              >
                {t.status === 'paused' ? 'Resume' : 'Activate'}
              </WriteButton>
            )}
            <WriteButton variant="danger" onClick={() => setConfirm('delete')}>
              Delete
            </WriteButton>
          </>
        }
      >
        <p className="subtitle">
          <StatusBadge status={t.status} /> <code>{t.id}</code>
          {t.liveRevision !== null && <> · live revision {t.liveRevision}</>}
          {t.draftRevision !== null && <> · draft revision {t.draftRevision}</>}
        </p>
      </PageHeader>
      {t.pausedReason && (
        <Banner tone="warning" title="Paused by the platform.">
          {t.pausedReason}
        </Banner>
      )}
      {t.pendingChanges && (
        <Banner tone="warning" title="Changes waiting for a test.">
          Live order events are still sent with revision {t.liveRevision}
          {t.liveTemplateVersion !== null && <> and template version {t.liveTemplateVersion}</>}. The configuration below
          {t.templateVersion === null && t.liveTemplateVersion !== null && t.latestTemplateVersion > t.liveTemplateVersion && (
            <> (with the template&apos;s newer version {t.latestTemplateVersion})</>
          )}{' '}
          goes live when {canActivate ? 'you activate it: its test passed.' : 'it has passed a test below and you activate it.'}
        </Banner>
      )}
      {t.status !== 'active' && !canActivate && (
        <Banner tone="info">{t.status === 'paused' ? 'To resume' : 'To activate'} this trigger, run a passing test of its current configuration below.</Banner>
      )}
      {notice && <Banner tone="success">{notice}</Banner>}
      <ErrorBanner error={error} />
      {secret && <SigningSecretNotice secret={secret.value} rotated={secret.rotated} previousUntil={secret.previousUntil} />}

      <section aria-labelledby="summary-title">
        <h2 id="summary-title">Configuration</h2>
        <dl className="facts">
          <div>
            <dt>Events</dt>
            <dd>{t.eventTypes.map(label).join(', ')}</dd>
          </div>
          <div>
            <dt>Delivered to</dt>
            <dd className="wrap-anywhere">{t.channel === 'http' ? `${t.method} ${t.url}` : destinationOf(t)}</dd>
          </div>
          {t.channel === 'email' && (
            <div>
              <dt>Subject</dt>
              <dd>
                <code>{t.email?.subject}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>Template</dt>
            <dd>
              <Link
                to={
                  template.data?.customerId
                    ? `/customers/${encodeURIComponent(template.data.customerId)}/templates/${t.templateId}`
                    : `/templates/${t.templateId}`
                }
              >
                <TemplateName id={t.templateId} />
              </Link>{' '}
              {t.templateVersion ? `(pinned to v${t.templateVersion})` : '(latest version)'}
            </dd>
          </div>
          <div>
            <dt>Retry on failure</dt>
            <dd>{t.retryOnFailure ? `Yes, up to ${t.maxAttempts} attempts` : 'No'}</dd>
          </div>
          <div>
            <dt>Timeout</dt>
            <dd>{formatDuration(t.timeoutMs)}</dd>
          </div>
          <div>
            <dt>Order of postbacks</dt>
            <dd>
              {t.ordering === 'per-order'
                ? `In sequence per order (a blocked order stops waiting after ${formatDuration(t.orderingMaxWaitSeconds * 1000)} or ${t.orderingMaxQueued} waiting)`
                : 'As they come'}
            </dd>
          </div>
          <div>
            <dt>Out-of-order events</dt>
            <dd>{OUT_OF_ORDER_LABELS[t.outOfOrder]}</dd>
          </div>
          {Object.keys(t.headers).length > 0 && (
            <div>
              <dt>Extra headers</dt>
              <dd>{Object.keys(t.headers).join(', ')}</dd>
            </div>
          )}
          <div>
            <dt>Last test</dt>
            <dd>
              {t.lastTest ? (
                <>
                  <StatusBadge status={t.lastTest.outcome} /> <Time iso={t.lastTest.at} />{' '}
                  {t.testedCurrentConfig ? '(this configuration)' : '(an earlier configuration)'}
                </>
              ) : (
                'Never tested'
              )}
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="test-title">
        <h2 id="test-title">Test</h2>
        {fixtureCount > 0 && (
          <p>A test sends {fixtureCount === 1 ? 'the fixture' : `each of the ${fixtureCount} fixtures`} below and checks what comes back.</p>
        )}
        <div className="toolbar">
          {fixtureCount === 0 && <SampleTypeField label="Test with the sample of" types={t.eventTypes} value={testType} onChange={setTestType} />}
          <WriteButton
            busy={busy === 'test'}
            onClick={() =>
              void act('test', async () =>
                setTestResult(
                  await unwrap(
                    api.POST('/customers/{customerId}/triggers/{triggerId}/test', { params: { path }, body: fixtureCount > 0 ? {} : { eventType: testType } }),
                  ),
                ),
              )
            }
          >
            Run test
          </WriteButton>
        </div>
        <TriggerPreview trigger={t} eventType={testType} />
        {testResult && <TestResultView result={testResult} />}
      </section>

      {t.channel === 'http' && (
        <section aria-labelledby="secret-title">
          <h2 id="secret-title">Signing secret</h2>
          <p>
            Every postback is signed with this secret (the webhook-signature header). Rotating it keeps the old secret signing too for a grace period, so the
            customer can switch without losing postbacks.
          </p>
          <div className="toolbar">
            <WriteButton onClick={() => setConfirm('reveal')}>Show secret</WriteButton>
            <WriteButton onClick={() => setConfirm('rotate')}>Rotate secret</WriteButton>
          </div>
        </section>
      )}

      <TriggerChecks trigger={t} onChanged={refresh} />

      <TriggerRevisions trigger={t} onChanged={refresh} />

      <TriggerBackfills trigger={t} />

      <section aria-labelledby="trigger-deliveries-title">
        <h2 id="trigger-deliveries-title">Deliveries</h2>
        <DeliveryLogView fixed={{ customerId: t.customerId, triggerId: t.id }} />
      </section>

      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete the trigger “${t.name}”?`}
        confirmLabel="Delete trigger"
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          await unwrap(api.DELETE('/customers/{customerId}/triggers/{triggerId}', { params: { path } }));
          queryClient.removeQueries({ queryKey: keys.trigger(t.customerId, t.id) });
          void navigate(`${base}/triggers`);
          await refresh();
        }}
      >
        <p>Nothing more is sent for it. Its delivery log stays. This cannot be undone.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'reveal'}
        danger={false}
        title="Show the signing secret?"
        confirmLabel="Show secret"
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          const s = await unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}/secret', { params: { path } }));
          setSecret({ value: s.signingSecret, rotated: false });
        }}
      >
        <p>Revealing the secret is recorded in the audit log with your key&apos;s name.</p>
      </ConfirmDialog>
      <Dialog
        open={confirm === 'rotate'}
        title="Rotate the signing secret"
        onClose={() => {
          setConfirm(undefined);
          setRotateError(undefined);
        }}
        footer={
          <>
            <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
            <WriteButton
              variant="primary"
              busy={rotating}
              onClick={() => {
                setRotating(true);
                setRotateError(undefined);
                unwrap(api.POST('/customers/{customerId}/triggers/{triggerId}/rotate-secret', { params: { path }, body: { graceSeconds: Number(grace) } }))
                  .then(async (rotated) => {
                    if (rotated.signingSecret) setSecret({ value: rotated.signingSecret, rotated: true, previousUntil: rotated.previousSecretExpiresAt });
                    setConfirm(undefined);
                    await refresh();
                  })
                  .catch(setRotateError)
                  .finally(() => setRotating(false));
              }}
            >
              Rotate
            </WriteButton>
          </>
        }
      >
        <p>
          A new secret signs from now on. During the grace period the old one signs too (both signatures are sent), so the customer can switch without losing
          postbacks.
        </p>
        <Field label="Grace period">
          <select value={grace} onChange={(e) => setGrace(e.target.value)}>
            <option value="0">None: the old secret stops at once</option>
            <option value="3600">1 hour</option>
            <option value="86400">24 hours</option>
            <option value="604800">7 days</option>
          </select>
        </Field>
        <ErrorBanner error={rotateError} title="Not rotated." />
      </Dialog>
    </>
  );
}
