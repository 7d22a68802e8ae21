/** Fake XenAPI (XenForo) for tests and demo mode (see server.ts). */
export { startFakeXenForo, XENFORO_GROUPS, type FakeXenForo, type FakeXenForoUser } from "./server";
