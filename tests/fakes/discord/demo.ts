/**
 * A small Discord server for demo mode and tests: an owner, the bot (its role at the top), a booster
 * role Discord manages, a few roles named like Alliance Auth groups and states, and a handful of users
 * a demo player can pick on the fake's authorize page.
 */
import type { FakeDiscord } from "./server";

export const DISCORD_DEMO = {
  guildId: "900000000000000001",
  guildName: "Silent Meridian Comms",
  users: { owner: "900000000000000101", aria: "900000000000000102", brannoc: "900000000000000103", carys: "900000000000000104" },
} as const;

export function seedDemoDiscord(fake: FakeDiscord) {
  const { users, guildId, guildName } = DISCORD_DEMO;
  fake.addUser({ id: users.owner, username: "meridian.owner", globalName: "Server Owner" });
  fake.addUser({ id: users.aria, username: "aria.solenne", globalName: "Aria" });
  fake.addUser({ id: users.brannoc, username: "brannoc", globalName: "Brannoc" });
  fake.addUser({ id: users.carys, username: "carys.odaire", globalName: null });
  const seeded = fake.addGuild({ id: guildId, name: guildName, ownerId: users.owner });
  fake.addRole(guildId, { name: "Server Booster", managed: true });
  fake.addRole(guildId, { name: "Member" });
  fake.moveRoleToTop(guildId, seeded.botRoleId);
  fake.setMembersIntent(true);
  return seeded;
}
