import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm } from "~/components/forms";
import { actorFor, hasPermission, requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { editorChoices } from "~/modules/states/editor.server";
import { MultiPicker } from "~/components/multi-picker";
import { lookupProvider } from "~/web/lookup.server";
import { readStateForm, stateLabels } from "~/web/state-form.server";
import { type PickerLabels, STATE_PICKERS } from "~/modules/states/pickers";
import { GUEST } from "~/modules/states/evaluate.server";
import { deleteState, getStateDefinition, previewStateDefinition, saveStateDefinition, type StateDefinition, StateRuleError, withGuestRule } from "~/modules/states/states.server";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound, pathId } from "~/web/params.server";
import { readForm } from "~/web/input.server";
import { pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "states.title");

function stateId(param: string | undefined): number | null {
  return param === "new" ? null : pathId(param);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const id = stateId(params.id);
  const user = await requirePermission(request, context, id === null ? "authentication.add_state" : "authentication.view_state");
  const { db } = getRuntime();
  const definition = id === null ? null : await getStateDefinition(db, id);
  if (id !== null && !definition) notFound();
  return json({
    id,
    definition,
    choices: await editorChoices(db, lookupProvider()),
    labels: definition ? await stateLabels(definition) : null,
    canChange: hasPermission(user, id === null ? "authentication.add_state" : "authentication.change_state"),
    canDelete: id !== null && definition?.name !== GUEST && hasPermission(user, "authentication.delete_state"),
    // Only superusers grant permissions through states (the original's staff limit).
    canChangePermissions: user.is_superuser,
  });
}

/** Splits "states.errors.unknown.eve_corporations:123,456" into a key and its ids. */
function ruleMessage(error: StateRuleError) {
  const [key, ids] = error.message.split(":");
  return { key, ids: ids ?? "" };
}

interface ActionData {
  formError: { key: string; ids: string } | null;
  preview: { gaining: number; losing: number; sampleGaining: string[]; sampleLosing: string[] } | null;
  values: StateDefinition | null;
  labels: PickerLabels | null;
  raw: { priority: string; typed: Record<string, string> } | null;
  errors: Record<string, string>;
  errorParams: Record<string, Record<string, string>>;
}
const NOTHING: ActionData = { formError: null, preview: null, values: null, labels: null, raw: null, errors: {}, errorParams: {} };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const id = stateId(params.id);
  const form = await readForm(request);
  const intent = form.get("intent");
  const { db } = getRuntime();
  if (intent === "delete") {
    const user = await requirePermission(request, context, "authentication.delete_state");
    if (id === null) notFound();
    if (form.get("confirm") !== "on") return json({ ...NOTHING, formError: { key: "states.errors.confirmDelete", ids: "" } }, { status: 400 });
    try {
      const result = await deleteState(db, id, actorFor(user, context));
      return redirectWithFlash("/states", { level: "success", key: "states.deleted", params: { moved: result.moved } });
    } catch (error) {
      if (error instanceof StateRuleError) return json({ ...NOTHING, formError: ruleMessage(error) }, { status: 400 });
      throw error;
    }
  }
  const user = await requirePermission(request, context, id === null ? "authentication.add_state" : "authentication.change_state");
  const current = id === null ? null : await getStateDefinition(db, id);
  if (id !== null && !current) notFound();
  const read = await readStateForm(form, current, user.is_superuser);
  const definition = withGuestRule(read.definition, current);
  // Everything the form re-renders exactly as submitted.
  const echo = { values: definition, labels: await stateLabels(definition), raw: read.raw, errorParams: read.errorParams };
  if (Object.keys(read.errors).length) return json({ ...NOTHING, ...echo, errors: read.errors }, { status: 400 });
  try {
    if (intent === "preview") {
      const preview = await previewStateDefinition(db, id, definition);
      return json({ ...NOTHING, ...echo, preview: { gaining: preview.gaining, losing: preview.losing, sampleGaining: preview.sampleGaining, sampleLosing: preview.sampleLosing } });
    }
    const saved = await saveStateDefinition(db, id, definition, actorFor(user, context));
    return redirectWithFlash(`/states/${saved.id}`, { level: "success", key: "states.saved", params: { gaining: saved.gaining, losing: saved.losing } });
  } catch (error) {
    if (error instanceof StateRuleError) return json({ ...NOTHING, ...echo, formError: ruleMessage(error) }, { status: 400 });
    throw error;
  }
}

export default function StateEditor() {
  const { t } = useTranslation();
  const { id, definition, choices, labels: loaded, canChange, canDelete, canChangePermissions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const values: StateDefinition = (data?.values as StateDefinition | null) ?? definition ?? { name: "", priority: 0, public: false, permissionIds: [], characterIds: [], corporationIds: [], allianceIds: [], factionIds: [] };
  const errors: Record<string, string> = data?.errors ?? {};
  const labels: PickerLabels | null = data?.labels ?? loaded;
  const isGuest = definition?.name === GUEST;
  // Re-mount the form when the values change (preview), so uncontrolled fields show them.
  const formKey = JSON.stringify([values, data?.raw]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{id === null ? t("states.new") : t("states.edit", { name: definition?.name })}</h1>
      {data?.formError ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" role="alert" data-testid="state-error">
          {t(data.formError.key, { ids: data.formError.ids })}
        </p>
      ) : null}
      {data?.preview ? (
        <section className="card" data-testid="state-preview" aria-live="polite">
          <h2 className="font-semibold">{t("states.preview.title")}</h2>
          <p className="mt-1 text-sm">{t("states.preview.summary", { gaining: data.preview.gaining, losing: data.preview.losing })}</p>
          {data.preview.sampleGaining.length ? <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{t("states.preview.gaining", { names: data.preview.sampleGaining.join(", ") })}</p> : null}
          {data.preview.sampleLosing.length ? <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{t("states.preview.losing", { names: data.preview.sampleLosing.join(", ") })}</p> : null}
        </section>
      ) : null}
      <PostForm key={formKey} className="card space-y-4">
        <fieldset disabled={!canChange} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <div>
              <label htmlFor="field-name" className="label">
                {t("states.field.name")}
              </label>
              <input id="field-name" name="name" defaultValue={values.name} disabled={isGuest} maxLength={32} className="input" aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? "field-name-error" : undefined} />
              <FieldError id="field-name-error" error={errors.name} />
            </div>
            <div>
              <label htmlFor="field-priority" className="label">
                {t("states.field.priority")}
              </label>
              <input id="field-priority" name="priority" inputMode="numeric" defaultValue={data?.raw?.priority ?? values.priority} className="input" aria-invalid={errors.priority ? true : undefined} aria-describedby={errors.priority ? "field-priority-error" : undefined} />
              <FieldError id="field-priority-error" error={errors.priority} />
            </div>
            <label className="flex items-center gap-2 pt-6 text-sm">
              <input type="checkbox" name="public" defaultChecked={values.public} disabled={isGuest} /> {t("states.field.public")}
            </label>
          </div>
          {isGuest ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("states.guestNote")}</p>
          ) : (
            <div className="grid gap-4 md:grid-cols-3">
              {STATE_PICKERS.map((picker) => (
                <div key={picker.name} className={picker.name === "characterIds" ? "md:col-span-3" : undefined}>
                  <MultiPicker
                    name={picker.name}
                    label={t(picker.label)}
                    selected={labels?.[picker.name] ?? []}
                    choices={picker.kind === "faction" ? choices.factions : undefined}
                    lookup={picker.kind === "faction" ? undefined : picker.kind}
                    typed={data?.raw?.typed[picker.name]}
                    disabled={!canChange}
                    error={errors[picker.name]}
                    errorParams={data?.errorParams[picker.name]}
                  />
                </div>
              ))}
            </div>
          )}
          <details open={canChangePermissions}>
            <summary className="cursor-pointer text-sm font-medium">{t("states.field.permissions")}</summary>
            {!canChangePermissions ? <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{t("states.permissionsSuperuserOnly")}</p> : null}
            <div className="mt-2 grid max-h-64 gap-1 overflow-y-auto text-sm sm:grid-cols-2">
              {choices.permissions.map((p) => (
                <label key={p.id} className="flex items-center gap-2">
                  <input type="checkbox" name="permissionIds" value={p.id} defaultChecked={values.permissionIds.includes(p.id)} disabled={!canChangePermissions} />
                  <span className="font-mono text-xs">
                    {p.app_label}.{p.codename}
                  </span>
                </label>
              ))}
            </div>
          </details>
          {canChange ? (
            <div className="flex gap-2">
              <button type="submit" name="intent" value="preview" className="btn-secondary" disabled={busy} data-testid="state-preview-button">
                {t("states.previewButton")}
              </button>
              <button type="submit" name="intent" value="save" className="btn-primary" disabled={busy} data-testid="state-save">
                {t("states.save")}
              </button>
            </div>
          ) : null}
        </fieldset>
      </PostForm>
      {canDelete ? (
        <PostForm className="card flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="confirm" /> {t("states.confirmDelete")}
          </label>
          <button type="submit" name="intent" value="delete" className="btn-secondary">
            {t("states.delete")}
          </button>
        </PostForm>
      ) : null}
    </div>
  );
}
