/**
 * What an app's route modules use from the core's web layer (docs/extending.md): the guards, the
 * strict form readers, the page title, and the app context (database and settings) of this process.
 */
export { actorFor, hasPermission, requirePermission, requireStaff, requireSuperuser, requireUser } from "~/web/guards.server";
export { badInput, paramsOf, readChoice, readForm, readInt, readText } from "~/web/input.server";
export { formId, pathId } from "~/web/params.server";
export { pageTitle } from "~/i18n/meta";
export { appContext } from "./plugin-api.server";
