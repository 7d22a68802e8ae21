import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { actorFor, hasPermission, requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { editorChoices, readStateForm } from "~/modules/states/editor.server";
import { GUEST } from "~/modules/states/evaluate.server";
import { deleteState, getStateDefinition, previewStateDefinition, saveStateDefinition, type StateDefinition, StateRuleError } from "~/modules/states/states.server";
import { flashHeader } from "~/web/flash.server";
import { notFound, pathId } from "~/web/params.server";

export const meta: MetaFunction = () => [{ title: "State" }];

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
    choices: await editorChoices(db),
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

export async function action({ request, context, params }: ActionFunctionArgs) {
  const id = stateId(params.id);
  const form = await request.formData();
  const intent = form.get("intent");
  const { db } = getRuntime();
  if (intent === "delete") {
    const user = await requirePermission(request, context, "authentication.delete_state");
    if (id === null) notFound();
    if (form.get("confirm") !== "on") return json({ formError: { key: "states.errors.confirmDelete", ids: "" }, preview: null, values: null, errors: {} }, { status: 400 });
    try {
      const result = await deleteState(db, id, actorFor(user, context));
      return redirect("/states", { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "states.deleted", params: { moved: result.moved } }) } });
    } catch (error) {
      if (error instanceof StateRuleError) return json({ formError: ruleMessage(error), preview: null, values: null, errors: {} }, { status: 400 });
      throw error;
    }
  }
  const user = await requirePermission(request, context, id === null ? "authentication.add_state" : "authentication.change_state");
  const current = id === null ? null : await getStateDefinition(db, id);
  if (id !== null && !current) notFound();
  const { definition, errors } = readStateForm(form, current, user.is_superuser);
  if (current?.name === GUEST) {
    // Only priority and permissions of Guest can change (as in the original).
    Object.assign(definition, { name: GUEST, public: current.public, characterIds: current.characterIds, corporationIds: current.corporationIds, allianceIds: current.allianceIds, factionIds: current.factionIds });
  }
  if (Object.keys(errors).length) return json({ formError: null, preview: null, values: definition, errors }, { status: 400 });
  try {
    if (intent === "preview") {
      const preview = await previewStateDefinition(db, id, definition);
      return json({ formError: null, preview: { gaining: preview.gaining, losing: preview.losing, sampleGaining: preview.sampleGaining, sampleLosing: preview.sampleLosing }, values: definition, errors: {} });
    }
    const saved = await saveStateDefinition(db, id, definition, actorFor(user, context));
    return redirect(`/states/${saved.id}`, { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "states.saved", params: { gaining: saved.gaining, losing: saved.losing } }) } });
  } catch (error) {
    if (error instanceof StateRuleError) return json({ formError: ruleMessage(error), preview: null, values: definition, errors: {} }, { status: 400 });
    throw error;
  }
}

function Picker({ name, label, options, selected, disabled }: { name: string; label: string; options: { id: number; name: string; ticker?: string }[]; selected: number[]; disabled: boolean }) {
  return (
    <div>
      <label htmlFor={`field-${name}`} className="label">
        {label}
      </label>
      <select id={`field-${name}`} name={name} multiple size={Math.min(8, Math.max(3, options.length))} defaultValue={selected.map(String)} disabled={disabled} className="input" data-testid={`field-${name}`}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
            {o.ticker ? ` [${o.ticker}]` : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function StateEditor() {
  const { t } = useTranslation();
  const { id, definition, choices, canChange, canDelete, canChangePermissions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const values: StateDefinition = (data?.values as StateDefinition | null) ?? definition ?? { name: "", priority: 0, public: false, permissionIds: [], characterIds: [], corporationIds: [], allianceIds: [], factionIds: [] };
  const errors: Record<string, string> = (data?.errors as Record<string, string>) ?? {};
  const isGuest = definition?.name === GUEST;
  // Re-mount the form when the values change (preview), so uncontrolled fields show them.
  const formKey = JSON.stringify(values);
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
          {data.preview.sampleGaining.length ? <p className="mt-1 text-xs text-slate-500">{t("states.preview.gaining", { names: data.preview.sampleGaining.join(", ") })}</p> : null}
          {data.preview.sampleLosing.length ? <p className="mt-1 text-xs text-slate-500">{t("states.preview.losing", { names: data.preview.sampleLosing.join(", ") })}</p> : null}
        </section>
      ) : null}
      <PostForm key={formKey} className="card space-y-4">
        <fieldset disabled={!canChange} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <div>
              <label htmlFor="field-name" className="label">
                {t("states.field.name")}
              </label>
              <input id="field-name" name="name" defaultValue={values.name} disabled={isGuest} maxLength={32} className="input" aria-invalid={errors.name ? true : undefined} />
              {errors.name ? <p className="field-error">{t(errors.name)}</p> : null}
            </div>
            <div>
              <label htmlFor="field-priority" className="label">
                {t("states.field.priority")}
              </label>
              <input id="field-priority" name="priority" type="number" defaultValue={values.priority} className="input" aria-invalid={errors.priority ? true : undefined} />
              {errors.priority ? <p className="field-error">{t(errors.priority)}</p> : null}
            </div>
            <label className="flex items-center gap-2 pt-6 text-sm">
              <input type="checkbox" name="public" defaultChecked={values.public} disabled={isGuest} /> {t("states.field.public")}
            </label>
          </div>
          {isGuest ? (
            <p className="text-sm text-slate-500">{t("states.guestNote")}</p>
          ) : (
            <div className="grid gap-4 md:grid-cols-3">
              <Picker name="corporationIds" label={t("states.field.corporations")} options={choices.corporations} selected={values.corporationIds} disabled={!canChange} />
              <Picker name="allianceIds" label={t("states.field.alliances")} options={choices.alliances} selected={values.allianceIds} disabled={!canChange} />
              <Picker name="factionIds" label={t("states.field.factions")} options={choices.factions} selected={values.factionIds} disabled={!canChange} />
              <div className="md:col-span-3">
                <label htmlFor="field-characterIds" className="label">
                  {t("states.field.characters")}
                </label>
                <textarea id="field-characterIds" name="characterIds" defaultValue={values.characterIds.join(", ")} rows={2} className="input" />
                {errors.characterIds ? <p className="field-error">{t(errors.characterIds)}</p> : null}
              </div>
            </div>
          )}
          <details open={canChangePermissions}>
            <summary className="cursor-pointer text-sm font-medium">{t("states.field.permissions")}</summary>
            {!canChangePermissions ? <p className="mt-1 text-xs text-slate-500">{t("states.permissionsSuperuserOnly")}</p> : null}
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
