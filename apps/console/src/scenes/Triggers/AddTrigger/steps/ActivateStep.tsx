import type { Trigger } from '../../../../api/queries';
import { useEventTypeLabel } from '../../../../api/queries';
import { Banner, ErrorBanner } from '../../../../common/Banner';
import { Button, WriteButton } from '../../../../common/Button';
import { destinationOf, TemplateName } from '../../TriggerTable';

/** Save and activate: allowed only when a test of exactly this configuration passed. */
export function ActivateStep({
  trigger,
  onActivate,
  onSave,
  onDone,
  busy,
  error,
  unsaved,
}: {
  trigger: Trigger | undefined;
  onActivate: () => void;
  /** Saves the changes as a draft without a test (offered for a live trigger: they wait for a test and activation). */
  onSave: () => void;
  onDone: () => void;
  busy: boolean;
  error: unknown;
  unsaved: boolean;
}) {
  const label = useEventTypeLabel();
  const ready = !!trigger && trigger.testedCurrentConfig && !unsaved;
  const why = !trigger
    ? 'Run a test first: the trigger is saved and tested in the previous step.'
    : unsaved
      ? 'You changed the trigger since it was tested: run the test again.'
      : !trigger.testedCurrentConfig
        ? trigger.lastTest
          ? `The last test (${trigger.lastTest.outcome}) was not a pass of this configuration: fix it and run the test again.`
          : 'Run a passing test first.'
        : undefined;
  return (
    <>
      <h2 tabIndex={-1}>Save and activate</h2>
      {trigger && (
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd>{trigger.name}</dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>{trigger.eventTypes.map(label).join(', ')}</dd>
          </div>
          <div>
            <dt>Delivered to</dt>
            <dd className="wrap-anywhere">{destinationOf(trigger)}</dd>
          </div>
          <div>
            <dt>Template</dt>
            <dd>
              <TemplateName id={trigger.templateId} />
            </dd>
          </div>
        </dl>
      )}
      {trigger?.status === 'active' ? (
        unsaved ? (
          <>
            <p className="banner banner-info" id="save-live-why">
              This trigger is live: saved changes wait as a draft, and live order events keep the current settings until the changes pass a test and are
              activated. Run the test (the previous step), or save them as a draft for now.
            </p>
            <WriteButton variant="primary" onClick={onSave} busy={busy} aria-describedby="save-live-why">
              Save changes
            </WriteButton>
          </>
        ) : trigger.pendingChanges ? (
          <>
            {why ? (
              <p className="banner banner-warning" id="activate-why">
                Changes waiting for a test: live order events still use revision {trigger.liveRevision}. {why}
              </p>
            ) : (
              <Banner tone="success">The test of these changes passed: they can go live.</Banner>
            )}
            <WriteButton variant="primary" onClick={onActivate} busy={busy} disabled={!ready} aria-describedby={why ? 'activate-why' : undefined}>
              Activate changes
            </WriteButton>
          </>
        ) : (
          <>
            <Banner tone="success" title="Active.">
              This trigger sends a postback for every matching order event{trigger.testedCurrentConfig ? ', and this configuration passed its test' : ''}.
            </Banner>
            <Button variant="primary" onClick={onDone}>
              Done
            </Button>
          </>
        )
      ) : (
        <>
          {why ? (
            <p className="banner banner-warning" id="activate-why">
              {why}
            </p>
          ) : (
            <Banner tone="success">The test of this configuration passed: it can go live.</Banner>
          )}
          <WriteButton variant="primary" onClick={onActivate} busy={busy} disabled={!ready} aria-describedby={why ? 'activate-why' : undefined}>
            Save and activate
          </WriteButton>
        </>
      )}
      <ErrorBanner error={error} title="Not activated." />
    </>
  );
}
