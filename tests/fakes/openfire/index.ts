/** Fake Openfire REST API plugin for tests and demo mode (see server.ts). */
export { startFakeOpenfire, type FakeOpenfire, type FakeOpenfireUser } from "./server";
