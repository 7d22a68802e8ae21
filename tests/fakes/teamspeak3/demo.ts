/**
 * A small TeamSpeak server for demo mode: groups named like the demo's states and a few squads, and
 * a client that is not ours (holds a squad group without a link: the drift report shows it).
 */
import type { FakeTs3 } from "./server";

export const TS3_DEMO = { login: { username: "serveradmin", password: "demo-query-password" }, groups: ["Member", "Blue", "Fleet Commanders", "Capital Pilots"] } as const;

export function seedDemoTs3(fake: FakeTs3) {
  for (const name of TS3_DEMO.groups) fake.world.addGroup(name);
  const stranger = fake.world.newClient("Someone Else");
  const fc = [...fake.world.groups.values()].find((g) => g.name === "Fleet Commanders")!;
  stranger.groups.add(fc.sgid);
}
