import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvCell, listAll, listParams, requireAdmin } from "~/web/admin-engine.server";

/** CSV of the filtered, sorted list (the same query as the list page, without paging). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { resource, ctx } = await requireAdmin(request, context, params.resource, "view");
  const rows = await listAll(ctx, resource, listParams(resource, new URL(request.url)));
  const header = ["id", ...resource.columns.map((c) => c.name)].map(csvCell).join(",");
  const lines = rows.map((row) => [row.id, ...resource.columns.map((c) => row[c.name])].map(csvCell).join(","));
  return new Response([header, ...lines].join("\r\n") + "\r\n", {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${resource.key}.csv"`, "Cache-Control": "no-store" },
  });
}
