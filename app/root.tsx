import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import { DemoImages } from "./components/eve";
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteError } from "@remix-run/react";
import { I18nextProvider, useTranslation } from "react-i18next";
import stylesheet from "~/tailwind.css";
import { useNonce } from "./components/nonce";
import type { RootData } from "./components/root-data";
import { useRootData } from "./components/root-data";
import { Toasts } from "./components/toasts";
import { TopBar } from "./components/top-bar";
import { createI18n } from "./i18n/i18n";
import { ensureMessages, messagesFor } from "./i18n/catalogue-registry";
import { catalogueScripts, chooseLanguage } from "./i18n/i18n.server";
import { htmlLang } from "./i18n/languages";
import en from "./i18n/locales/en.json";
import { frameFigures, getCurrentUser } from "./web/guards.server";
import { unreadCount } from "./modules/notifications/notify.server";
import { getRuntime } from "./modules/runtime.server";
import { takeFlash } from "./web/flash.server";
import { themeCookie } from "./web/theme.server";
import { memoised } from "./web/request-context";
import { loadBranding } from "./modules/branding/branding.server";
import { isTheme } from "./modules/branding/constants";

/** The classes on <html> for each theme ("contrast" builds on the dark theme; see tailwind.css). */
const THEME_CLASS = { light: "", dark: "dark", contrast: "dark theme-contrast", amarr: "theme-amarr" } as const;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  const user = await getCurrentUser(request, context);
  const lang = await chooseLanguage(request, user?.language, settings.LANGUAGE_CODE);
  const cookieTheme = await themeCookie.parse(request.headers.get("Cookie"));
  const figures = user ? await frameFigures(request, context) : null;
  // A member's page read the branding with the session; otherwise (or after an action) on its own.
  const branding = await memoised(context, "branding", async () => figures?.branding ?? loadBranding(db));
  const choice = user ? user.theme : cookieTheme;
  const themeChoice = isTheme(choice) ? choice : null;
  const flash = await takeFlash(request);
  const unreadNotifications = user ? (figures?.unreadNotifications ?? (await unreadCount(db, user.id))) : 0;
  const data: RootData = {
    lang,
    messagesUrl: catalogueScripts[lang].url,
    theme: themeChoice ?? branding.defaultTheme,
    themeChoice,
    logoUrl: branding.logoUrl,
    faviconUrl: branding.faviconUrl,
    customCssUrl: branding.customCssUrl,
    csrfToken: context.csrfToken,
    siteName: branding.siteName ?? settings.SITE_NAME,
    user: user ? { username: user.username, isStaff: user.is_staff, isSuperuser: user.is_superuser } : null,
    unreadNotifications,
    notificationsRefreshTime: settings.NOTIFICATIONS_REFRESH_TIME,
    demoImages: settings.demoMode,
    flash: flash.messages,
  };
  return json(data, flash.clear ? { headers: { "Set-Cookie": flash.clear } } : undefined);
}

/** After a language change in the browser, the new language's catalogue is loaded before rendering. */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<RootData>();
  await ensureMessages(data.lang, data.messagesUrl);
  return data;
}

function Document({ data, title, children }: { data: RootData | undefined; title?: string; children: React.ReactNode }) {
  const nonce = useNonce();
  const lang = data?.lang ?? "en";
  const i18n = createI18n(lang, messagesFor(lang) ?? en, en);
  return (
    <I18nextProvider i18n={i18n}>
      <html lang={htmlLang(lang)} className={THEME_CLASS[data?.theme ?? "light"] ?? ""}>
        <head>
          <meta charSet="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {title ? <title>{title}</title> : null}
          <Meta />
          <link rel="icon" href={data?.faviconUrl ?? "/favicon.svg"} />
          <Links />
          {data?.customCssUrl ? <link rel="stylesheet" href={data.customCssUrl} data-testid="custom-css" /> : null}
          {data ? <script src={data.messagesUrl} nonce={nonce} defer /> : null}
        </head>
        <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
          {data ? <TopBar data={data} /> : null}
          {data ? <Toasts messages={data.flash} /> : null}
          {children}
          <ScrollRestoration nonce={nonce} />
          <Scripts nonce={nonce} />
        </body>
      </html>
    </I18nextProvider>
  );
}

export default function App() {
  const data = useLoaderData<typeof loader>() as unknown as RootData;
  return (
    <Document data={data}>
      <DemoImages.Provider value={data.demoImages}>
        <Outlet />
      </DemoImages.Provider>
    </Document>
  );
}

function ErrorContent() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const data = isRouteErrorResponse(error) && error.data && typeof error.data === "object" ? (error.data as { reason?: string } & Record<string, unknown>) : undefined;
  const reason = data?.reason;
  const known = [400, 403, 404, 405, 429].includes(status) ? status : 500;
  // The server logs its errors as JSON (handleError in entry.server); the browser logs its own.
  if (!isRouteErrorResponse(error) && typeof document !== "undefined") console.error(error);
  return (
    <main className="mx-auto max-w-xl px-4 py-16 text-center" data-testid={`error-${known}`}>
      <p className="text-5xl font-bold text-slate-500 dark:text-slate-400">{status}</p>
      <h1 className="mt-4 text-2xl font-semibold">{t(`errors.page.${known}.title`)}</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-300">{reason ? t(`errors.reason.${reason}`, data) : t(`errors.page.${known}.text`)}</p>
      <a href="/" className="btn-primary mt-6">
        {t("errors.backHome")}
      </a>
    </main>
  );
}

export function ErrorBoundary() {
  const data = useRootData();
  return (
    <Document data={data}>
      <ErrorContent />
    </Document>
  );
}
