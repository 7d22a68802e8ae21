import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MultiPicker } from "../multi-picker";

export interface AdminField {
  name: string;
  label: string;
  kind: "text" | "password" | "textarea" | "number" | "checkbox" | "select" | "multiselect" | "idlist";
  locked: boolean;
  /** Open-ended choice searched through `/lookup/<lookup>` (see MultiPicker). */
  lookup?: string;
}
export type AdminOptions = Record<string, { value: string; label: string; locked?: boolean; translate?: boolean }[]>;

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The fields of an admin form. Locked fields are shown but never submitted (the server refuses them anyway). */
export function AdminFields({ fields, values, options, errors, errorParams, disabled }: { fields: AdminField[]; values: Record<string, unknown>; options: AdminOptions; errors: Record<string, string>; errorParams?: Record<string, Record<string, string>>; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      {errors._form ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" role="alert" data-testid="admin-form-error">
          {t(errors._form)}
        </p>
      ) : null}
      {fields.map((field) => {
        const id = `field-${field.name}`;
        const off = disabled || field.locked;
        const value = values[field.name];
        const error = errors[field.name];
        const common = { id, name: off ? undefined : field.name, disabled: off, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined, "data-testid": id };
        let input;
        switch (field.kind) {
          case "checkbox":
            input = (
              <label className="flex items-center gap-2 text-sm" htmlFor={id}>
                <input type="checkbox" {...common} defaultChecked={Boolean(value)} /> {t(field.label)}
              </label>
            );
            break;
          case "textarea":
            input = <textarea {...common} defaultValue={String(value ?? "")} rows={3} className="input" />;
            break;
          case "idlist":
          case "multiselect": {
            // The one multi-value picker: chips with JavaScript, checkboxes (and a typed list) without.
            const chosen = new Set(asList(value));
            const all = options[field.name] ?? [];
            return (
              <div key={field.name}>
                {off ? null : <input type="hidden" name="_fields" value={field.name} />}
                <MultiPicker
                  name={field.name}
                  label={t(field.label)}
                  selected={field.lookup ? all : all.filter((o) => chosen.has(o.value))}
                  choices={field.lookup ? undefined : all}
                  lookup={field.lookup}
                  typed={typeof values[`${field.name}__typed`] === "string" ? String(values[`${field.name}__typed`]) : undefined}
                  disabled={off}
                  error={error}
                  errorParams={errorParams?.[field.name]}
                />
                {field.locked ? <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{t("admin.superuserOnly")}</p> : null}
              </div>
            );
          }
          case "select":
            input = (
              <select {...common} defaultValue={value === null || value === undefined ? "" : String(value)} className="input">
                <option value="">—</option>
                {(options[field.name] ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.translate ? t(o.label) : o.label}
                  </option>
                ))}
              </select>
            );
            break;
          case "password":
            input = <input type="password" {...common} defaultValue="" autoComplete="new-password" className="input" />;
            break;
          default:
            input = <input type={field.kind === "number" ? "number" : "text"} {...common} defaultValue={value === null || value === undefined ? "" : String(value)} className="input" />;
        }
        return (
          <div key={field.name}>
            {off ? null : <input type="hidden" name="_fields" value={field.name} />}
            {field.kind === "checkbox" ? null : (
              <label htmlFor={id} className="label">
                {t(field.label)}
              </label>
            )}
            {input}
            {field.locked ? <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{t("admin.superuserOnly")}</p> : null}
            {error ? (
              <p id={`${id}-error`} className="field-error" role="alert">
                {t(error)}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

/** Tabs of one object: change, history, delete. */
export function AdminTabs({ base, active, canDelete }: { base: string; active: "change" | "history" | "delete" | "sessions"; canDelete: boolean }) {
  const { t } = useTranslation();
  const tab = (to: string, key: "change" | "history" | "delete" | "sessions", label: string) => (
    <Link to={to} className={`rounded-md px-3 py-1 text-sm ${active === key ? "bg-sky-700 text-white" : "bg-slate-200 dark:bg-slate-800"}`} data-testid={`admin-tab-${key}`}>
      {label}
    </Link>
  );
  return (
    <nav className="flex gap-2" aria-label={t("admin.tabs.label")}>
      {tab(base, "change", t("admin.tabs.change"))}
      {tab(`${base}/history`, "history", t("admin.tabs.history"))}
      {base.startsWith("/admin/users/") ? tab(`${base}/sessions`, "sessions", t("admin.tabs.sessions")) : null}
      {canDelete ? tab(`${base}/delete`, "delete", t("admin.tabs.delete")) : null}
    </nav>
  );
}

export function formatCell(value: unknown, t: (key: string) => string) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "object" && "key" in (value as object)) return t(String((value as { key: unknown }).key));
  if (typeof value === "boolean") return value ? t("admin.yes") : t("admin.no");
  return String(value);
}

/** The title of one object (its translated title key, else its title) and the base of its tabs. */
export function useObjectHeading({ key, id, title, titleKey }: { key: string; id: string; title: string; titleKey: string | null }) {
  const { t } = useTranslation();
  return { title: titleKey ? t(titleKey) : title, base: `/admin/${key}/${encodeURIComponent(id)}` };
}

/** What a previewed change would do (shown above the form). */
export function AdminPreview({ preview }: { preview: { summary: string; params?: Record<string, unknown> } | null | undefined }) {
  const { t } = useTranslation();
  return preview ? (
    <section className="card" data-testid="admin-preview" aria-live="polite">
      <p className="text-sm">{t(preview.summary, preview.params)}</p>
    </section>
  ) : null;
}

/** Save, and Preview first where the resource offers one. */
export function AdminSubmit({ hasPreview }: { hasPreview: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="flex gap-2">
      {hasPreview ? (
        <button type="submit" name="intent" value="preview" className="btn-secondary" data-testid="admin-preview-button">
          {t("admin.preview.button")}
        </button>
      ) : null}
      <button type="submit" name="intent" value="save" className="btn-primary" data-testid="admin-save">
        {t("admin.save")}
      </button>
    </div>
  );
}
