import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap, type FieldError } from '../../../api/client';
import { keys, useCustomer, useTrigger, type OrderEventType, type TestFireResult, type Trigger, useTriggerFixtures } from '../../../api/queries';
import { Banner, ErrorBanner } from '../../../common/Banner';
import { Button } from '../../../common/Button';
import { PageHeader } from '../../../common/PageHeader';
import { QueryState } from '../../../common/QueryState';
import { Stepper, type StepInfo } from '../../../common/Stepper';
import { ActivateStep } from './steps/ActivateStep';
import { EventsStep } from './steps/EventsStep';
import { MethodStep } from './steps/MethodStep';
import { NameStep } from './steps/NameStep';
import { TemplateStep } from './steps/TemplateStep';
import { TestStep } from './steps/TestStep';
import { changesOf, EMPTY_FORM, formOf, requestOf, STEP_LABELS, stepOfField, stepProblems, type TriggerForm } from './trigger-form';

const TEST_STEP = 4;
const ACTIVATE_STEP = 5;

/** Add Trigger (and edit one), in the setup guide's order: name, events, method, template, test, save and activate. */
export function AddTrigger() {
  const { customerId = '', triggerId } = useParams();
  const existing = useTrigger(customerId, triggerId);
  if (triggerId) return <QueryState query={existing}>{(t) => <TriggerStepper customerId={customerId} initial={t} />}</QueryState>;
  return <TriggerStepper customerId={customerId} />;
}

function TriggerStepper({ customerId, initial }: { customerId: string; initial?: Trigger }) {
  const customer = useCustomer(customerId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<TriggerForm>(initial ? formOf(initial) : EMPTY_FORM);
  /** The form as last saved (what the API has): unsaved changes are the difference. */
  const [saved, setSaved] = useState<TriggerForm | undefined>(initial ? formOf(initial) : undefined);
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(initial ? ACTIVATE_STEP : 0);
  const [trigger, setTrigger] = useState<Trigger | undefined>(initial);
  const fixtureCount = useTriggerFixtures(customerId, trigger?.id ?? '').data?.length ?? 0;
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [apiError, setApiError] = useState<unknown>();
  const [testType, setTestType] = useState<OrderEventType>(form.eventTypes[0] ?? 'order.shipped');
  const [testResult, setTestResult] = useState<TestFireResult>();
  const [running, setRunning] = useState(false);
  const [activating, setActivating] = useState(false);
  const [activateError, setActivateError] = useState<unknown>();
  const [secret, setSecret] = useState<string>();
  const [creatingTemplate, setCreatingTemplate] = useState(false);
  const [templateDirty, setTemplateDirty] = useState(false);
  const heading = useRef<HTMLDivElement>(null);
  const moved = useRef(false);

  const dirty = !saved || JSON.stringify(requestOf(form)) !== JSON.stringify(requestOf(saved));

  useEffect(() => {
    if (!form.eventTypes.includes(testType) && form.eventTypes[0]) setTestType(form.eventTypes[0]);
  }, [form.eventTypes, testType]);

  // A step change moves focus to the step's heading, so a screen reader starts reading the new step.
  useEffect(() => {
    if (!moved.current) return;
    heading.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [step]);

  const apiErrors = apiError instanceof ApiError ? apiError.errors : [];
  const allErrors = [...problems, ...apiErrors];
  const errorsFor = (field: string) => allErrors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));

  const update = (patch: Partial<TriggerForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTestResult(undefined);
    // What the user just changed is no longer wrong as far as the form knows.
    const changed = Object.keys(patch);
    const stale = (e: FieldError) =>
      changed.some((k) => e.field === k || e.field.startsWith(`${k}.`) || (k.startsWith('email') && e.field.startsWith('email')));
    setProblems((ps) => ps.filter((e) => !stale(e)));
    if (apiError instanceof ApiError && apiError.errors.some(stale)) {
      const rest = apiError.errors.filter((e) => !stale(e));
      setApiError(rest.length ? new ApiError(apiError.status, apiError.code, apiError.message, rest, apiError.details, apiError.requestId) : undefined);
    }
  };

  const goTo = (next: number) => {
    if (creatingTemplate && templateDirty && !window.confirm('Leave the template you are creating? What you have not saved is lost.')) return;
    if (next > step) {
      for (let s = step; s < Math.min(next, TEST_STEP); s++) {
        const found = stepProblems(s, form);
        if (found.length) {
          setProblems(found);
          show(s);
          requestAnimationFrame(() => document.querySelector<HTMLElement>('.step-panel [aria-invalid="true"]')?.focus());
          return;
        }
      }
    }
    setProblems([]);
    setCreatingTemplate(false);
    setTemplateDirty(false);
    show(next);
  };
  const show = (s: number) => {
    moved.current = true;
    setStep(s);
    setReached((r) => Math.max(r, s));
  };

  /** Creates the draft, or saves the changes; returns the trigger as the API now has it. */
  const save = async (): Promise<Trigger> => {
    const sending = form;
    let result: Trigger;
    if (!trigger) {
      result = await unwrap(api.POST('/customers/{customerId}/triggers', { params: { path: { customerId } }, body: requestOf(sending) }));
      if (result.signingSecret) setSecret(result.signingSecret);
    } else {
      result = await unwrap(
        api.PATCH('/customers/{customerId}/triggers/{triggerId}', {
          params: { path: { customerId, triggerId: trigger.id } },
          body: changesOf(sending, saved ?? sending),
        }),
      );
    }
    setTrigger(result);
    // What was sent is what is saved: edits made while the request ran stay unsaved.
    setSaved(sending);
    await queryClient.invalidateQueries({ queryKey: keys.triggers(customerId) });
    return result;
  };

  const firstInvalidStep = (): number | undefined => {
    for (let s = 0; s < TEST_STEP; s++) {
      const found = stepProblems(s, form);
      if (found.length) {
        setProblems(found);
        show(s);
        return s;
      }
    }
    return undefined;
  };

  const fail = (e: unknown) => {
    setApiError(e);
    const owner = e instanceof ApiError ? e.errors.map((x) => stepOfField(x.field)).find((s) => s !== undefined) : undefined;
    if (owner !== undefined) show(owner);
  };

  const runTest = async () => {
    if (firstInvalidStep() !== undefined) return;
    setRunning(true);
    setApiError(undefined);
    setTestResult(undefined);
    try {
      const current = dirty || !trigger ? await save() : trigger;
      const result = await unwrap(
        api.POST('/customers/{customerId}/triggers/{triggerId}/test', {
          params: { path: { customerId, triggerId: current.id } },
          // With fixtures, a test runs them all (what activation needs); without, the chosen sample.
          body: fixtureCount > 0 ? {} : { eventType: testType },
        }),
      );
      setTestResult(result);
      setTrigger(await unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}', { params: { path: { customerId, triggerId: current.id } } })));
      await queryClient.invalidateQueries({ queryKey: keys.triggers(customerId) });
    } catch (e) {
      fail(e);
    } finally {
      setRunning(false);
    }
  };

  const saveOnly = async () => {
    if (firstInvalidStep() !== undefined) return;
    setActivating(true);
    setActivateError(undefined);
    try {
      await save();
    } catch (e) {
      setActivateError(e);
      fail(e);
    } finally {
      setActivating(false);
    }
  };

  const activate = async () => {
    if (!trigger) return;
    setActivating(true);
    setActivateError(undefined);
    try {
      await unwrap(api.POST('/customers/{customerId}/triggers/{triggerId}/activate', { params: { path: { customerId, triggerId: trigger.id } }, body: {} }));
      await queryClient.invalidateQueries({ queryKey: keys.triggers(customerId) });
      void navigate(`/customers/${encodeURIComponent(customerId)}/triggers/${trigger.id}`, {
        state: {
          notice:
            trigger.status === 'active'
              ? 'Changes activated: matching order events are now sent with them.'
              : 'Saved and activated: matching order events are now delivered.',
        },
      });
    } catch (e) {
      setActivateError(e);
    } finally {
      setActivating(false);
    }
  };

  const errorSteps = new Set(allErrors.map((e) => stepOfField(e.field)).filter((s): s is number => s !== undefined));
  const tested = !!trigger && trigger.testedCurrentConfig && !dirty;
  const steps: StepInfo[] = STEP_LABELS.map((label, i) => {
    if (i === step) return { label, state: 'current', problem: errorSteps.has(i) };
    if (errorSteps.has(i)) return { label, state: 'error' };
    if (i > reached) return { label, state: 'todo' };
    if (i < TEST_STEP) return { label, state: stepProblems(i, form).length ? 'visited' : 'done' };
    if (i === TEST_STEP) return { label, state: tested ? 'done' : 'visited' };
    return { label, state: trigger?.status === 'active' && !trigger.pendingChanges && !dirty ? 'done' : 'visited' };
  });
  const stepProps = { form, update, errorsFor, customerId, editing: !!trigger };
  const name = customer.data?.name ?? customerId;
  const unshown = (f: string) => stepOfField(f) !== undefined;

  return (
    <>
      <PageHeader
        title={initial ? `Edit ${initial.name}` : 'Add Trigger'}
        crumbs={[
          { label: 'Customers', to: '/customers' },
          { label: name, to: `/customers/${encodeURIComponent(customerId)}/triggers` },
          ...(initial ? [{ label: initial.name, to: `/customers/${encodeURIComponent(customerId)}/triggers/${initial.id}` }] : []),
          { label: initial ? 'Edit' : 'Add Trigger' },
        ]}
      />
      {trigger?.status === 'active' && (
        <Banner tone="info" title="This trigger is live.">
          Changes are saved as a new revision that waits as a draft: live order events keep the current settings until the changes pass a test and you activate
          them.
        </Banner>
      )}
      {!initial && trigger && (
        <Banner tone="info">
          Saved as a draft (<code>{trigger.id}</code>); it is in the customer&apos;s Triggers tab if you leave this page.
        </Banner>
      )}
      <div className="stepper-layout">
        <Stepper label="Add Trigger steps" steps={steps} onSelect={goTo} />
        <div className="step-panel" ref={heading}>
          {step === 0 && <NameStep {...stepProps} />}
          {step === 1 && <EventsStep {...stepProps} />}
          {step === 2 && <MethodStep {...stepProps} />}
          {step === 3 && (
            <TemplateStep
              {...stepProps}
              creating={creatingTemplate}
              onCreating={(c) => {
                setCreatingTemplate(c);
                if (!c) setTemplateDirty(false);
              }}
              onTemplateDirty={setTemplateDirty}
            />
          )}
          {step === TEST_STEP && (
            <TestStep
              trigger={trigger}
              eventTypes={form.eventTypes}
              testType={testType}
              fixtureCount={fixtureCount}
              onTestType={setTestType}
              onRun={() => void runTest()}
              running={running}
              result={testResult}
              error={apiError}
              shownFields={unshown}
              unsaved={dirty}
              signingSecret={secret}
            />
          )}
          {step === ACTIVATE_STEP && (
            <ActivateStep
              trigger={trigger}
              onActivate={() => void activate()}
              onSave={() => void saveOnly()}
              busy={activating}
              error={activateError}
              unsaved={dirty}
              onDone={() => void navigate(`/customers/${encodeURIComponent(customerId)}/triggers/${trigger?.id ?? ''}`)}
            />
          )}
          {step < TEST_STEP && <ErrorBanner error={apiError} title="The trigger was not saved." shownFields={unshown} />}
          <div className="step-nav">
            {step > 0 && <Button onClick={() => goTo(step - 1)}>Back</Button>}
            {step < STEP_LABELS.length - 1 && (
              <Button variant={step < TEST_STEP ? 'primary' : 'secondary'} onClick={() => goTo(step + 1)} disabled={running}>
                Next: {STEP_LABELS[step + 1]}
              </Button>
            )}
          </div>
        </div>
      </div>
    </>
  );
}
