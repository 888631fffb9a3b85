import type { ReactNode } from 'react';
import { ApiError, describeError } from '../api/client';

type Tone = 'info' | 'success' | 'warning' | 'error';

/** A message across the page. Errors are announced (role=alert), the rest politely. */
export function Banner({ tone = 'info', title, children, actions }: { tone?: Tone; title?: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="banner-text">
        {title && <strong>{title} </strong>}
        {children}
      </div>
      {actions && <div className="banner-actions">{actions}</div>}
    </div>
  );
}

/** An error from the API: its message, its field errors (when no form shows them), its request id. */
export function ErrorBanner({
  error,
  title = 'That did not work.',
  showFieldErrors = true,
  shownFields,
  actions,
}: {
  error: unknown;
  title?: string;
  /** List the field errors here (when no form shows them next to their fields). */
  showFieldErrors?: boolean;
  /** Fields a form shows next to their controls: the banner lists only the others. */
  shownFields?: (field: string) => boolean;
  actions?: ReactNode;
}) {
  if (!error) return null;
  const fieldErrors = error instanceof ApiError && (showFieldErrors || shownFields) ? error.errors.filter((e) => !shownFields?.(e.field)) : [];
  return (
    <Banner tone="error" title={title} actions={actions}>
      {describeError(error)}
      {fieldErrors.length > 0 && (
        <ul className="banner-list">
          {fieldErrors.map((e, i) => (
            <li key={i}>
              <code>{e.field}</code>: {e.message}
              {e.line ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : ''}
            </li>
          ))}
        </ul>
      )}
      {error instanceof ApiError && error.requestId && <span className="request-id"> Request id: {error.requestId}</span>}
    </Banner>
  );
}
