import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { READ_ONLY_REASON_ID } from './ReadOnlyNotice';
import { useWriteAccess } from '../auth/session';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  /** Shows a spinner and disables the button while an action runs. */
  busy?: boolean;
  children: ReactNode;
}

export function Button({ variant = 'secondary', busy = false, disabled, className, children, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, className].filter(Boolean).join(' ')}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/**
 * A button that changes something: disabled for a read-only key, with the reason as its
 * description (the page shows the same reason in its read-only notice).
 */
export function WriteButton({ disabled, title, ...props }: ButtonProps) {
  const { canWrite, reason } = useWriteAccess();
  return (
    <Button
      {...props}
      disabled={disabled || !canWrite}
      title={canWrite ? title : reason}
      aria-describedby={canWrite ? props['aria-describedby'] : READ_ONLY_REASON_ID}
    />
  );
}
