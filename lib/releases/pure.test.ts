import { describe, expect, it } from "vitest";
import { changelogSection, insertChangelogSection } from "./changelog";
import { interpolate, maskEnv, parseEnv } from "./env";
import { composeImages, imageChanges, splitImage } from "./images";
import { groupLog } from "./notes";
import { unifiedDiff, formatUnified } from "./unified-diff";
import { checkNewVersion, suggestVersions } from "./versions";

describe("env", () => {
  it("parses .env files and interpolates like Compose", () => {
    const v = parseEnv("# c\nexport A=1\nB='two words'\nC=\"x#y\"\nD=3 # comment\nEMPTY=\n");
    expect(Object.fromEntries(v)).toEqual({ A: "1", B: "two words", C: "x#y", D: "3", EMPTY: "" });
    expect(interpolate("img:${A}-${MISSING:-def}-${EMPTY:-e}-${EMPTY-f}-$A-$$A-${A:+alt}", v)).toBe("img:1-def-e--1-$A-alt");
  });
  it("masks secret-looking keys and marks a changed secret", () => {
    const old = "DB_PASSWORD=a\nAPI_TOKEN=t\nMY_KEY=k\nAPP_SECRET=s\nMODE=prod\n";
    expect(maskEnv(old)).toBe("DB_PASSWORD=••••••••\nAPI_TOKEN=••••••••\nMY_KEY=••••••••\nAPP_SECRET=••••••••\nMODE=prod\n");
    expect(maskEnv("DB_PASSWORD=b\nAPI_TOKEN=t\n", old)).toBe("DB_PASSWORD=•••••••• (changed)\nAPI_TOKEN=••••••••\n");
  });
});

describe("images", () => {
  it("reads images with .env interpolation and labels changes", () => {
    const compose = "services:\n  jf:\n    image: jellyfin/jellyfin:${JF:-10.8}\n  db:\n    image: ghcr.io/acme/postgres:16\n";
    const a = composeImages(compose, "");
    const b = composeImages(compose, "JF=10.9\n");
    expect(a).toEqual({ jf: "jellyfin/jellyfin:10.8", db: "ghcr.io/acme/postgres:16" });
    expect(imageChanges("media", a, b).map((c) => c.label)).toEqual(["jellyfin 10.8 → 10.9"]);
    expect(imageChanges("media", {}, { r: "redis" }).map((c) => c.label)).toEqual(["redis latest added"]);
    expect(splitImage("localhost:5000/x/y:1@sha256:abcdef")).toMatchObject({ repo: "x/y", name: "y" });
    expect(composeImages("not: [yaml", null)).toEqual({});
  });
});

describe("changelog", () => {
  const text = "# Changelog\n\n## [Unreleased]\n\n- wip\n\n## [1.2.0] - 2026-01-02\n\n### web\n- a\n\n## v1.1.0\n\n- b\n";
  it("finds a release's section under either heading style", () => {
    expect(changelogSection(text, "v1.2.0")).toBe("### web\n- a");
    expect(changelogSection(text, "v1.1.0")).toBe("- b");
    expect(changelogSection(text, "v1.0.0")).toBeNull();
  });
  it("inserts a new section below Unreleased", () => {
    const out = insertChangelogSection(text, "v1.3.0", "2026-02-03", "- c");
    expect(out.indexOf("## [1.3.0] - 2026-02-03")).toBeGreaterThan(out.indexOf("## [Unreleased]"));
    expect(out.indexOf("## [1.3.0]")).toBeLessThan(out.indexOf("## [1.2.0]"));
    expect(changelogSection(out, "v1.3.0")).toBe("- c");
    expect(insertChangelogSection(null, "v0.1.0", "2026-01-01", "- x")).toContain("# Changelog");
  });
});

describe("unified diff", () => {
  it("produces hunks with context", () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const b = a.replace("l3", "L3").replace("l17", "L17");
    const h = unifiedDiff(a, b);
    expect(h).toHaveLength(2);
    expect(h[0].header).toBe("@@ -1,7 +1,7 @@");
    expect(formatUnified("x", h, "M")).toContain("-l3\n+L3");
    expect(unifiedDiff(null, "a\nb")[0].lines.map((l) => l.kind + l.text)).toEqual(["+a", "+b"]);
    expect(unifiedDiff("same", "same")).toEqual([]);
  });
  it("numbers lines and headers like diff -u for added, deleted and edited files", () => {
    expect(unifiedDiff(null, "a\nb")[0]).toEqual({
      header: "@@ -0,0 +1,2 @@",
      lines: [
        { kind: "+", text: "a", oldNo: null, newNo: 1 },
        { kind: "+", text: "b", oldNo: null, newNo: 2 },
      ],
    });
    expect(unifiedDiff("a\n", null)[0].header).toBe("@@ -1 +0,0 @@");
    expect(unifiedDiff("a", "a\n")).toEqual([]);
    const h = unifiedDiff("a\nb\nc\nd", "a\nc\nd\ne");
    expect(h.map((x) => x.header)).toEqual(["@@ -1,4 +1,4 @@"]);
    expect(h[0].lines.map((l) => `${l.kind}${l.text}:${l.oldNo ?? "-"}/${l.newNo ?? "-"}`)).toEqual([" a:1/1", "-b:2/-", " c:3/2", " d:4/3", "+e:-/4"]);
    expect(formatUnified("web/.env", unifiedDiff(null, "X=1"), "A")).toBe("--- /dev/null\n+++ b/web/.env\n@@ -0,0 +1 @@\n+X=1\n");
  });
});

describe("versions", () => {
  it("suggests patch, minor and major", () => {
    expect(suggestVersions(["v1.2.3", "v1.10.0", "nightly"])).toEqual({ base: "v1.10.0", patch: "v1.10.1", minor: "v1.11.0", major: "v2.0.0" });
    expect(suggestVersions([])).toMatchObject({ patch: "v0.0.1", major: "v1.0.0" });
  });
  it("after a pre-release, suggests the release it leads to (semver precedence)", () => {
    expect(suggestVersions(["v1.1.0", "v1.2.0-rc.2", "v1.2.0-rc.10"])).toEqual({ base: "v1.2.0-rc.10", patch: "v1.2.0", minor: "v1.2.0", major: "v2.0.0" });
    expect(suggestVersions(["v1.2.3-beta.1"])).toEqual({ base: "v1.2.3-beta.1", patch: "v1.2.3", minor: "v1.3.0", major: "v2.0.0" });
    expect(suggestVersions(["v1.9.0", "v2.0.0-alpha", "v2.0.0-alpha.1"])).toEqual({
      base: "v2.0.0-alpha.1",
      patch: "v2.0.0",
      minor: "v2.0.0",
      major: "v2.0.0",
    });
  });
  it("orders pre-releases below their release and refuses versions semver cannot read", () => {
    expect(checkNewVersion("v1.2.0-rc.1", ["v1.2.0"])?.message).toMatch(/backport/);
    expect(checkNewVersion("v1.2.0-rc.11", ["v1.2.0-rc.9"])).toBeNull();
    expect(checkNewVersion("v1.2.0-rc.1", ["v1.2.0-beta.5"])).toBeNull();
    expect(checkNewVersion("v99999999999999999999.0.0", [])?.code).toBe("bad_request");
  });
  it("validates as you type", () => {
    expect(checkNewVersion("v1", ["v1.0.0"])?.code).toBe("bad_request");
    expect(checkNewVersion("v1.0.0", ["v1.0.0"])?.code).toBe("conflict");
    expect(checkNewVersion("v0.9.0", ["v1.0.0"])?.message).toMatch(/backport/);
    expect(checkNewVersion("v0.9.0", ["v1.0.0"], { backport: true })).toBeNull();
    expect(checkNewVersion("v1.0.1", ["v1.0.0"])).toBeNull();
  });
});

describe("notes", () => {
  it("groups commits by the stack folders they touch", () => {
    const out =
      "\x1eaaa\x1fa1\x1fweb bump\x1fAl\n\nweb/.env\n\x1ebbb\x1fb1\x1fdocs\x1fBo\n\nREADME.md\n\x1eccc\x1fc1\x1fboth\x1fCy\n\nweb/x\napi/compose.yaml\n";
    const n = groupLog(out);
    expect(n.groups.map((g) => [g.stack, g.commits.map((c) => c.short)])).toEqual([
      ["api", ["c1"]],
      ["web", ["a1", "c1"]],
      ["other", ["b1"]],
    ]);
    expect(n.markdown).toBe("### api\n\n- both (c1)\n\n### web\n\n- web bump (a1)\n- both (c1)\n\n### Other\n\n- docs (b1)");
  });
});
