import { describe, expect, it } from "vitest";
import { resolveComposeFiles, serviceEnabled } from "./compose-files";
import { stackImages, stackRelative } from "../releases/images";

const has =
  (...names: string[]) =>
  (n: string) =>
    names.includes(n);

describe("Compose's file rules", () => {
  it("picks the main file in each version's order and adds the override file", () => {
    const both = has("compose.yaml", "docker-compose.yml", "compose.override.yaml");
    // Measured on docker-compose 1.29.2: docker-compose.yml wins; v2 (compose-go) prefers compose.yaml.
    expect(resolveComposeFiles(1, both, null).files).toEqual(["docker-compose.yml", "compose.override.yaml"]);
    expect(resolveComposeFiles(2, both, null).files).toEqual(["compose.yaml", "compose.override.yaml"]);
    expect(resolveComposeFiles(2, has("docker-compose.yaml"), null)).toEqual({ files: ["docker-compose.yaml"], source: "default", profiles: [] });
    // v1 refuses two override files; v2 takes the first in its order.
    const two = has("compose.yaml", "docker-compose.override.yml", "compose.override.yml");
    expect(resolveComposeFiles(1, two, null).error).toMatch(/only one/);
    expect(resolveComposeFiles(2, two, null).files).toEqual(["compose.yaml", "compose.override.yml"]);
    expect(resolveComposeFiles(2, has(), null).error).toMatch(/No compose file/);
  });

  it("COMPOSE_FILE (with COMPOSE_PATH_SEPARATOR) replaces the defaults; COMPOSE_PROFILES picks profiles", () => {
    const env = "COMPOSE_FILE=a.yml;sub/b.yml\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_PROFILES=debug, tools\n";
    expect(resolveComposeFiles(1, has("docker-compose.yml", "docker-compose.override.yml"), env)).toEqual({
      files: ["a.yml", "sub/b.yml"],
      source: "COMPOSE_FILE",
      profiles: ["debug", "tools"],
    });
    expect(resolveComposeFiles(2, has(), "COMPOSE_FILE=x.yml:y.yml\n").files).toEqual(["x.yml", "y.yml"]);
    expect(serviceEnabled(undefined, [])).toBe(true);
    expect(serviceEnabled(["debug"], [])).toBe(false);
    expect(serviceEnabled(["debug"], ["tools", "debug"])).toBe(true);
    expect(serviceEnabled(["debug"], ["*"])).toBe(true);
  });

  it("release images merge the files in order, follow extends and leave out inactive profiles", () => {
    const files: Record<string, string> = {
      "docker-compose.yml":
        "services:\n  app:\n    image: web:${TAG:-1}\n  dbg:\n    image: dbg:1\n    profiles: [debug]\n  other:\n    image: o:1\n    profiles: [other]\n  ext:\n    extends:\n      file: lib/common.yml\n      service: base\n",
      "docker-compose.override.yml": "services:\n  app:\n    image: web:override\n  side:\n    extends: app\n",
      "lib/common.yml": "services:\n  base:\n    extends:\n      file: more.yml\n      service: deeper\n",
      "lib/more.yml": "services:\n  deeper:\n    image: deep:${TAG}\n",
    };
    const read = (f: string) => files[f] ?? null;
    expect(stackImages(1, read, "TAG=7\nCOMPOSE_PROFILES=debug\n")).toEqual({ app: "web:override", dbg: "dbg:1", ext: "deep:7", side: "web:7" });
    expect(stackImages(1, read, "COMPOSE_FILE=docker-compose.yml\n")).toEqual({ app: "web:1", ext: "deep:" });
    expect(stackRelative("../shared/x.yml")).toBe("../shared/x.yml");
    expect(stackRelative("y.yml", "../shared/x.yml")).toBe("../shared/y.yml");
    expect(stackRelative("../../x.yml")).toBeNull();
    expect(stackRelative("/etc/x.yml")).toBeNull();
    expect(stackRelative("./a/../b.yml")).toBe("b.yml");
  });
});
