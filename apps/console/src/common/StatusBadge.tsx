const TONES: Record<string, string> = {
  active: 'success',
  delivered: 'success',
  passed: 'success',
  ready: 'success',
  ok: 'success',
  done: 'success',
  completed: 'success',
  Stable: 'success',
  draft: 'neutral',
  queued: 'neutral',
  skipped: 'neutral',
  running: 'info',
  retrying: 'warning',
  retry_scheduled: 'warning',
  paused: 'warning',
  pending: 'warning',
  'not-ready': 'warning',
  failed: 'danger',
  unreachable: 'danger',
  down: 'danger',
};

const LABELS: Record<string, string> = { retry_scheduled: 'retry scheduled', 'not-ready': 'not ready' };

/** A status as a coloured word (never colour alone: the word is always there). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${TONES[status] ?? 'neutral'}`}>{LABELS[status] ?? status}</span>;
}
