/** Fake TeamSpeak 3 ServerQuery (TCP) for tests, demo mode and benchmarks. See server.ts, ops.ts, state.ts. */
export { startFakeTs3, type FakeTs3, type FakeTs3Options } from "./server";
export { seedDemoTs3, TS3_DEMO } from "./demo";
export { Ts3World, type FakeClient, type FakeGroup, type FakeToken } from "./state";
