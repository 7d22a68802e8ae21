/**
 * The browser side of the apps' dashboard widgets, by widget id (the server side is `widgets` in
 * each app's definition, app/apps/registry.server.ts). An app with a widget adds one line here.
 */
import type { ComponentType } from "react";
import { AnnouncementsWidget } from "./announcements/widget";
import { GreetingWidget } from "./example/widget";
import { FleetActivityWidget } from "./fleetactivitytracking/widget";
import { UpcomingOpsWidget } from "./optimer/widget";
import { UpcomingTimersWidget } from "./timerboard/widget";

export const widgetComponents: Record<string, ComponentType<{ data: any }>> = {
  "announcements.active": AnnouncementsWidget,
  "example.greeting": GreetingWidget,
  "timerboard.upcoming": UpcomingTimersWidget,
  "optimer.upcoming": UpcomingOpsWidget,
  "fleetactivitytracking.activity": FleetActivityWidget,
};
