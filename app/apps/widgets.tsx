/**
 * The browser side of the apps' dashboard widgets, by widget id (the server side is `widgets` in
 * each app's definition, app/apps/registry.server.ts). An app with a widget adds one line here.
 */
import type { ComponentType } from "react";
import { AnnouncementsWidget } from "./announcements/widget";
import { GreetingWidget } from "./example/widget";

export const widgetComponents: Record<string, ComponentType<{ data: any }>> = {
  "announcements.active": AnnouncementsWidget,
  "example.greeting": GreetingWidget,
};
