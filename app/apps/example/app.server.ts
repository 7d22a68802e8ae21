/**
 * The example app: the smallest complete app, switched on with APPS_ENABLED=example. It shows how a
 * third-party app plugs in through the public registry only (docs/extending.md).
 */
import type { AppDefinition } from "../types";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { greetingFor } from "./greeting.server";

export const EXAMPLE_PERMISSION = "example.view_example" as const;

export const exampleApp: AppDefinition = {
  id: "example",
  label: "example.title",
  optIn: true,
  paths: ["/example"],
  permissions: [{ appLabel: "example", codename: "view_example", name: "Can view the example app" }],
  menu: [{ id: "example", label: "example.menu", to: "/example", order: 1100, permission: EXAMPLE_PERMISSION }],
  widgets: [{ id: "example.greeting", order: 500, permission: EXAMPLE_PERMISSION, load: ({ db }, user) => greetingFor(db, user.id) }],
  messages: { en, de, es, "zh-hans": zhHans },
};
