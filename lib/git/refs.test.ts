import { describe, expect, it } from "vitest";
import { compareReleases, isReleaseTag, releaseTag, repoPath, stackName, type ReleaseTag } from "./refs";

const injections = ["--upload-pack=x", "v1;rm -rf /", "v1.0.0 ", "$(id)", "v1.0.0\n", "-v1.0.0", "v1.0.0..v2", "refs/tags/v1.0.0", "v01.0.0", "1.0.0"];

describe("refs", () => {
  it("accepts semantic versions with a v", () => {
    for (const t of ["v0.0.1", "v1.2.3", "v1.2.3-rc.1", "v10.20.30-alpha.beta+build.5"]) expect(isReleaseTag(t)).toBe(true);
  });
  it.each(injections)("refuses %j as a tag", (t) => {
    expect(() => releaseTag(t)).toThrow(/not a release tag/);
  });
  it.each(["-rf", "../etc", "Web", "a b", "a;b", "", "x".repeat(64)])("refuses %j as a stack", (s) => {
    expect(() => stackName(s)).toThrow(/not a stack name/);
  });
  it.each(["../x", "/etc/passwd", "-x", "a/../b", "a\nb"])("refuses %j as a path", (p) => {
    expect(() => repoPath(p)).toThrow(/not a path/);
  });
  it("sorts by semver precedence", () => {
    const tags = ["v1.0.0", "v1.10.0", "v1.2.0", "v1.2.0-rc.1", "v1.2.0-rc.10", "v1.2.0-rc.2", "v1.2.0-beta", "v2.0.0"] as ReleaseTag[];
    expect([...tags].sort(compareReleases)).toEqual(["v1.0.0", "v1.2.0-beta", "v1.2.0-rc.1", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0", "v2.0.0"]);
  });
});
