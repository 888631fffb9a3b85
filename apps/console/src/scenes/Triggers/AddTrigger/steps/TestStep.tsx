import type { OrderEventType, TestFireResult, Trigger } from '../../../../api/queries';
import { useEventTypeLabel } from '../../../../api/queries';
import { ErrorBanner } from '../../../../common/Banner';
import { WriteButton } from '../../../../common/Button';
import { Field } from '../../../../common/Field';
import { SigningSecretNotice } from '../../SigningSecretNotice';
import { TestResultView } from '../../TestResultView';

/** Run a test: the draft is saved, and a sample event goes through Kafka, the router and the delivery service to the destination. */
export function TestStep({
  trigger,
  eventTypes,
  testType,
  fixtureCount,
  onTestType,
  onRun,
  running,
  result,
  error,
  shownFields,
  unsaved,
  signingSecret,
}: {
  trigger: Trigger | undefined;
  eventTypes: OrderEventType[];
  testType: OrderEventType;
  /** The trigger's fixtures: a test runs them all instead of one sample. */
  fixtureCount: number;
  onTestType: (t: OrderEventType) => void;
  onRun: () => void;
  running: boolean;
  result: TestFireResult | undefined;
  error: unknown;
  /** Fields the other steps show: their errors are not repeated here. */
  shownFields: (field: string) => boolean;
  unsaved: boolean;
  signingSecret: string | undefined;
}) {
  const label = useEventTypeLabel();
  return (
    <>
      <h2 tabIndex={-1}>Run a test</h2>
      <p>
        {trigger?.status === 'active'
          ? 'Your changes are saved as a draft of the live trigger (live events keep the current settings until you activate them), '
          : trigger
            ? 'Your changes are saved to the trigger (it sends nothing live until it is activated), '
            : 'The trigger is saved as a draft (it sends nothing live until it is activated), '}
        and {fixtureCount === 0 ? 'a sample event is' : fixtureCount === 1 ? 'its fixture is' : `each of its ${fixtureCount} fixtures is`} sent through the real
        pipeline to {trigger?.channel === 'email' ? 'the recipients' : 'the URL'}, marked as a test. You see exactly what was sent and what came back.
      </p>
      {signingSecret && <SigningSecretNotice secret={signingSecret} />}
      <div className="toolbar">
        {fixtureCount === 0 && (
          <Field label="Test with the sample of">
            <select value={testType} onChange={(e) => onTestType(e.target.value as OrderEventType)}>
              {eventTypes.map((t) => (
                <option key={t} value={t}>
                  {label(t)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <WriteButton variant="primary" onClick={onRun} busy={running}>
          {!unsaved ? 'Run test' : trigger?.status === 'active' ? 'Save changes and run test' : 'Save draft and run test'}
        </WriteButton>
      </div>
      {running && (
        <p role="status" className="muted">
          Sending the test and waiting for the outcome…
        </p>
      )}
      <ErrorBanner error={error} title="The test could not run." shownFields={shownFields} />
      {result && !running && <TestResultView result={result} />}
    </>
  );
}
