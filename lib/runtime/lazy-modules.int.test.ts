import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Each case runs in its own Node process (CommonJS, from the project root): what a require
// loads is process-wide state.
const root = path.resolve(__dirname, "..", "..");
const hook = path.join(__dirname, "lazy-modules.ts");

function run(code: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", `(async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

const loaded = `const heavy = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](ssh2|@grpc[\\\\/]grpc-js|protobufjs)[\\\\/]/.test(f)).length;`;

describe("deferUnusedModules", () => {
  it("without it, requiring dockerode loads ssh2 and gRPC (what the hook is for)", () => {
    const out = run(`${loaded} require("dockerode"); console.log(JSON.stringify({ heavy: heavy() }));`);
    expect(out.heavy).toBeGreaterThan(10);
  });

  it("dockerode works on the local socket without loading them; an ssh:// engine loads ssh2 on its first request", () => {
    const out = run(`const { deferUnusedModules } = require(${JSON.stringify(hook)}); deferUnusedModules(); deferUnusedModules();
      ${loaded} const Docker = require("dockerode");
      const local = new Docker({ socketPath: "/var/run/docker.sock" });
      const ping = String(await local.ping()); const version = (await local.version()).ApiVersion;
      const afterLocal = heavy();
      const ssh = new Docker({ protocol: "ssh", host: "127.0.0.1", port: 1, username: "nobody" });
      const err = await ssh.ping().then(() => "no error", (e) => String(e.code ?? e.message));
      const ssh2 = Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]ssh2[\\\\/]/.test(f));
      console.log(JSON.stringify({ ping, version, afterLocal, err, ssh2 }));`);
    expect(out.ping).toBe("OK");
    expect(out.version).toMatch(/^1\.\d+$/);
    expect(out.afterLocal).toBe(0);
    // ssh2 itself answered: it tried to connect to port 1 and was refused.
    expect(out.err).toBe("ECONNREFUSED");
    expect(out.ssh2).toBe(true);
  });
});
