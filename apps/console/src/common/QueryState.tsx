import type { ReactNode } from 'react';
import { ErrorBanner } from './Banner';
import { Button } from './Button';

/**
 * Loading, error and empty states for anything that comes from the API, in one place. Data once
 * shown stays shown: a failed background refresh (the API restarting, say) puts its error above
 * the content instead of replacing it, so nothing the user is editing is thrown away.
 */
export function QueryState<T>({
  query,
  empty,
  isEmpty,
  skeletonRows = 3,
  minHeight,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch?: () => unknown };
  /** Shown when the data is there but has nothing in it. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  skeletonRows?: number;
  /** Space kept for the content from the start, so that nothing below moves when it arrives. */
  minHeight?: string;
  children: (data: T) => ReactNode;
}) {
  const retry = query.refetch ? (
    <Button onClick={() => void query.refetch?.()} variant="secondary">
      Try again
    </Button>
  ) : undefined;
  let content: ReactNode;
  if (query.data !== undefined) {
    content = (
      <>
        {query.error ? <ErrorBanner error={query.error} title="Could not refresh this; showing what was loaded before." actions={retry} /> : null}
        {empty && isEmpty?.(query.data) ? <div className="empty-state">{empty}</div> : children(query.data)}
      </>
    );
  } else if (query.isPending) content = <Skeleton rows={skeletonRows} />;
  else content = <ErrorBanner error={query.error ?? new Error('Nothing came back')} title="Could not load this." actions={retry} />;
  return minHeight ? <div style={{ minHeight }}>{content}</div> : <>{content}</>;
}

/** Grey bars where content will be, the size it will be, so nothing jumps when it arrives. */
export function Skeleton({ rows = 3, height }: { rows?: number; height?: string }) {
  return (
    <div className="skeleton" role="status" style={height ? { height } : undefined}>
      <span className="visually-hidden">Loading…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}
