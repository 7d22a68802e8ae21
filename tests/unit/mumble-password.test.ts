/**
 * Mumble's passlib bcrypt_sha256 against known vectors from passlib 1.7.4's own test suite
 * (test_handlers_bcrypt.py, bcrypt_sha256_test.known_correct_hashes) and the spec's cost-12 vector,
 * and, where Debian's python3-passlib is installed (CI), against passlib itself.
 */
import { describe, expect, it } from "vitest";
import { generateMumblePassword, hashMumblePassword, verifyMumblePassword } from "~/connectors/mumble/password.server";
import { groupsColumn, mumbleUsername } from "~/connectors/mumble/store.server";
import { connectUrl } from "~/connectors/mumble/settings";
import { testSettings } from "../support/db";
import { passlibVerify } from "../support/passlib";

const UPASS_TABLE = "t\u00e1\u0411\u2113\u0259";
const KNOWN: [string, string][] = [
  ["", "$bcrypt-sha256$v=2,t=2b,r=5$E/e/2AOhqM5W/KJTFQzLce$WFPIZKtDDTriqWwlmRFfHiOTeheAZWe"],
  ["password", "$bcrypt-sha256$v=2,t=2b,r=5$5Hg1DKFqPE8C2aflZ5vVoe$wOK1VFFtS8IGTrGa7.h5fs0u84qyPbS"],
  [UPASS_TABLE, "$bcrypt-sha256$v=2,t=2b,r=5$.US1fQ4TQS.ZTz/uJ5Kyn.$pzzgp40k8reM1CuQb03PvE0IDPQSdV6"],
  // Longer than bcrypt's 72 bytes: the HMAC step is why the wrapper exists.
  ["abc123".repeat(12) + "qwr", "$bcrypt-sha256$v=2,t=2b,r=5$X1g1nh3g0v4h6970O68cxe$CBF9csfEdW68xv3DwE6xSULXMtqEFP."],
  // Version 1 (plain SHA-256 key), what Alliance Auth 2.0 wrote.
  ["password", "$bcrypt-sha256$2b,5$5Hg1DKFqPE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu"],
  ["correct horse", "$bcrypt-sha256$v=2,t=2b,r=12$abcdefghijklmnopqrstuu$aP56a.SWvVzRr1c7jVmZnIGQHwjrhZe"],
];

describe("Mumble passwords (passlib bcrypt_sha256)", () => {
  it("verifies passlib's known hashes and refuses a wrong password, a bare bcrypt hash and garbage", () => {
    for (const [password, hash] of KNOWN) {
      expect(verifyMumblePassword(password, hash), hash).toBe(true);
      expect(verifyMumblePassword(`${password}!`, hash), hash).toBe(false);
    }
    expect(verifyMumblePassword("abc123".repeat(12) + "qwX", KNOWN[3]![1])).toBe(false);
    expect(verifyMumblePassword("password", "$2b$05$5Hg1DKFqPE8C2aflZ5vVoewOK1VFFtS8IGTrGa7.h5fs0u84qyPbS")).toBe(false);
    expect(verifyMumblePassword("password", "sha1:abc")).toBe(false);
  });

  it("writes the v2 format with a fresh salt each time, which passlib itself accepts where installed", () => {
    const a = hashMumblePassword("correct horse", 4);
    const b = hashMumblePassword("correct horse", 4);
    expect(a).toMatch(/^\$bcrypt-sha256\$v=2,t=2b,r=4\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{31}$/);
    expect(a).not.toBe(b);
    expect(verifyMumblePassword("correct horse", a)).toBe(true);
    expect(hashMumblePassword("x", 12).length).toBe(83);
    const real = passlibVerify([
      ["correct horse", a],
      ["correct horsf", a],
      [UPASS_TABLE, hashMumblePassword(UPASS_TABLE, 4)],
      ...KNOWN.slice(0, 2),
    ]);
    if (real) expect(real).toEqual([true, false, true, true, true]);
  });

  it("generates the original's 16 characters of [A-Za-z0-9]", () => {
    const seen = new Set(Array.from({ length: 50 }, () => generateMumblePassword()));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it("builds login names without spaces, the groups column and the connect link", () => {
    expect(mumbleUsername(" [ECHO]Aria  Solenne ")).toBe("[ECHO]Aria_Solenne");
    expect(groupsColumn(["Member", "Fleet-Commanders", "Member", "a,b"])).toBe("Fleet-Commanders,Member,ab");
    expect(groupsColumn([])).toBe("");
    const settings = testSettings({ MUMBLE_URL: "voice.example.org" });
    expect(connectUrl(settings, "[ECHO]Aria_Solenne")).toBe("mumble://%5BECHO%5DAria_Solenne@voice.example.org");
    expect(connectUrl(settings, null)).toBe("mumble://voice.example.org");
    expect(connectUrl(testSettings(), "x")).toBeNull();
  });
});
