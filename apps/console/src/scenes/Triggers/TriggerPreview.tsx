import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { OrderEventType, PreviewResult, Trigger } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button } from '../../common/Button';
import { JsonBlock } from '../../common/JsonBlock';

/**
 * The trigger's postback for a sample, rendered as live delivery would render it (nothing is sent),
 * with the places where it breaks the trigger's output contract.
 */
export function TriggerPreview({ trigger: t, eventType }: { trigger: Trigger; eventType: OrderEventType }) {
  const [result, setResult] = useState<PreviewResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const preview = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(
        await unwrap(
          api.POST('/customers/{customerId}/triggers/{triggerId}/preview', {
            params: { path: { customerId: t.customerId, triggerId: t.id } },
            body: { eventType },
          }),
        ),
      );
    } catch (e) {
      setResult(undefined);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button busy={busy} onClick={() => void preview()}>
        Preview postback
      </Button>
      <ErrorBanner error={error} title="The template does not render." />
      {result && (
        <div className="trigger-preview">
          {result.schemaIssues &&
            (result.schemaIssues.length === 0 ? (
              <Banner tone="success">It meets the output contract.</Banner>
            ) : (
              <Banner tone="error" title="It breaks the output contract: it would not be sent.">
                <ul className="change-list">
                  {result.schemaIssues.map((i) => (
                    <li key={`${i.path} ${i.message}`}>
                      <code>{i.path || '(the payload)'}</code> {i.message}
                    </li>
                  ))}
                </ul>
              </Banner>
            ))}
          <JsonBlock value={result.output} label={`Preview of the postback for the ${eventType} sample`} />
        </div>
      )}
    </>
  );
}
