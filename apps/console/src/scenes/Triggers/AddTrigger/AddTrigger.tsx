import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap, type FieldError } from '../../../api/client';
import { keys, useCustomer, useTrigger, type OrderEventType, type TestFireResult, type Trigger } from '../../../api/queries';
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
import { EMPTY_FORM, formOf, requestOf, STEP_LABELS, stepOfField, stepProblems, type TriggerForm } from './trigger-form';

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
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(initial ? STEP_LABELS.length - 1 : 0);
  const [trigger, setTrigger] = useState<Trigger | undefined>(initial);
  const [dirty, setDirty] = useState(!initial);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [apiError, setApiError] = useState<unknown>();
  const [testType, setTestType] = useState<OrderEventType>(form.eventTypes[0] ?? 'order.shipped');
  const [testResult, setTestResult] = useState<TestFireResult>();
  const [running, setRunning] = useState(false);
  const [activating, setActivating] = useState(false);
  const [activateError, setActivateError] = useState<unknown>();
  const [secret, setSecret] = useState<string>();

  useEffect(() => {
    if (!form.eventTypes.includes(testType) && form.eventTypes[0]) setTestType(form.eventTypes[0]);
  }, [form.eventTypes, testType]);

  const update = (patch: Partial<TriggerForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
    setTestResult(undefined);
  };
  const allErrors = [...problems, ...(apiError instanceof ApiError ? apiError.errors : [])];
  const errorsFor = (field: string) => allErrors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));

  const goTo = (next: number) => {
    if (next > step) {
      for (let s = step; s < Math.min(next, 4); s++) {
        const found = stepProblems(s, form);
        if (found.length) {
          setProblems(found);
          setStep(s);
          return;
        }
      }
    }
    setProblems([]);
    setStep(next);
    setReached((r) => Math.max(r, next));
  };

  /** Creates the draft, or saves the changes; returns the trigger as the API now has it. */
  const save = async (): Promise<Trigger> => {
    const request = requestOf(form);
    if (!trigger) {
      const created = await unwrap(api.POST('/customers/{customerId}/triggers', { params: { path: { customerId } }, body: request }));
      if (created.signingSecret) setSecret(created.signingSecret);
      setTrigger(created);
      setDirty(false);
      return created;
    }
    const { channel: _channel, ...changes } = request;
    const updated = await unwrap(
      api.PATCH('/customers/{customerId}/triggers/{triggerId}', {
        params: { path: { customerId, triggerId: trigger.id } },
        body: changes,
      }),
    );
    setTrigger(updated);
    setDirty(false);
    return updated;
  };

  const runTest = async () => {
    for (let s = 0; s < 4; s++) {
      const found = stepProblems(s, form);
      if (found.length) {
        setProblems(found);
        setStep(s);
        return;
      }
    }
    setRunning(true);
    setApiError(undefined);
    setTestResult(undefined);
    try {
      const saved = dirty || !trigger ? await save() : trigger;
      const result = await unwrap(
        api.POST('/customers/{customerId}/triggers/{triggerId}/test', { params: { path: { customerId, triggerId: saved.id } }, body: { eventType: testType } }),
      );
      setTestResult(result);
      const fresh = await unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}', { params: { path: { customerId, triggerId: saved.id } } }));
      setTrigger(fresh);
      await queryClient.invalidateQueries({ queryKey: keys.triggers(customerId) });
    } catch (e) {
      setApiError(e);
      if (e instanceof ApiError && e.errors.length) setStep(stepOfField(e.errors[0].field));
    } finally {
      setRunning(false);
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
        state: { notice: 'Saved and activated: matching order events are now delivered.' },
      });
    } catch (e) {
      setActivateError(e);
    } finally {
      setActivating(false);
    }
  };

  const steps: StepInfo[] = STEP_LABELS.map((label, i) => ({
    label,
    state: i === step ? 'current' : i <= reached ? 'done' : 'todo',
  }));
  const stepProps = { form, update, errorsFor, customerId, editing: !!initial };
  const name = customer.data?.name ?? customerId;
  const title = initial ? `Edit ${initial.name}` : 'Add Trigger';

  return (
    <>
      <PageHeader
        title={title}
        crumbs={[
          { label: 'Customers', to: '/customers' },
          { label: name, to: `/customers/${encodeURIComponent(customerId)}/triggers` },
          ...(initial ? [{ label: initial.name, to: `/customers/${encodeURIComponent(customerId)}/triggers/${initial.id}` }] : []),
          { label: initial ? 'Edit' : 'Add Trigger' },
        ]}
      />
      {initial?.status === 'active' && (
        <Banner tone="warning" title="This trigger is active.">
          Saved changes take effect on the next order event.
        </Banner>
      )}
      <div className="stepper-layout">
        <Stepper label="Add Trigger steps" steps={steps} onSelect={goTo} />
        <div className="step-panel" aria-live="polite">
          {step === 0 && <NameStep {...stepProps} />}
          {step === 1 && <EventsStep {...stepProps} />}
          {step === 2 && <MethodStep {...stepProps} />}
          {step === 3 && <TemplateStep {...stepProps} />}
          {step === 4 && (
            <TestStep
              trigger={trigger}
              eventTypes={form.eventTypes}
              testType={testType}
              onTestType={setTestType}
              onRun={() => void runTest()}
              running={running}
              result={testResult}
              error={apiError instanceof ApiError && apiError.errors.length ? undefined : apiError}
              unsaved={dirty || !trigger}
              signingSecret={secret}
            />
          )}
          {step === 5 && <ActivateStep trigger={trigger} onActivate={() => void activate()} busy={activating} error={activateError} unsaved={dirty} />}
          {problems.length > 0 && step < 4 && <p className="visually-hidden">Fix the problems marked above to go on.</p>}
          {apiError instanceof ApiError && apiError.errors.length > 0 && step < 4 && (
            <ErrorBanner error={apiError} title="The trigger was not saved." showFieldErrors={false} />
          )}
          <div className="step-nav">
            {step > 0 && <Button onClick={() => goTo(step - 1)}>Back</Button>}
            {step < STEP_LABELS.length - 1 && (
              <Button variant={step < 4 ? 'primary' : 'secondary'} onClick={() => goTo(step + 1)}>
                Next: {STEP_LABELS[step + 1]}
              </Button>
            )}
          </div>
        </div>
      </div>
    </>
  );
}
