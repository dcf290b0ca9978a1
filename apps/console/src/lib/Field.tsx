import type { ReactNode } from 'react';

/** The accessibility attributes that tie an input to its hint and error; spread onto the input. */
export function fieldAria(id: string, hint: string | undefined | null, error: string | undefined | null) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  } as const;
}

/**
 * A labelled form field: label, the control (children, spread with fieldAria),
 * an optional hint and the error under it, in the order a screen reader needs.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string | null;
  error?: string | null;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p id={`${props.id}-hint`} className="field-hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
