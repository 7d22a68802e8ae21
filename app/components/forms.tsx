import { Form, type FormProps, useLocation } from "@remix-run/react";
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

export function TextField(props: { name: string; label: string; type?: string; defaultValue?: string; error?: string; autoComplete?: string; required?: boolean; autoFocus?: boolean }) {
  const id = `field-${props.name}`;
  return (
    <div>
      <label htmlFor={id} className="label">
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue}
        autoComplete={props.autoComplete}
        required={props.required}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        className="input"
      />
      <FieldError id={`${id}-error`} error={props.error} />
    </div>
  );
}
