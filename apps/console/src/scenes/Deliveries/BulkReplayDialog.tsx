import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { keys, useReplayJob, type OrderEventType } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button, WriteButton } from '../../common/Button';
import { Dialog } from '../../common/Dialog';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

interface Filter {
  customerId?: string;
  triggerId?: string;
  eventType?: OrderEventType;
  from: string;
  to: string;
}

/** Replays every failed delivery that matches the log's filter, as a background job whose progress it follows. */
export function BulkReplayDialog({ open, onClose, filter }: { open: boolean; onClose: () => void; filter: Filter }) {
  const [jobId, setJobId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const job = useReplayJob(jobId);
  const queryClient = useQueryClient();
  const close = () => {
    setJobId(undefined);
    setError(undefined);
    onClose();
  };
  const j = job.data;
  return (
    <Dialog
      open={open}
      title="Replay failed deliveries"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>{jobId ? 'Close' : 'Cancel'}</Button>
          {!jobId && (
            <WriteButton
              variant="primary"
              busy={busy}
              onClick={() => {
                setBusy(true);
                setError(undefined);
                unwrap(api.POST('/replays', { body: filter }))
                  .then((created) => {
                    setJobId(created.id);
                    return queryClient.invalidateQueries({ queryKey: keys.replays });
                  })
                  .catch(setError)
                  .finally(() => setBusy(false));
              }}
            >
              Replay
            </WriteButton>
          )}
        </>
      }
    >
      <p>
        Every failed (dead-lettered) live delivery that matches is sent again with the same delivery id (webhook-id), so receivers can drop what they already
        have.
      </p>
      <dl className="facts">
        <div>
          <dt>Customer</dt>
          <dd>{filter.customerId ?? 'Every customer'}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{filter.triggerId ?? 'Every trigger'}</dd>
        </div>
        <div>
          <dt>Event</dt>
          <dd>{filter.eventType ?? 'Every event'}</dd>
        </div>
        <div>
          <dt>Last attempt between</dt>
          <dd>
            <Time iso={filter.from} /> and <Time iso={filter.to} />
          </dd>
        </div>
      </dl>
      <ErrorBanner error={error} title="The replay did not start." />
      {j && (
        <div className="replay-progress">
          <p>
            Replay <code>{j.id}</code>: <StatusBadge status={j.status} /> {j.replayed} of {j.total} sent again.
          </p>
          <progress max={Math.max(j.total, 1)} value={j.status === 'done' ? Math.max(j.total, 1) : j.replayed} aria-label="Replay progress" />
          {j.status === 'done' && <Banner tone="success">Done: {j.replayed} sent again. Follow them in the log.</Banner>}
          {j.error && <Banner tone="error">{j.error}</Banner>}
        </div>
      )}
    </Dialog>
  );
}
