/** The forum password hashes against the spec's test vectors and the forums' own verification rules. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generatePassword } from "~/modules/services/http.server";
import { bcrypt2y, bcryptCheck, ips4Hash, phpassHash, phpassVerify, smfBcrypt, smfSha1 } from "~/connectors/mysql-forum/hashes.server";
import { commaIds, planGroups } from "~/connectors/mysql-forum/plan";

describe("forum password hashes", () => {
  it("phpass $H$ matches the spec's vector (passlib phpbb3_context, cost 19) and verifies like phpBB's salted_md5 driver", () => {
    // 2^19 MD5 rounds: one computation only (about a second on an idle machine).
    expect(phpassHash("correct horse", { salt: "abcdefgh", cost: 19 })).toBe("$H$Habcdefghh6GQUpU1LUcgqYS/CHJPW1");
    const random = phpassHash("pw", { cost: 8 });
    expect(phpassVerify("pW", random)).toBe(false);
    expect(random).toMatch(/^\$H\$6[./0-9A-Za-z]{30}$/);
    expect(phpassVerify("pw", random)).toBe(true);
    expect(() => phpassHash("pw", { cost: 31 })).toThrow(RangeError);
  }, 60_000);

  it("bcrypt $2y$ matches the spec's IPS4 vector; IPS4's salt column is the hash's 22-character salt", async () => {
    expect(await bcrypt2y("correct horse", 10, "abcdefghijklmnopqrstuu")).toBe("$2y$10$abcdefghijklmnopqrstuu23JPZtHcGhwXSF41f93o/7vBdDut3Xu");
    const { hash, salt } = await ips4Hash("pw", 4);
    expect(hash).toMatch(/^\$2y\$04\$/);
    expect(salt).toBe(hash.slice(7, 29));
    expect(await bcryptCheck("pw", hash)).toBe(true);
    expect(await bcryptCheck("pW", hash)).toBe(false);
  });

  it("SMF: sha1(lower(member_name) . password) for 2.0, bcrypt of the same string for 2.1", async () => {
    expect(smfSha1("Aria_Solenne", "secret")).toBe(createHash("sha1").update("aria_solennesecret").digest("hex"));
    const modern = await smfBcrypt("Aria_Solenne", "secret", 4);
    expect(modern).toMatch(/^\$2y\$04\$/);
    expect(await bcryptCheck("aria_solennesecret", modern)).toBe(true);
  });

  it("generated passwords are 16 characters of [A-Za-z0-9]", () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9]{16}$/);
  });
});

describe("forum group plans", () => {
  it("adds and removes managed memberships and never touches built-in ones", () => {
    const member = { id: 7, name: "x", groups: [10, 11], kept: [2], displayName: null };
    expect(planGroups(member, [11, 12, 2])).toEqual({ id: 7, add: [12], remove: [10], next: [2, 11, 12] });
    expect(planGroups(member, [10, 11])).toBeNull();
    expect(commaIds("3, 4,,x,5")).toEqual([3, 4, 5]);
  });
});
