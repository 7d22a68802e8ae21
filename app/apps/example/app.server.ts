/**
 * The example app: the smallest complete app, switched on with APPS_ENABLED=example. It plugs in
 * through the public registry and the plugin API only, as a third party's app would
 * (docs/extending.md): a page, a menu entry, permissions, an admin resource (the greetings its job
 * sends), a dashboard widget, a job and its schedule, and its strings in four languages.
 */
import { z } from "zod";
import type { AppDefinition } from "../plugin-api.server";
import { greetingsResource } from "./admin-resource.server";
import { greetingFor, sendGreeting } from "./greeting.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";

export const EXAMPLE_PERMISSION = "example.view_example" as const;

export const exampleApp: AppDefinition = {
  id: "example",
  label: "example.title",
  optIn: true,
  paths: ["/example"],
  permissions: [
    { appLabel: "example", codename: "view_example", name: "Can view the example app" },
    ...(["view", "add", "change", "delete"] as const).map((verb) => ({ appLabel: "example", codename: `${verb}_greeting`, name: `Can ${verb} greeting` })),
  ],
  menu: [{ id: "example", label: "example.menu", to: "/example", icon: "puzzle", order: 1100, permission: EXAMPLE_PERMISSION }],
  adminResources: [greetingsResource],
  widgets: [{ id: "example.greeting", order: 500, permission: EXAMPLE_PERMISSION, load: (ctx, user) => greetingFor(ctx, user.id) }],
  tasks: {
    "example.send_greeting": {
      description: "Example app: send a greeting notification to one user.",
      payload: z.object({ userId: z.number().int().positive() }).strict(),
      run: async (payload: { userId: number }) => sendGreeting(payload.userId),
    },
  },
  crontab: [{ identifier: "example_weekly_hello", task: "example.send_greeting", pattern: "0 12 * * 1", priority: 9, description: "Example app: a weekly greeting to user 1 (shows an app's schedule entry)." }],
  messages: { en, de, es, "zh-hans": zhHans },
};
