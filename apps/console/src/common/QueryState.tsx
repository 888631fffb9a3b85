import type { ReactNode } from 'react';
import { ErrorBanner } from './Banner';

/** Loading, error and empty states for anything that comes from the API, in one place. */
export function QueryState<T>({
  query,
  empty,
  isEmpty,
  skeletonRows = 3,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch?: () => unknown };
  /** Shown when the data is there but has nothing in it. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  skeletonRows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Skeleton rows={skeletonRows} />;
  if (query.error || query.data === undefined) return <ErrorBanner error={query.error ?? new Error('Nothing came back')} title="Could not load this." />;
  if (empty && isEmpty?.(query.data)) return <div className="empty-state">{empty}</div>;
  return <>{children(query.data)}</>;
}

/** Grey bars where content will be, the size it will be, so nothing jumps when it arrives. */
export function Skeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="skeleton" role="status" aria-live="polite">
      <span className="visually-hidden">Loading…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}
