/** The create/edit form of a FAT link (fleet name, minutes open); works with and without JavaScript. */
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import type { LinkErrors, LinkFormValues } from "./fat.server";
import { DURATION_DEFAULT } from "./permissions";

export const EMPTY_LINK: LinkFormValues = { fleet: "", duration: String(DURATION_DEFAULT) };

export function LinkForm({ values, errors, submitLabel }: { values: LinkFormValues; errors: LinkErrors; submitLabel: string }) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <PostForm key={JSON.stringify(values)} className="card space-y-4">
      <input type="hidden" name="intent" value="save" hidden />
      <TextField name="fleet" label={t("fleetactivitytracking.field.fleet")} defaultValue={values.fleet} error={errors.fleet} required />
      <div>
        <TextField name="duration" type="number" label={t("fleetactivitytracking.field.duration")} defaultValue={values.duration} error={errors.duration} required />
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("fleetactivitytracking.durationHelp")}</p>
      </div>
      <button type="submit" className="btn-primary" disabled={busy} data-testid="fat-link-submit">
        {busy ? t("common.working") : submitLabel}
      </button>
    </PostForm>
  );
}
