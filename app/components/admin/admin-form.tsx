import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface AdminField {
  name: string;
  label: string;
  kind: "text" | "password" | "textarea" | "number" | "checkbox" | "select" | "multiselect" | "idlist";
  locked: boolean;
}
export type AdminOptions = Record<string, { value: string; label: string; translate?: boolean }[]>;

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The fields of an admin form. Locked fields are shown but never submitted (the server refuses them anyway). */
export function AdminFields({ fields, values, options, errors, disabled }: { fields: AdminField[]; values: Record<string, unknown>; options: AdminOptions; errors: Record<string, string>; disabled?: boolean }) {
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
            input = <textarea {...common} defaultValue={asList(value).join(", ")} rows={2} className="input" placeholder="1, 2, 3" />;
            break;
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
          case "multiselect":
            input = (
              <select {...common} multiple size={Math.min(10, Math.max(3, (options[field.name] ?? []).length))} defaultValue={asList(value)} className="input">
                {(options[field.name] ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
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
            {field.locked ? <p className="mt-1 text-xs text-slate-500">{t("admin.superuserOnly")}</p> : null}
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
  if (typeof value === "boolean") return value ? t("admin.yes") : t("admin.no");
  return String(value);
}
