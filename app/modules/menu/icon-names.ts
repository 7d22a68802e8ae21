/**
 * The names of the site's icons (drawn by app/components/icon.tsx from lucide-react, one map): the
 * sidebar entries declared in code name one (`MenuItem.icon`), the admin's menu editor stores one per
 * link or folder (`MENU_ICONS`, a subset offered in the editor), and pages use them on their main
 * actions. Client-safe and free of React so domain modules may name icons.
 */
export const ICON_NAMES = [
  // Offered in the menu editor (stored by name in menu_items.icon).
  "link",
  "book",
  "chat",
  "calendar",
  "chart",
  "shield",
  "rocket",
  "star",
  // Used by the code's own entries and actions.
  "dashboard",
  "user",
  "users",
  "key",
  "bell",
  "plug",
  "radio",
  "landmark",
  "shield-check",
  "scroll",
  "settings",
  "clock",
  "crosshair",
  "coins",
  "flag",
  "building",
  "file-text",
  "puzzle",
  "menu",
  "plus",
  "trash",
  "log-out",
  "inbox",
  "paintbrush",
  "megaphone",
] as const;

export type IconName = (typeof ICON_NAMES)[number];

export const isIconName = (value: unknown): value is IconName => (ICON_NAMES as readonly unknown[]).includes(value);
