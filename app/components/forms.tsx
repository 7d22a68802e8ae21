import { Form, type FormProps, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useRootData } from "./root-data";

/** The CSRF token every POST form carries (checked by the server before any action runs). */
export function CsrfInput() {
  const token = useRootData()?.csrfToken ?? "";
  return <input type="hidden" name="csrf" value={token} />;
}

/** A POST form with the CSRF token; works with and without JavaScript. */
export function PostForm({ children, ...props }: Omit<FormProps, "method">) {
  return (
    <Form method="post" {...props}>
      <CsrfInput />
      {children}
    </Form>
  );
}

/**
 * The value of a row's button in a list that shares one form ("read:12": what to do, to which row).
 * One form per list keeps its hidden fields (the CSRF token, the tab, the page) once in the page
 * instead of once per row; the pressed button's value is sent with and without JavaScript. The
 * action reads it with `formRowAction` (app/web/params.server.ts).
 */
export function rowAction(intent: string, id: number): string {
  return `${intent}:${id}`;
}

/** Hidden field that brings the user back to the page they were on. */
export function ReturnToInput() {
  const location = useLocation();
  return <input type="hidden" name="returnTo" value={location.pathname + location.search} />;
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {t(error)}
    </p>
  );
}

/** A field's label above it and its error below; `id` is the field's own (`field-<name>`). */
export function LabelledField({ id, label, error, children }: { id: string; label: string; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** The ARIA attributes that tie a field to its error message. */
export function errorAria(id: string, error: string | undefined) {
  return { "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined } as const;
}

export function TextField(props: { name: string; label: string; type?: string; defaultValue?: string; error?: string; autoComplete?: string; required?: boolean; autoFocus?: boolean }) {
  const id = `field-${props.name}`;
  return (
    <LabelledField id={id} label={props.label} error={props.error}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue}
        autoComplete={props.autoComplete}
        required={props.required}
        autoFocus={props.autoFocus}
        {...errorAria(id, props.error)}
        className="input"
      />
    </LabelledField>
  );
}

/** A labelled drop-down; `options` are value/label pairs. */
export function SelectField(props: { name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string; error?: string; required?: boolean }) {
  const id = `field-${props.name}`;
  return (
    <LabelledField id={id} label={props.label} error={props.error}>
      <select id={id} name={props.name} defaultValue={props.defaultValue} required={props.required} {...errorAria(id, props.error)} className="input">
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

/** A labelled checkbox (sent as "on" when ticked). */
export function CheckboxField(props: { name: string; label: string; defaultChecked?: boolean; error?: string }) {
  const id = `field-${props.name}`;
  return (
    <div>
      <label htmlFor={id} className="flex items-center gap-2 text-sm">
        <input id={id} type="checkbox" name={props.name} defaultChecked={props.defaultChecked} {...errorAria(id, props.error)} />
        {props.label}
      </label>
      <FieldError id={`${id}-error`} error={props.error} />
    </div>
  );
}
