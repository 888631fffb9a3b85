import type { ReactNode } from 'react';
import { ErrorBanner } from './Banner';

/** Loading, error and empty states for anything that comes from the API, in one place. */
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
  let content: ReactNode;
  if (query.isPending) content = <Skeleton rows={skeletonRows} />;
  else if (query.error || query.data === undefined)
    content = <ErrorBanner error={query.error ?? new Error('Nothing came back')} title="Could not load this." />;
  else if (empty && isEmpty?.(query.data)) content = <div className="empty-state">{empty}</div>;
  else content = children(query.data);
  return minHeight ? <div style={{ minHeight }}>{content}</div> : <>{content}</>;
}

/** Grey bars where content will be, the size it will be, so nothing jumps when it arrives. */
export function Skeleton({ rows = 3, height }: { rows?: number; height?: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite" style={height ? { height } : undefined}>
      <span className="visually-hidden">Loading…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}
