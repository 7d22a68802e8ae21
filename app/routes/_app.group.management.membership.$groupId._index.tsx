import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { PostForm } from "~/components/forms";
import { actorFor, type CurrentUser, forbidden } from "~/web/guards.server";
import { removeMember } from "~/modules/groups/membership.server";
import { groupMembers, managedGroup } from "~/modules/groups/queries.server";
import { redirectWithFlash } from "~/web/flash.server";
import { requireGroupManager } from "~/web/groups-routes.server";
import { badRequest, formId, notFound, pathId } from "~/web/params.server";
import { ManagementTabs, MemberName } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.group.name}: members` : "Group members" }];

/** The group a manager may see: 404 when it does not exist, 403 when internal or not theirs. */
async function accessibleGroup(request: Request, context: LoaderFunctionArgs["context"], user: CurrentUser, groupId: number) {
  const access = await managedGroup(getRuntime().db, user, groupId);
  if (access.kind === "notFound") notFound();
  if (access.kind === "forbidden") return forbidden(user, context, request, "manager of this group");
  return access.group;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const group = await accessibleGroup(request, context, user, pathId(params.groupId));
  return json({ group, members: await groupMembers(getRuntime().db, group.id) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const groupId = pathId(params.groupId);
  const form = await request.formData();
  if (form.get("intent") !== "remove") badRequest();
  const outcome = await removeMember(getRuntime().db, user, groupId, formId(form.get("user")), actorFor(user, context));
  if (outcome.kind === "notFound") notFound();
  if (outcome.kind === "forbidden") return forbidden(user, context, request, "manager of this group");
  const back = `/group/management/membership/${groupId}`;
  if (outcome.kind === "notMember") return redirectWithFlash(back, { level: "warning", key: "groups.flash.userNotInGroup" });
  return redirectWithFlash(back, { level: "success", key: "groups.flash.removed", params: { user: outcome.username, group: outcome.groupName } });
}

export default function GroupMembers() {
  const { t } = useTranslation();
  const { group, members } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("groups.members.title", { group: group.name })}</h1>
      <ManagementTabs />
      <div className="flex flex-wrap gap-2 text-sm">
        <Link to="/group/management/membership" className="text-sky-700 hover:underline dark:text-sky-400">
          ← {t("groups.membership.title")}
        </Link>
        <Link to={`/group/management/membership/${group.id}/audit-log`} className="ml-auto text-sky-700 hover:underline dark:text-sky-400" data-testid="audit-log-link">
          {t("groups.membership.auditLog")}
        </Link>
      </div>
      {group.description ? <p className="whitespace-pre-line text-sm text-slate-600 dark:text-slate-300">{group.description}</p> : null}
      <Table
        testId="group-members"
        rows={members}
        rowKey={(m) => m.id}
        rowTestId={(m) => `member-${m.id}`}
        empty={t("groups.members.empty")}
        columns={[
          {
            id: "character",
            header: t("groups.col.character"),
            sortValue: (m) => m.mainCharacter ?? m.username,
            cell: (m) => (
              <>
                <MemberName member={m} />
                {m.isLeader ? (
                  <span className="ml-2 rounded bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-800 dark:bg-sky-900 dark:text-sky-100" data-testid={`leader-${m.id}`}>
                    {t("groups.members.leader")}
                  </span>
                ) : null}
              </>
            ),
          },
          { id: "corporation", header: t("groups.col.corporation"), sortValue: (m) => m.corporation, cell: (m) => m.corporation ?? "" },
          { id: "alliance", header: t("groups.col.alliance"), sortValue: (m) => m.alliance, cell: (m) => m.alliance ?? "" },
          {
            id: "actions",
            header: t("groups.col.actions"),
            cell: (m) => (
              <PostForm>
                <input type="hidden" name="user" value={m.id} />
                <button type="submit" name="intent" value="remove" className="btn-secondary py-1 text-xs" data-testid={`remove-member-${m.id}`} aria-label={`${t("groups.members.remove")}: ${m.mainCharacter ?? m.username}`}>
                  {t("groups.members.remove")}
                </button>
              </PostForm>
            ),
          },
        ]}
      />
    </div>
  );
}
