/** The add/edit form of a structure timer; works with and without JavaScript. */
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CheckboxField, PostForm, SelectField, TextField } from "~/components/forms";
import { OBJECTIVES, STRUCTURES, TIMER_TYPES } from "./choices";
import type { Errors, TimerFormValues } from "./timers.server";

export const EMPTY_TIMER: TimerFormValues = {
  details: "",
  system: "",
  planet_moon: "",
  structure: "POCO",
  timer_type: "UNSPECIFIED",
  objective: "Hostile",
  eve_time: "",
  days_left: "",
  hours_left: "",
  minutes_left: "",
  important: false,
  corp_timer: false,
};

export function structureLabel(t: (key: string) => string, structure: string) {
  return structure === "Other" ? t("timerboard.structureOther") : structure;
}

export function TimerForm({ values, errors, submitLabel }: { values: TimerFormValues; errors: Errors; submitLabel: string }) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <PostForm key={JSON.stringify(values)} className="card space-y-4" data-testid="timer-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="details" label={t("timerboard.field.details")} defaultValue={values.details} error={errors.details} />
        <TextField name="system" label={t("timerboard.field.system")} defaultValue={values.system} error={errors.system} />
        <TextField name="planet_moon" label={t("timerboard.field.planetMoon")} defaultValue={values.planet_moon} error={errors.planet_moon} />
        <SelectField name="structure" label={t("timerboard.field.structure")} defaultValue={values.structure} error={errors.structure} options={STRUCTURES.map((s) => ({ value: s, label: structureLabel(t, s) }))} />
        <SelectField name="timer_type" label={t("timerboard.field.timerType")} defaultValue={values.timer_type} error={errors.timer_type} options={TIMER_TYPES.map((s) => ({ value: s, label: t(`timerboard.type.${s}`) }))} />
        <SelectField name="objective" label={t("timerboard.field.objective")} defaultValue={values.objective} error={errors.objective} options={OBJECTIVES.map((s) => ({ value: s, label: t(`timerboard.objective.${s}`) }))} />
      </div>
      <fieldset className="space-y-2">
        <legend className="label">{t("timerboard.field.when")}</legend>
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("timerboard.whenHelp")}</p>
        <div className="grid gap-4 sm:grid-cols-4">
          <TextField name="eve_time" type="datetime-local" label={t("timerboard.field.eveTime")} defaultValue={values.eve_time} error={errors.eve_time} />
          <TextField name="days_left" type="number" label={t("timerboard.field.days")} defaultValue={values.days_left} error={errors.days_left} />
          <TextField name="hours_left" type="number" label={t("timerboard.field.hours")} defaultValue={values.hours_left} error={errors.hours_left} />
          <TextField name="minutes_left" type="number" label={t("timerboard.field.minutes")} defaultValue={values.minutes_left} error={errors.minutes_left} />
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-6">
        <CheckboxField name="important" label={t("timerboard.field.important")} defaultChecked={values.important} error={errors.important} />
        <CheckboxField name="corp_timer" label={t("timerboard.field.corpTimer")} defaultChecked={values.corp_timer} error={errors.corp_timer} />
      </div>
      <button type="submit" className="btn-primary" disabled={busy} data-testid="timer-submit">
        {busy ? t("common.working") : submitLabel}
      </button>
    </PostForm>
  );
}
