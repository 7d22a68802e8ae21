/** HR applications over HTTP on both dialects: admin forms, applying, the reviewers' scope, each action's permission, notifications. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingCount } from "~/apps/hrapplications/hr.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { CORP_A, CORP_B, html, pilot } from "../support/pilots";
import { auditCount, type Pairs, signedIn } from "../support/sessions";

const HR = ["auth.human_resources"];
const REVIEWER = [...HR, "hrapplications.approve_application", "hrapplications.reject_application", "hrapplications.delete_application", "hrapplications.add_applicationcomment"];

describe.each(dialects)("HR applications on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let formA = 0;
  let formB = 0;
  const q: Record<"why" | "ready" | "roles", number> = { why: 0, ready: 0, roles: 0 };

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    admin = await signedIn(rt, server.origin, await makeUser(rt.db, { is_staff: true, is_superuser: true }));
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  const fields = (values: Record<string, string | string[]>): Pairs => Object.entries(values).flatMap(([name, v]) => [["_fields", name], ...(Array.isArray(v) ? v : [v]).map((x): [string, string] => [name, x])]);
  const idFrom = (response: Response) => Number(/\/(\d+)$/.exec(response.headers.get("location") ?? "")?.[1]);
  const count = async (table: "hrapplications_applications" | "hrapplications_forms", userId?: number) => {
    let query = rt.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n"));
    if (userId) query = query.where("user_id" as never, "=", userId as never);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  const notes = (userId: number) => rt.db.selectFrom("notifications").select(["title", "message", "level"]).where("user_id", "=", userId).orderBy("id").execute();
  const applyTo = (who: Awaited<ReturnType<typeof pilot>>, formId: number, extra: Pairs = []) =>
    who.post(`/hr/create/${formId}`, [[`q${q.why}`, "I like spaceships"], [`q${q.ready}`, "Yes"], [`q${q.roles}`, "PvP"], [`q${q.roles}`, "Industry"], ...extra]);

  it.skipIf(skip)("an admin builds questions (free text, single and multiple choice) and one form per corporation with its questions in order", async () => {
    const question = async (values: Record<string, string | string[]>) => {
      const response = await admin.post("/admin/hr-questions/new", fields(values));
      expect(response.status).toBe(302);
      return idFrom(response);
    };
    q.why = await question({ title: "Why do you want to join?", help_text: "A few lines", choices: "" });
    q.ready = await question({ title: "Can you fly doctrine ships?", help_text: "", choices: "Yes\nNo\n\nYes" });
    q.roles = await question({ title: "What do you do?", help_text: "", multi_select: "on", choices: "PvP\nPvE\nIndustry" });
    expect((await rt.db.selectFrom("hrapplications_choices").select("choice_text").where("question_id", "=", q.ready).orderBy("position").execute()).map((c) => c.choice_text)).toEqual(["Yes", "No"]);
    // A choice over 200 characters is refused beside the field, nothing saved.
    const long = await admin.post("/admin/hr-questions/new", fields({ title: "Long", help_text: "", choices: "x".repeat(201) }));
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("Each choice can have at most 200 characters.");

    const created = await admin.post("/admin/hr-forms/new", fields({ corporation: String(CORP_A.corporation_id), questions: [String(q.ready), String(q.why), String(q.roles)] }));
    // The corporation must be known: none of CORP_A's characters exists yet.
    expect(created.status).toBe(400);
    await pilot(rt, server.origin, { corp: CORP_A });
    await pilot(rt, server.origin, { corp: CORP_B });
    const ok = await admin.post("/admin/hr-forms/new", fields({ corporation: String(CORP_A.corporation_id), questions: [String(q.why), String(q.ready), String(q.roles)] }));
    expect(ok.status).toBe(302);
    formA = idFrom(ok);
    expect((await rt.db.selectFrom("hrapplications_form_questions").select("question_id").where("form_id", "=", formA).orderBy("position").execute()).map((r) => r.question_id)).toEqual([q.why, q.ready, q.roles]);
    const again = await admin.post("/admin/hr-forms/new", fields({ corporation: String(CORP_A.corporation_id), questions: [String(q.why)] }));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This corporation already has an application form.");
    const noQuestions = await admin.post("/admin/hr-forms/new", fields({ corporation: String(CORP_B.corporation_id), questions: [] }));
    expect(noQuestions.status).toBe(400);
    const b = await admin.post("/admin/hr-forms/new", fields({ corporation: String(CORP_B.corporation_id), questions: [String(q.why), String(q.ready), String(q.roles)] }));
    formB = idFrom(b);
    expect(await count("hrapplications_forms")).toBe(2);
    expect(await auditCount(rt.db, { action: "hrapplications.form_created" })).toBe(2);
    expect(await auditCount(rt.db, { action: "hrapplications.question_created" })).toBe(3);
  });

  it.skipIf(skip)("a member applies once per form with a main character; wrong answers come back beside their fields", async () => {
    const member = await pilot(rt, server.origin, { corp: CORP_B, name: "Nadia Quell" });
    expect(await html(member.browser.get("/hr/create"))).toContain(`/hr/create/${formA}`);
    const form = await html(member.browser.get(`/hr/create/${formA}`));
    expect(form).toContain('type="radio"');
    expect(form).toContain('type="checkbox"');

    const missing = await member.post(`/hr/create/${formA}`, [[`q${q.why}`, "Typed and kept"]]);
    expect(missing.status).toBe(400);
    const page = await missing.text();
    expect(page).toContain("Typed and kept");
    expect(page).toMatch(new RegExp(`id="field-q${q.ready}-error"[^>]*>This field is required.`));
    expect(page).toMatch(new RegExp(`id="field-q${q.roles}-error"[^>]*>This field is required.`));
    expect((await applyTo(member, formA, [[`q${q.ready}`, "No"]])).status).toBe(400);
    expect(await (await member.post(`/hr/create/${formA}`, [[`q${q.why}`, "x"], [`q${q.ready}`, "Maybe"], [`q${q.roles}`, "PvP"]])).text()).toContain("Pick one of the choices offered.");
    expect((await member.post(`/hr/create/${formA}`, [[`q${q.why}`, "x".repeat(5001)], [`q${q.ready}`, "Yes"], [`q${q.roles}`, "PvP"]])).status).toBe(400);
    expect(await count("hrapplications_applications")).toBe(0);

    const filed = await applyTo(member, formA);
    expect(filed.status).toBe(302);
    const id = idFrom(filed);
    expect(filed.headers.get("location")).toBe(`/hr/personal/${id}`);
    const answers = await rt.db.selectFrom("hrapplications_responses").select(["question_id", "answer"]).where("application_id", "=", id).orderBy("position").execute();
    expect(answers).toEqual([
      { question_id: q.why, answer: "I like spaceships" },
      { question_id: q.ready, answer: "Yes" },
      { question_id: q.roles, answer: "PvP\nIndustry" },
    ]);
    expect(await auditCount(rt.db, { action: "hrapplications.application_created", id: String(id) })).toBe(1);

    // A second application to the same form is refused; the form is no longer offered.
    const second = await applyTo(member, formA);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("You have already applied to this corporation.");
    expect(await count("hrapplications_applications", member.user.id)).toBe(1);
    const choices = await html(member.browser.get("/hr/create"));
    expect(choices).not.toContain(`/hr/create/${formA}"`);
    expect(choices).toContain(`/hr/create/${formB}`);
    expect(await html(member.browser.get("/hr"))).toContain(`/hr/personal/${id}`);

    // Without a main character: no applying.
    const mainless = await pilot(rt, server.origin, { corp: null });
    expect((await mainless.browser.get("/hr/create")).status).toBe(403);
    expect((await mainless.post(`/hr/create/${formA}`, [[`q${q.why}`, "hello"]])).status).toBe(403);
    expect(await html(mainless.browser.get("/hr"))).toContain("You need a main character to apply.");

    // Bad input: 4xx, nothing written.
    expect((await member.browser.get("/hr/create/0")).status).toBe(404);
    expect((await member.browser.get("/hr/create/abc")).status).toBe(404);
    expect((await member.post("/hr/create/999999", [])).status).toBe(404);
    expect((await member.post(`/hr/personal/${id}`, [["intent", "bogus"]])).status).toBe(400);
    expect(await count("hrapplications_applications")).toBe(1);
  });

  it.skipIf(skip)("reviewers see only their main's corporation's applications (a superuser sees all); the menu badge counts them; search finds by character name", async () => {
    const member = await pilot(rt, server.origin, { corp: CORP_B, name: "Orla Brightwater" });
    const appA = idFrom(await applyTo(member, formA));
    const appB = idFrom(await applyTo(member, formB));
    const reviewerA = await pilot(rt, server.origin, { corp: CORP_A, permissions: REVIEWER });
    const reviewerB = await pilot(rt, server.origin, { corp: CORP_B, permissions: REVIEWER });
    const pageA = await html(reviewerA.browser.get("/hr"));
    expect(pageA).toContain(`/hr/view/${appA}`);
    expect(pageA).not.toContain(`/hr/view/${appB}`);
    expect(await html(reviewerB.browser.get("/hr"))).toContain(`/hr/view/${appB}`);
    expect((await reviewerB.browser.get(`/hr/view/${appA}`)).status).toBe(404);
    expect((await reviewerB.post(`/hr/view/${appA}`, [["intent", "progress"]])).status).toBe(404);
    const all = await html(admin.browser.get("/hr"));
    expect(all).toContain(`/hr/view/${appA}`);
    expect(all).toContain(`/hr/view/${appB}`);
    expect(await html(reviewerA.browser.get(`/hr/view/${appA}`))).toContain("I like spaceships");

    // The badge: pending applications in the reviewer's scope.
    const asMenuUser = (u: { user: { id: number } }, permissions: string[], is_superuser = false) => ({ id: u.user.id, permissions: new Set(permissions), is_superuser });
    const pendingA = Number((await rt.db.selectFrom("hrapplications_applications").select((eb) => eb.fn.countAll<number>().as("n")).where("form_id", "=", formA).where("approved", "is", null).executeTakeFirstOrThrow()).n);
    expect(await pendingCount(rt.db, asMenuUser(reviewerA, REVIEWER))).toBe(pendingA);
    expect(await pendingCount(rt.db, asMenuUser(member, []))).toBe(0);
    expect(await pendingCount(rt.db, { id: 0, permissions: new Set<string>(), is_superuser: true })).toBe(pendingA + 1);
    expect(await html(reviewerA.browser.get("/dashboard"))).toMatch(new RegExp(`data-testid="badge-hrapplications"[^>]*>${pendingA}<`));
    expect(await html(member.browser.get("/dashboard"))).not.toContain('data-testid="badge-hrapplications"');

    const search = await html(reviewerA.browser.get("/hr/search?q=brightWATER"));
    expect(search).toContain(`/hr/view/${appA}`);
    expect(search).not.toContain(`/hr/view/${appB}`);
    expect(await html(reviewerB.browser.get("/hr/search?q=Orla"))).not.toContain(`/hr/view/${appA}`);
    expect(await html(reviewerA.browser.get("/hr/search?q=%25"))).not.toContain(`/hr/view/${appA}`);
    expect((await reviewerA.browser.get(`/hr/search?q=${"x".repeat(300)}`)).status).toBe(400);
    // Members without auth.human_resources see no reviews.
    expect((await member.browser.get(`/hr/view/${appA}`)).status).toBe(403);
    expect((await member.browser.get("/hr/search?q=a")).status).toBe(403);
    expect(await html(member.browser.get("/hr"))).not.toContain(`/hr/view/`);
  });

  it.skipIf(skip)("each action needs its permission; the reviewer in charge decides; the applicant is notified of each decision", async () => {
    const member = await pilot(rt, server.origin, { corp: CORP_B, name: "Perrin Vale" });
    const app = idFrom(await applyTo(member, formA));
    const hrOnly = await pilot(rt, server.origin, { corp: CORP_A, permissions: HR });
    const reviewer = await pilot(rt, server.origin, { corp: CORP_A, permissions: REVIEWER, name: "Quinn Harrow" });
    const act = (who: typeof reviewer, intent: string, extra: Pairs = []) => who.post(`/hr/view/${app}`, [["intent", intent], ...extra]);
    const row = () => rt.db.selectFrom("hrapplications_applications").select(["approved", "reviewer_id"]).where("id", "=", app).executeTakeFirst();

    // Without the decision permissions (auth.human_resources alone): 403 for each.
    for (const intent of ["approve", "reject", "delete", "comment"]) expect((await act(hrOnly, intent, [["comment", "hi"]])).status).toBe(403);
    expect(await auditCount(rt.db, { action: "authz.denied", actor: hrOnly.user.id })).toBe(4);
    // Not the reviewer in charge (nobody is yet): refused.
    expect((await act(reviewer, "approve")).status).toBe(403);
    expect((await act(reviewer, "bogus")).status).toBe(400);

    expect((await act(reviewer, "progress")).status).toBe(302);
    expect(await row()).toEqual({ approved: null, reviewer_id: reviewer.user.id });
    expect(await auditCount(rt.db, { action: "hrapplications.application_in_progress", id: String(app) })).toBe(1);
    expect((await act(hrOnly, "progress")).status).toBe(409);
    expect(await html(member.browser.get(`/hr/personal/${app}`))).toContain("Reviewer: Quinn Harrow");

    const empty = await act(reviewer, "comment", [["comment", "   "]]);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/id="field-comment-error"[^>]*>This field is required./);
    expect((await act(reviewer, "comment", [["comment", "Solid answers"]])).status).toBe(302);
    expect(await html(reviewer.browser.get(`/hr/view/${app}`))).toContain("Solid answers");
    // The applicant does not see the reviewers' comments.
    expect(await html(member.browser.get(`/hr/personal/${app}`))).not.toContain("Solid answers");

    expect((await act(reviewer, "approve")).status).toBe(302);
    expect((await row())?.approved).toBe(true);
    expect((await act(reviewer, "reject")).status).toBe(409);
    expect(await auditCount(rt.db, { action: "hrapplications.application_approved", id: String(app) })).toBe(1);
    expect(await notes(member.user.id)).toEqual([
      { title: "Application in progress", message: `Your application to ${CORP_A.corporation_name} is being reviewed by Quinn Harrow.`, level: "info" },
      { title: "Application accepted", message: `Your application to ${CORP_A.corporation_name} has been approved.`, level: "success" },
    ]);
    expect(await html(member.browser.get("/hr"))).toContain("Approved");
    // A decided application stays: the applicant cannot delete it.
    expect((await member.post(`/hr/personal/${app}`, [["intent", "withdraw"]])).status).toBe(409);

    // Rejected (by a superuser, who needs not be the reviewer in charge).
    const other = await pilot(rt, server.origin, { corp: CORP_B });
    const second = idFrom(await applyTo(other, formA));
    expect((await admin.post(`/hr/view/${second}`, [["intent", "reject"]])).status).toBe(302);
    expect((await rt.db.selectFrom("hrapplications_applications").select("approved").where("id", "=", second).executeTakeFirstOrThrow()).approved).toBe(false);
    expect((await notes(other.user.id)).at(-1)).toEqual({ title: "Application rejected", message: `Your application to ${CORP_A.corporation_name} has been rejected.`, level: "danger" });

    // Deleted by a reviewer holding delete_application: gone with its answers; the applicant is told.
    expect((await act(reviewer, "delete")).status).toBe(302);
    expect(await row()).toBeUndefined();
    expect(await rt.db.selectFrom("hrapplications_responses").select("id").where("application_id", "=", app).execute()).toEqual([]);
    expect((await notes(member.user.id)).at(-1)?.title).toBe("Application deleted");
    expect(await auditCount(rt.db, { action: "hrapplications.application_deleted", id: String(app) })).toBe(1);
  });

  it.skipIf(skip)("an applicant deletes their own pending application; nobody else's", async () => {
    const member = await pilot(rt, server.origin, { corp: CORP_A });
    const stranger = await pilot(rt, server.origin, { corp: CORP_A });
    const app = idFrom(await applyTo(member, formB));
    expect((await stranger.browser.get(`/hr/personal/${app}`)).status).toBe(404);
    expect((await stranger.post(`/hr/personal/${app}`, [["intent", "withdraw"]])).status).toBe(404);
    expect((await member.post(`/hr/personal/${app}`, [["intent", "withdraw"]])).status).toBe(302);
    expect(await count("hrapplications_applications", member.user.id)).toBe(0);
    expect(await auditCount(rt.db, { action: "hrapplications.application_withdrawn", id: String(app) })).toBe(1);
    // And may apply again.
    expect((await applyTo(member, formB)).status).toBe(302);
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=hrapplications) its pages are 404 and it leaves the menu", async () => {
    const member = await pilot(rt, server.origin, { corp: CORP_A });
    expect(await html(member.browser.get("/dashboard"))).toContain('href="/hr"');
    rt.settings.APPS_DISABLED = "hrapplications";
    try {
      expect((await member.browser.get("/hr")).status).toBe(404);
      expect((await member.browser.get("/hr/create")).status).toBe(404);
      expect(await html(member.browser.get("/dashboard"))).not.toContain('href="/hr"');
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
