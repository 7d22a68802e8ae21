import { useRouteLoaderData } from "@remix-run/react";
import type { LanguageCode } from "~/i18n/languages";

export interface RootData {
  lang: LanguageCode;
  /** The language's catalogue script (see i18n/catalogue-registry.ts). */
  messagesUrl: string;
  /** The theme in use (the member's choice, else the visitor's cookie, else the site's default). */
  theme: "light" | "dark" | "contrast" | "amarr";
  /** The member's own choice, or null when the site's default applies. */
  themeChoice: "light" | "dark" | "contrast" | "amarr" | null;
  /** Branding (app/modules/branding): the uploaded logo and favicon, the custom stylesheet. */
  logoUrl: string | null;
  faviconUrl: string | null;
  customCssUrl: string | null;
  csrfToken: string;
  siteName: string;
  user: { username: string; isStaff: boolean; isSuperuser: boolean } | null;
  /** Unread notifications of the logged-in user (0 when logged out). */
  unreadNotifications: number;
  /** Seconds between unread-count refreshes in the browser (NOTIFICATIONS_REFRESH_TIME); 0 = off. */
  notificationsRefreshTime: number;
  /** Demo mode: EVE images come from the local placeholders (app/routes/demo-images.$kind.$id.ts). */
  demoImages: boolean;
  flash: { level: "info" | "success" | "warning" | "danger"; key: string; params?: Record<string, string | number> }[];
}

/** Data of the root loader; undefined only when the root loader itself failed. */
export function useRootData(): RootData | undefined {
  return useRouteLoaderData("root") as RootData | undefined;
}
