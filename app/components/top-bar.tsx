import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGE_NAMES } from "~/i18n/languages";
import { PostForm, ReturnToInput } from "./forms";
import { NotificationBell } from "./notification-bell";
import type { RootData } from "./root-data";

function autoSubmit(event: React.ChangeEvent<HTMLSelectElement>) {
  event.currentTarget.form?.requestSubmit();
}

export function LanguageSwitcher({ lang }: { lang: string }) {
  const { t } = useTranslation();
  return (
    <PostForm action="/settings/language" className="flex items-center gap-1" reloadDocument>
      <ReturnToInput />
      <label htmlFor="language-select" className="sr-only">
        {t("common.language")}
      </label>
      <select id="language-select" name="language" defaultValue={lang} onChange={autoSubmit} className="input w-auto py-1" data-testid="language-select">
        {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
      <button type="submit" className="btn-secondary py-1" data-testid="language-submit">
        {t("common.apply")}
      </button>
    </PostForm>
  );
}

export function ThemeToggle({ theme }: { theme: "light" | "dark" }) {
  const { t } = useTranslation();
  const next = theme === "dark" ? "light" : "dark";
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

export function TopBar({ data }: { data: RootData }) {
  const { t } = useTranslation();
  return (
    <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-700 dark:bg-slate-900">
      <Link to="/" className="text-lg font-semibold text-slate-900 dark:text-white">
        {data.siteName}
      </Link>
      <div className="flex flex-wrap items-center gap-2">
        <LanguageSwitcher lang={data.lang} />
        <ThemeToggle theme={data.theme} />
        {data.user ? (
          <div className="flex items-center gap-2" data-testid="user-menu">
            <NotificationBell unread={data.unreadNotifications} refreshSeconds={data.notificationsRefreshTime} />
            <span className="text-sm text-slate-700 dark:text-slate-200">{data.user.username}</span>
            <PostForm action="/logout">
              <button type="submit" className="btn-secondary py-1" data-testid="logout">
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
