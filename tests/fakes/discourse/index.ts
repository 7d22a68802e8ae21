/** Fake Discourse (DiscourseConnect consumer and admin API) for tests, demo mode and e2e (see server.ts). */
export { startFakeDiscourse, type FakeDiscourse, type FakeDiscourseGroup, type FakeDiscourseOptions, type FakeDiscourseUser } from "./server";
