import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { LabelledField, PostForm, TextField } from "~/components/forms";
import { MultiPicker } from "~/components/multi-picker";
import { actorFor, type CurrentUser, forbidden, hasPermission } from "~/web/guards.server";
import { createGroup, GroupError } from "~/modules/groups/admin.server";
import { DEFAULT_GROUP_SETTINGS, GROUP_FLAGS } from "~/modules/groups/defaults";
import { pendingRequestsFor, showLeaveTab } from "~/modules/groups/queries.server";
import { decideRequest, groupRequestOptions } from "~/modules/groups/requests.server";
import { redirectWithFlash } from "~/web/flash.server";
import { requireGroupManager } from "~/web/groups-routes.server";
import { badRequest, formId, formIds, notFound } from "~/web/params.server";
import { ManagementTabs, MemberName } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";
import { DateTime } from "~/components/date-time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "groups.management.title");

const canCreateGroups = (user: CurrentUser) => hasPermission(user, "auth.add_group") && hasPermission(user, "auth.change_group");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const { db, settings } = getRuntime();
  const requests = await pendingRequestsFor(db, user);
  const leaveTab = await showLeaveTab(db, settings.GROUPMANAGEMENT_AUTO_LEAVE);
  const tab = new URL(request.url).searchParams.get("tab") === "leave" && leaveTab ? "leave" : "join";
  const canCreate = canCreateGroups(user);
  const [states, groups] = canCreate
    ? await Promise.all([db.selectFrom("states").select(["id", "name"]).orderBy("priority", "desc").execute(), db.selectFrom("auth_groups").select(["id", "name"]).orderBy("name").execute()])
    : [[], []];
  const rows = (list: typeof requests.join) => list.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  return json({
    tab,
    showLeaveTab: leaveTab,
    join: rows(requests.join),
    leave: rows(requests.leave),
    create: canCreate ? { states, groups, restricted: user.is_superuser } : null,
  });
}

const FIELDS = ["name", "description", "leader", "leaderGroup", "states"] as const;
type CreateErrors = Partial<Record<(typeof FIELDS)[number], string>>;

async function create(request: Request, context: ActionFunctionArgs["context"], user: CurrentUser, form: FormData) {
  if (!canCreateGroups(user)) await forbidden(user, context, request, "auth.add_group");
  const { db } = getRuntime();
  const text = (name: string) => String(form.get(name) ?? "");
  const leaderGroupIds = formIds(form, "leaderGroups");
  const stateIds = formIds(form, "states");
  // Re-rendered with the form after an error: the text as typed, the choices as ticked.
  const values = { name: text("name").slice(0, 200), description: text("description").slice(0, 600), leaders: text("leaders").slice(0, 2000), leaderGroups: leaderGroupIds.map(String), states: stateIds.map(String) };
  const fail = (errors: CreateErrors) => json({ errors, values }, { status: 400 });
  // Only superusers may set "restricted", as in the original's admin.
  if (form.get("restricted") && !user.is_superuser) await forbidden(user, context, request, "is_superuser");
  const usernames = [...new Set(values.leaders.split(/[\s,]+/).filter(Boolean))];
  if (usernames.length > 100) return fail({ leader: "groups.errors.unknownLeader" });
  const leaders = usernames.length ? await db.selectFrom("users").select(["id", "username"]).where("username", "in", usernames).execute() : [];
  if (leaders.length !== usernames.length) return fail({ leader: "groups.errors.unknownLeader" });
  try {
    const group = await createGroup(
      db,
      {
        name: values.name,
        description: values.description,
        ...Object.fromEntries(GROUP_FLAGS.map((flag) => [flag, form.get(flag) === "on"])),
        leaderUserIds: leaders.map((l) => l.id),
        leaderGroupIds,
        stateIds,
      },
      actorFor(user, context),
    );
    return redirectWithFlash("/group/management", { level: "success", key: "groups.flash.created", params: { group: group.name } });
  } catch (error) {
    if (error instanceof GroupError) return fail({ [FIELDS.find((f) => f === error.field) ?? "name"]: error.key });
    throw error;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "create") return create(request, context, user, form);
  if (intent !== "accept" && intent !== "reject") badRequest();
  const { db, settings } = getRuntime();
  const outcome = await decideRequest(db, user, formId(form.get("request")), intent === "accept", actorFor(user, context), groupRequestOptions(settings));
  if (outcome.kind === "notFound") notFound();
  if (outcome.kind === "forbidden") return forbidden(user, context, request, "group leader of the requested group");
  if (outcome.kind === "alreadyHandled") return redirectWithFlash("/group/management", { level: "warning", key: "groups.flash.alreadyHandled" });
  const back = outcome.leave ? "/group/management?tab=leave" : "/group/management";
  const params = { mainchar: outcome.requester, group: outcome.groupName };
  if (outcome.leave) {
    return redirectWithFlash(back, outcome.accepted ? { level: "success", key: "groups.flash.acceptedLeave", params } : { level: "success", key: "groups.flash.rejectedLeave", params });
  }
  return redirectWithFlash(back, outcome.accepted ? { level: "success", key: "groups.flash.acceptedJoin", params } : { level: "success", key: "groups.flash.rejectedJoin", params });
}

type RequestRow = ReturnType<typeof useLoaderData<typeof loader>>["join"][number];

function RequestTable({ rows, leave }: { rows: RequestRow[]; leave: boolean }) {
  const { t } = useTranslation();
  return (
    <Table
      testId={leave ? "leave-requests" : "join-requests"}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId={(r) => `request-${r.id}`}
      empty={t(leave ? "groups.management.noLeaveRequests" : "groups.management.noJoinRequests")}
      columns={[
        { id: "requested", header: t("groups.col.requestedAt"), className: "whitespace-nowrap", cell: (r) => <DateTime iso={r.createdAt} /> },
        {
          id: "character",
          header: t("groups.col.character"),
          cell: (r) => <MemberName member={r} />,
        },
        { id: "corporation", header: t("groups.col.corporation"), cell: (r) => r.corporation ?? "" },
        { id: "group", header: t("groups.col.group"), cell: (r) => r.groupName },
        {
          id: "actions",
          header: t("groups.col.actions"),
          cell: (r) => (
            <PostForm className="flex gap-2">
              <input type="hidden" name="request" value={r.id} />
              <button type="submit" name="intent" value="accept" className="btn-primary py-1 text-xs" data-testid={`accept-${r.id}`}>
                {t("groups.management.accept")}
              </button>
              <button type="submit" name="intent" value="reject" className="btn-secondary py-1 text-xs" data-testid={`reject-${r.id}`}>
                {t("groups.management.reject")}
              </button>
            </PostForm>
          ),
        },
      ]}
    />
  );
}

/** The picker's choices from id/name rows, and those of them that were ticked. */
function pickerOf(rows: { id: number; name: string }[], ticked: string[]) {
  const choices = rows.map((row) => ({ value: String(row.id), label: row.name }));
  return { choices, selected: choices.filter((c) => ticked.includes(c.value)) };
}

function CreateGroupForm({ options }: { options: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["create"]> }) {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: CreateErrors = data && "errors" in data ? data.errors : {};
  const values = data && "values" in data ? data.values : { name: "", description: "", leaders: "", leaderGroups: [], states: [] };
  return (
    <details className="card" open={Object.keys(errors).length > 0} data-testid="create-group">
      <summary className="cursor-pointer text-lg font-semibold">{t("groups.create.title")}</summary>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("groups.create.intro")}</p>
      <PostForm className="mt-4 space-y-4">
        <TextField name="name" label={t("groups.create.name")} defaultValue={values.name} error={errors.name} required />
        <LabelledField id="field-description" label={t("groups.create.description")} error={errors.description}>
          <textarea id="field-description" name="description" defaultValue={values.description} maxLength={512} rows={3} className="input" aria-describedby={errors.description ? "field-description-error" : undefined} />
        </LabelledField>
        <fieldset>
          <legend className="label">{t("groups.create.flags")}</legend>
          <div className="flex flex-wrap gap-4">
            {GROUP_FLAGS.filter((flag) => flag !== "restricted" || options.restricted).map((flag) => (
              <label key={flag} className="inline-flex items-center gap-2 text-sm">
                <input type="checkbox" name={flag} defaultChecked={DEFAULT_GROUP_SETTINGS[flag]} data-testid={`flag-${flag}`} />
                <span>
                  <span className="font-medium">{t(`groups.flags.${flag}`)}</span>
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{t(`groups.flagHelp.${flag}`)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <TextField name="leaders" label={t("groups.create.leaders")} defaultValue={values.leaders} error={errors.leader} />
        <div className="grid gap-4 md:grid-cols-2">
          <MultiPicker name="leaderGroups" label={t("groups.create.leaderGroups")} {...pickerOf(options.groups, values.leaderGroups)} error={errors.leaderGroup} />
          <MultiPicker name="states" label={t("groups.create.states")} {...pickerOf(options.states, values.states)} error={errors.states} />
        </div>
        <button type="submit" name="intent" value="create" className="btn-primary" disabled={busy} data-testid="create-group-submit">
          {t("groups.create.submit")}
        </button>
      </PostForm>
    </details>
  );
}

export default function GroupManagement() {
  const { t } = useTranslation();
  const { tab, showLeaveTab, join, leave, create } = useLoaderData<typeof loader>();
  const tabClass = (active: boolean) => `rounded-md px-3 py-1 text-sm font-medium ${active ? "bg-slate-200 dark:bg-slate-700" : "text-sky-700 hover:underline dark:text-sky-400"}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("groups.management.title")}</h1>
      <ManagementTabs pending={join.length + leave.length} />
      <div className="flex gap-2" role="tablist">
        <Link to="/group/management" role="tab" aria-selected={tab === "join"} className={tabClass(tab === "join")} data-testid="tab-join">
          {t("groups.management.joinRequests", { n: join.length })}
        </Link>
        {showLeaveTab ? (
          <Link to="/group/management?tab=leave" role="tab" aria-selected={tab === "leave"} className={tabClass(tab === "leave")} data-testid="tab-leave">
            {t("groups.management.leaveRequests", { n: leave.length })}
          </Link>
        ) : null}
      </div>
      {tab === "leave" ? <RequestTable rows={leave} leave /> : <RequestTable rows={join} leave={false} />}
      {create ? <CreateGroupForm options={create} /> : null}
    </div>
  );
}
