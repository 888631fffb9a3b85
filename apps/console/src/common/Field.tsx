import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import type { FieldError } from '../api/client';

export interface FieldProps {
  label: ReactNode;
  /** Help text under the control. */
  hint?: ReactNode;
  /** Errors for this field (from the API's field errors, or the form's own checks). */
  errors?: Array<Pick<FieldError, 'message'> | string>;
  required?: boolean;
  /** One control: it gets the id, aria-describedby and aria-invalid. */
  children: ReactElement<Record<string, unknown>>;
  className?: string;
}

/** A labelled control with its hint and its errors, wired for assistive technology. */
export function Field({ label, hint, errors = [], required, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const messages = errors.map((e) => (typeof e === 'string' ? e : e.message));
  const describedBy = [hint ? hintId : undefined, messages.length ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id: (children.props.id as string | undefined) ?? id,
        'aria-describedby': describedBy,
        'aria-invalid': messages.length ? true : undefined,
        required: required || undefined,
      })
    : children;
  return (
    <div className={['field', messages.length ? 'field-invalid' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={(children.props.id as string | undefined) ?? id}>
        {label}
        {required && <span className="required"> (required)</span>}
      </label>
      {control}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {messages.length > 0 && (
        <ul className="field-errors" id={errorId}>
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A group of checkboxes or radios with a legend, hint and errors. */
export function FieldSet({
  legend,
  hint,
  errors = [],
  children,
}: {
  legend: ReactNode;
  hint?: ReactNode;
  errors?: Array<{ message: string } | string>;
  children: ReactNode;
}) {
  const id = useId();
  const messages = errors.map((e) => (typeof e === 'string' ? e : e.message));
  return (
    <fieldset
      className={['fieldset', messages.length ? 'field-invalid' : ''].filter(Boolean).join(' ')}
      aria-describedby={messages.length ? `${id}-error` : hint ? `${id}-hint` : undefined}
    >
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {messages.length > 0 && (
        <ul className="field-errors" id={`${id}-error`}>
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
