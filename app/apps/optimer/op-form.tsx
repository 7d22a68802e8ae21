/** The add/edit form of a fleet operation; works with and without JavaScript. */
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm, SelectField, TextField } from "~/components/forms";
import type { OpErrors, OpFormValues } from "./ops.server";

export const EMPTY_OP: OpFormValues = { operation_name: "", type_id: "", doctrine: "", system: "", location: "", start: "", duration: "", fc: "", description: "" };

export function OpForm({ values, errors, types, submitLabel }: { values: OpFormValues; errors: OpErrors; types: { id: number; type: string }[]; submitLabel: string }) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <PostForm key={JSON.stringify(values)} className="card space-y-4" data-testid="op-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="operation_name" label={t("optimer.field.name")} defaultValue={values.operation_name} error={errors.operation_name} />
        <SelectField name="type_id" label={t("optimer.field.type")} defaultValue={values.type_id} error={errors.type_id} options={[{ value: "", label: t("optimer.noType") }, ...types.map((o) => ({ value: String(o.id), label: o.type }))]} />
        <TextField name="doctrine" label={t("optimer.field.doctrine")} defaultValue={values.doctrine} error={errors.doctrine} />
        <TextField name="fc" label={t("optimer.field.fc")} defaultValue={values.fc} error={errors.fc} />
        <TextField name="system" label={t("optimer.field.system")} defaultValue={values.system} error={errors.system} />
        <TextField name="location" label={t("optimer.field.location")} defaultValue={values.location} error={errors.location} />
        <TextField name="start" type="datetime-local" label={t("optimer.field.start")} defaultValue={values.start} error={errors.start} />
        <TextField name="duration" label={t("optimer.field.duration")} defaultValue={values.duration} error={errors.duration} />
      </div>
      <div>
        <label htmlFor="field-description" className="label">
          {t("optimer.field.description")}
        </label>
        <textarea id="field-description" name="description" defaultValue={values.description} rows={4} className="input" aria-invalid={errors.description ? true : undefined} />
        <FieldError id="field-description-error" error={errors.description} />
      </div>
      <button type="submit" className="btn-primary" disabled={busy} data-testid="op-submit">
        {busy ? t("common.working") : submitLabel}
      </button>
    </PostForm>
  );
}
