import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/web/guards.server";
import { groupForUser } from "~/modules/groups/queries.server";
import { joinOrLeave } from "~/web/groups-routes.server";
import { notFound, pathId } from "~/web/params.server";
import { FlagBadges, MembershipButton } from "~/components/groups";
import { PostForm } from "~/components/forms";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.group.name ?? "Group" }];

/** One group; hidden groups are reachable only through this link. Groups the user may not join are not found. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const group = await groupForUser(getRuntime().db, user, pathId(params.groupId));
  if (!group) notFound();
  return json({ group });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const groupId = pathId(params.groupId);
  return joinOrLeave(request, context, () => `/groups/${groupId}`, groupId);
}

export default function GroupDetail() {
  const { t } = useTranslation();
  const { group } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link to="/groups" className="text-sky-700 hover:underline dark:text-sky-400">
          ← {t("groups.list.title")}
        </Link>
      </p>
      <div className="card space-y-3" data-testid={`group-detail-${group.id}`}>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold">
            {group.name} <FlagBadges group={group} />
          </h1>
          <PostForm>
            <MembershipButton group={group} />
          </PostForm>
        </div>
        {group.description ? <p className="whitespace-pre-line text-sm">{group.description}</p> : null}
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">{t("groups.col.leaders")}</dt>
          <dd>{[...group.leaders, ...group.leaderGroups].join(", ") || t("common.none")}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t("groups.detail.membership")}</dt>
          <dd data-testid="membership-status">{group.member ? t("groups.list.member") : t("groups.detail.notMember")}</dd>
        </dl>
      </div>
    </div>
  );
}
