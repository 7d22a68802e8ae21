import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm, SelectField, TextField } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { brandingForForm, MAX_ASSET_BYTES, removeAsset, saveAsset, saveBrandingSettings } from "~/modules/branding/branding.server";
import { ASSET_KINDS, THEMES, type AssetKind } from "~/modules/branding/constants";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requireSuperuser } from "~/web/guards.server";
import { readChoice, readForm, readText } from "~/web/input.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "branding.title");

/** Superusers only: the site's look for everyone (name, theme, logo, favicon, custom CSS). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSuperuser(request, context);
  return json({ branding: await brandingForForm(getRuntime().db), maxKb: MAX_ASSET_BYTES / 1024 });
}

const saved = (to = "/admin/branding") => redirectWithFlash(to, { level: "success", key: "branding.saved" });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireSuperuser(request, context);
  const actor = actorFor(user, context);
  const { db } = getRuntime();
  const form = await readForm(request);
  const intent = readChoice(form, "intent", ["settings", "upload", "remove"] as const);
  if (intent === "settings") {
    const values = { siteName: readText(form, "siteName", { max: 1000 }), defaultTheme: readText(form, "defaultTheme", { max: 20 }), customCss: readText(form, "customCss", { max: 200_000, trim: false }) };
    const result = await saveBrandingSettings(db, values, actor);
    if (!result.ok) return json({ intent, values, errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, `branding.errors.${v}`])) as Record<string, string> }, { status: 400 });
    return saved();
  }
  const kind = readChoice(form, "kind", ASSET_KINDS);
  if (!kind) return json({ intent, kind, values: null, errors: { kind: "admin.errors.choice" } as Record<string, string> }, { status: 400 });
  if (intent === "remove") {
    await removeAsset(db, kind, actor);
    return saved();
  }
  if (intent !== "upload") return json({ intent, kind, values: null, errors: { _form: "admin.errors.choice" } as Record<string, string> }, { status: 400 });
  const file = form.get("file");
  const data = file && typeof file !== "string" ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
  const result = await saveAsset(db, kind, data, actor);
  if (!result.ok) return json({ intent, kind, values: null, errors: { [`file-${kind}`]: `branding.errors.${result.error}` } as Record<string, string> }, { status: result.error === "tooLarge" ? 413 : 400 });
  return saved();
}

function AssetForm({ kind, url, error, maxKb }: { kind: AssetKind; url: string | null; error?: string; maxKb: number }) {
  const { t } = useTranslation();
  const id = `field-file-${kind}`;
  return (
    <section className="card space-y-3" data-testid={`branding-${kind}`}>
      <h2 className="text-lg font-semibold">{t(`branding.${kind}.title`)}</h2>
      {url ? <img src={url} alt={t(`branding.${kind}.current`)} className="h-12 w-auto" data-testid={`branding-${kind}-current`} /> : <p className="text-sm">{t(`branding.${kind}.none`)}</p>}
      <PostForm encType="multipart/form-data" className="space-y-2">
        <input type="hidden" name="kind" value={kind} />
        <label htmlFor={id} className="label">
          {t("branding.file", { maxKb })}
        </label>
        <input id={id} type="file" name="file" accept="image/png,image/jpeg,image/webp,image/svg+xml" className="input" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} data-testid={`branding-${kind}-file`} />
        <FieldError id={`${id}-error`} error={error} />
        <button type="submit" name="intent" value="upload" className="btn-primary" data-testid={`branding-${kind}-upload`}>
          {t("branding.upload")}
        </button>
      </PostForm>
      {url ? (
        <PostForm>
          <input type="hidden" name="kind" value={kind} />
          <button type="submit" name="intent" value="remove" className="btn-secondary" data-testid={`branding-${kind}-remove`}>
            {t("branding.remove")}
          </button>
        </PostForm>
      ) : null}
    </section>
  );
}

export default function AdminBranding() {
  const { branding, maxKb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const errors: Record<string, string> = result?.errors ?? {};
  const values = result?.intent === "settings" && result.values ? result.values : branding;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("branding.title")}</h1>
      <p className="text-sm">{t("branding.intro")}</p>
      <PostForm key={JSON.stringify(values)} className="card space-y-4" data-testid="branding-settings">
        <TextField name="siteName" label={t("branding.siteName")} defaultValue={values.siteName} error={errors.siteName} />
        <SelectField name="defaultTheme" label={t("branding.defaultTheme")} defaultValue={values.defaultTheme} error={errors.defaultTheme} options={THEMES.map((theme) => ({ value: theme, label: t(`branding.theme.${theme}`) }))} />
        <div>
          <label htmlFor="field-customCss" className="label">
            {t("branding.customCss")}
          </label>
          <textarea
            id="field-customCss"
            name="customCss"
            rows={10}
            defaultValue={values.customCss}
            spellCheck={false}
            className="input font-mono"
            aria-invalid={errors.customCss ? true : undefined}
            aria-describedby={errors.customCss ? "field-customCss-error" : "field-customCss-help"}
          />
          <p id="field-customCss-help" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            {t("branding.customCssHelp")}
          </p>
          <FieldError id="field-customCss-error" error={errors.customCss} />
        </div>
        <button type="submit" name="intent" value="settings" className="btn-primary" data-testid="branding-save">
          {t("admin.save")}
        </button>
      </PostForm>
      {ASSET_KINDS.map((kind) => (
        <AssetForm key={kind} kind={kind} url={branding[kind === "logo" ? "logoUrl" : "faviconUrl"]} error={errors[`file-${kind}`]} maxKb={maxKb} />
      ))}
    </div>
  );
}
