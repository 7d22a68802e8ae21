import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGE_NAMES } from "~/i18n/languages";
import { THEMES } from "~/modules/branding/constants";
import { PostForm, ReturnToInput } from "./forms";
import { Icon } from "./icon";
import { beyondLatin1, latin1Markup } from "./latin1-markup";
import { NotificationBell } from "./notification-bell";
import type { RootData } from "./root-data";
import { useHydrated } from "./use-hydrated";

function autoSubmit(event: React.ChangeEvent<HTMLSelectElement>) {
  event.currentTarget.form?.requestSubmit();
}

/** A preference chosen from a list: submitted on change with JavaScript, by its button without (the button goes once JavaScript runs). */
function PreferenceSwitcher({ action, name, label, value, options }: { action: string; name: string; label: string; value: string; options: { value: string; label: string; lang?: string }[] }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  return (
    <PostForm action={action} className="flex items-center gap-1" reloadDocument>
      <ReturnToInput />
      <label htmlFor={`${name}-select`} className="sr-only">
        {label}
      </label>
      <select id={`${name}-select`} name={name} defaultValue={value} onChange={autoSubmit} className="input w-auto py-1" data-testid={`${name}-select`}>
        {options.map((o) =>
          // 简体中文 on a page in another language: written so the page stays Latin-1 (latin1-markup.ts).
          beyondLatin1(o.label) ? (
            <option key={o.value} value={o.value} lang={o.lang} dangerouslySetInnerHTML={{ __html: latin1Markup(o.label) }} />
          ) : (
            <option key={o.value} value={o.value} lang={o.lang}>
              {o.label}
            </option>
          ),
        )}
      </select>
      {hydrated ? null : (
        <button type="submit" className="btn-secondary py-1" data-testid={`${name}-submit`}>
          {t("common.apply")}
        </button>
      )}
    </PostForm>
  );
}

export function LanguageSwitcher({ lang }: { lang: string }) {
  const { t } = useTranslation();
  const options = Object.entries(LANGUAGE_NAMES).map(([code, name]) => ({ value: code, label: name, lang: code }));
  return <PreferenceSwitcher action="/settings/language" name="language" label={t("common.language")} value={lang} options={options} />;
}

/** Light ↔ dark in one click (from an alternative theme: to light or dark by its base). */
export function ThemeToggle({ theme }: { theme: RootData["theme"] }) {
  const { t } = useTranslation();
  const next = theme === "dark" || theme === "contrast" ? "light" : "dark";
  return (
    <PostForm action="/settings/theme">
      <ReturnToInput />
      <input type="hidden" name="theme" value={next} />
      <button type="submit" className="btn-secondary py-1" data-testid="theme-toggle">
        {next === "dark" ? t("common.darkMode") : t("common.lightMode")}
      </button>
    </PostForm>
  );
}

/** Every theme, and the site's default (the member's choice is then cleared). */
export function ThemeSwitcher({ choice }: { choice: RootData["themeChoice"] }) {
  const { t } = useTranslation();
  const options = [{ value: "default", label: t("branding.theme.siteDefault") }, ...THEMES.map((theme) => ({ value: theme, label: t(`branding.theme.${theme}`) }))];
  return <PreferenceSwitcher action="/settings/theme" name="theme" label={t("branding.theme.label")} value={choice ?? "default"} options={options} />;
}

/**
 * The site name, the notification bell, and the preferences and account buttons. On a phone the
 * latter sit behind a settings button (a checkbox and its label: no JavaScript needed), so the page's
 * content starts on the first screen; from `md` up they are always shown.
 */
export function TopBar({ data }: { data: RootData }) {
  const { t } = useTranslation();
  return (
    <header className="flex flex-wrap items-center gap-3 border-b md:flex-nowrap border-slate-200 bg-white px-4 py-3 dark:border-slate-700 dark:bg-slate-900">
      <Link to="/" className="mr-auto flex shrink-0 items-center gap-2 text-lg font-semibold text-slate-900 dark:text-white" data-testid="site-name">
        {data.logoUrl ? <img src={data.logoUrl} alt="" className="h-8 w-auto max-w-[8rem] object-contain" data-testid="site-logo" /> : null}
        <span>{data.siteName}</span>
      </Link>
      <input type="checkbox" id="top-bar-toggle" className="peer sr-only md:hidden" data-testid="top-bar-toggle" />
      <label htmlFor="top-bar-toggle" className="btn-secondary cursor-pointer py-1 peer-focus-visible:ring-2 peer-focus-visible:ring-sky-500 md:hidden" title={t("common.preferences")} data-testid="top-bar-toggle-label">
        <Icon name="settings" className="shrink-0" />
        <span className="sr-only">{t("common.preferences")}</span>
      </label>
      {data.user ? (
        <span className="shrink-0 md:order-last">
          <NotificationBell unread={data.unreadNotifications} refreshSeconds={data.notificationsRefreshTime} />
        </span>
      ) : null}
      <div className="order-last hidden w-full flex-wrap items-center gap-2 peer-checked:flex md:order-none md:flex md:w-auto md:justify-end">
        <LanguageSwitcher lang={data.lang} />
        <ThemeSwitcher choice={data.themeChoice} />
        <ThemeToggle theme={data.theme} />
        {data.user ? (
          <div className="flex flex-wrap items-center justify-end gap-2" data-testid="user-menu">
            <span className="text-sm text-slate-700 dark:text-slate-200">{data.user.username}</span>
            <PostForm action="/logout">
              <button type="submit" className="btn-secondary py-1" data-testid="logout">
                <Icon name="log-out" />
                {t("common.logout")}
              </button>
            </PostForm>
            <PostForm action="/logout-everywhere">
              <button type="submit" className="btn-secondary py-1" data-testid="logout-everywhere">
                {t("common.logoutEverywhere")}
              </button>
            </PostForm>
          </div>
        ) : null}
      </div>
    </header>
  );
}
