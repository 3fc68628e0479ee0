// Signed releases with real keys made here: GPG (gpg) and SSH (ssh-keygen), real git tags,
// verified by git itself; RELEASE_SIGNERS is enforced by startDeployment before anything changes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { saveEnv } from "@/test/fixtures/env";
import { tearDownStacksRepo, setUpStacksRepo } from "@/test/fixtures/stacks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStacksRepo, GIT_ENV, type StacksRepo } from "@/e2e/fixtures/stacks-repo";
import { reloadConfig } from "../config";
import { db } from "../db";
import { invalidateReleases } from "./tags";
import { startDeployment } from "../deploy/start";
import { waitFinished, TEST_OPERATOR as operator, TEST_ADMIN as admin } from "../deploy/testing";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { ReleaseList } from "@/components/releases/release-list";
import { releasePage } from "../releases/list";
import { createRelease } from "../releases/create";
import { testRequest } from "../access/testing";
import { POST as deploymentsPOST } from "@/app/api/deployments/route";
import { parseSigners, releaseSignatures, signatureBadges, tagSignature } from "./signature";

const restoreEnv = saveEnv();
let repo: StacksRepo;
let keys: string;
let gnupg: string;
let aliceFpr: string;
let malloryFpr: string;
let samKey: string;

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...GIT_ENV, GNUPGHOME: gnupg }, encoding: "utf8" }).trim();
}
function gpgKey(uid: string): string {
  run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"]);
  const out = run("gpg", ["--batch", "--with-colons", "--list-keys", uid]);
  return /^fpr:+([0-9A-F]{40}):/m.exec(out)![1];
}
function sshKey(name: string): string {
  const f = path.join(keys, name);
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", f]);
  return f;
}
const git = (...args: string[]) => run("git", args, repo.dir);

beforeAll(async () => {
  keys = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-sig-"));
  gnupg = path.join(keys, "g");
  fs.mkdirSync(gnupg, { mode: 0o700 });
  aliceFpr = gpgKey("Alice Admin <alice@example.test>");
  malloryFpr = gpgKey("Mallory <mallory@example.test>");
  const sam = sshKey("sam");
  samKey = sam;
  const eve = sshKey("eve");
  const allowed = path.join(keys, "allowed_signers");
  fs.writeFileSync(allowed, `sam@example.test ${fs.readFileSync(sam + ".pub", "utf8").trim()}\n`);

  repo = createStacksRepo({ tag: "sig" });
  repo.git("checkout", "-q", "--detach", "v1.0.0");
  const c110 = repo.git("rev-parse", "v1.1.0^{commit}");
  git("-c", `user.signingkey=${aliceFpr}`, "tag", "-s", "-m", "Release v1.1.1", "v1.1.1", c110);
  git("-c", "gpg.format=ssh", "-c", `user.signingkey=${sam}`, "tag", "-s", "-m", "Release v1.1.2", "v1.1.2", c110);
  git("-c", `user.signingkey=${malloryFpr}`, "tag", "-s", "-m", "Release v1.1.3", "v1.1.3", c110);
  git("-c", "gpg.format=ssh", "-c", `user.signingkey=${eve}`, "tag", "-s", "-m", "Release v1.1.4", "v1.1.4", c110);
  // Signed, then re-pointed by someone without the key (tag -f makes a new, unsigned tag object).
  git("-c", `user.signingkey=${aliceFpr}`, "tag", "-s", "-m", "Release v1.1.5", "v1.1.5", c110);
  git("tag", "-f", "-a", "-m", "Release v1.1.5", "v1.1.5", "v1.0.0^{commit}");
  // A signed tag object edited after signing: same signature, another commit.
  const body = git("cat-file", "tag", "v1.1.1") + "\n";
  const forged = body.replace(/^object [0-9a-f]+$/m, `object ${repo.git("rev-parse", "v1.0.0^{commit}")}`).replace(/^tag v1\.1\.1$/m, "tag v1.1.6");
  fs.writeFileSync(path.join(keys, "forged"), forged);
  const forgedSha = git("hash-object", "-t", "tag", "-w", path.join(keys, "forged"));
  git("update-ref", "refs/tags/v1.1.6", forgedSha);

  await setUpStacksRepo(repo, { data: "sig-data", at: null, env: { GNUPGHOME: gnupg, VERIFY_TIMEOUT: "20s", RELEASE_SIGNERS: `${allowed},${aliceFpr}` } });
}, 120_000);

afterAll(() => {
  tearDownStacksRepo(repo);
  try {
    execFileSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: gnupg } });
  } catch {
    /* no agent started */
  }
  restoreEnv();
  fs.rmSync(keys, { recursive: true, force: true });
});

describe("tag signatures (real gpg, real ssh-keygen, git verify-tag)", () => {
  it("accepts a GPG and an SSH signature by configured keys, naming the signer", async () => {
    const c110 = repo.git("rev-parse", "v1.1.0^{commit}");
    expect(await tagSignature("v1.1.1")).toMatchObject({
      verified: true,
      signed: true,
      format: "gpg",
      signer: "Alice Admin <alice@example.test>",
      key: aliceFpr,
      commit: c110,
    });
    const ssh = await tagSignature("v1.1.2");
    expect(ssh).toMatchObject({ verified: true, format: "ssh", signer: "sam@example.test", commit: c110 });
    expect(ssh.key).toMatch(/^SHA256:/);
  });

  it("refuses unsigned, unknown-key, re-pointed and edited tags, saying who signed", async () => {
    expect(await tagSignature("v1.1.0")).toMatchObject({ verified: false, signed: false, signer: null });
    expect(await tagSignature("v1.1.3")).toMatchObject({
      verified: false,
      signed: true,
      format: "gpg",
      signer: "Mallory <mallory@example.test>",
      key: malloryFpr,
    });
    const eve = await tagSignature("v1.1.4");
    expect(eve).toMatchObject({ verified: false, signed: true, format: "ssh", signer: null });
    expect(eve.key).toMatch(/^SHA256:/);
    expect(await tagSignature("v1.1.5")).toMatchObject({ verified: false, signed: false });
    expect(await tagSignature("v1.1.6")).toMatchObject({ verified: false, signed: true, format: "gpg" });
    expect((await tagSignature("v1.1.6")).reason).toMatch(/not valid/);
    // Without the configured keys nothing verifies, though git itself would accept the GPG one.
    expect(await tagSignature("v1.1.1", parseSigners(malloryFpr))).toMatchObject({ verified: false, signer: "Alice Admin <alice@example.test>" });
  });

  it("the releases list reads all tag objects at once and verifies each object once (cached per tag object)", async () => {
    const tags = ["v1.0.0", "v1.1.0", "v1.1.1", "v1.1.2", "v1.1.3", "v1.1.4", "v1.1.5", "v1.1.6", "v1.1.7"];
    git("-c", `user.signingkey=${aliceFpr}`, "tag", "-s", "-m", "Release v1.1.7", "v1.1.7", "v1.0.0^{commit}");
    const first = await releaseSignatures(tags);
    expect(Object.fromEntries([...first].map(([t, s]) => [t, s.verified]))).toEqual({
      "v1.0.0": false,
      "v1.1.0": false,
      "v1.1.1": true,
      "v1.1.2": true,
      "v1.1.3": false,
      "v1.1.4": false,
      "v1.1.5": false,
      "v1.1.6": false,
      "v1.1.7": true,
    });
    expect(first.get("v1.1.7")?.signer).toBe("Alice Admin <alice@example.test>");
    // With an empty keyring nothing GPG-signed could verify again: the cached verdicts stand.
    const empty = fs.mkdtempSync(path.join(keys, "empty-"));
    fs.chmodSync(empty, 0o700);
    process.env.GNUPGHOME = empty;
    try {
      expect((await releaseSignatures(["v1.1.7"])).get("v1.1.7")?.verified).toBe(true);
      // A tag object not seen before is verified (and, without the key, refused).
      git("-c", `user.signingkey=${aliceFpr}`, "tag", "-s", "-m", "Release v1.1.8", "v1.1.8", "v1.0.0^{commit}");
      expect((await releaseSignatures(["v1.1.8"])).get("v1.1.8")).toMatchObject({ verified: false, signed: true });
    } finally {
      process.env.GNUPGHOME = gnupg;
    }
    expect((await releaseSignatures(["v1.1.1"], null)).size).toBe(0);
  });

  it("the releases list shows a verified badge with the signer, and says which tags are not", async () => {
    invalidateReleases();
    const page = await releasePage({ summaries: false });
    const signatures = await signatureBadges(page.releases.map((r) => r.tag));
    const html = renderToStaticMarkup(createElement(ReleaseList, { items: page.releases, deployedTag: null, signatures }));
    const row = (tag: string) => html.split('data-testid="release-row"').find((x) => x.includes(`>${tag}</a>`)) ?? "";
    expect(row("v1.1.1")).toContain("signed · Alice Admin &lt;alice@example.test&gt;");
    expect(row("v1.1.2")).toContain("signed · sam@example.test");
    expect(row("v1.1.0")).toContain("unsigned");
    expect(row("v1.1.3")).toContain("not a trusted signature (Mallory &lt;mallory@example.test&gt;)");
    const saved = process.env.RELEASE_SIGNERS;
    delete process.env.RELEASE_SIGNERS;
    reloadConfig();
    try {
      expect(await signatureBadges(["v1.1.1"])).toBeUndefined();
      expect(renderToStaticMarkup(createElement(ReleaseList, { items: page.releases, deployedTag: null }))).not.toContain('data-testid="signature"');
    } finally {
      process.env.RELEASE_SIGNERS = saved;
      reloadConfig();
    }
  });

  it("startDeployment refuses every unverified tag with 422 before anything changes, then rolls out a signed one", async () => {
    const head = repo.git("rev-parse", "HEAD");
    for (const [tag, signer] of [
      ["v1.1.0", null],
      ["v1.1.3", "Mallory <mallory@example.test>"],
      ["v1.1.4", null],
      ["v1.1.5", null],
      ["v1.1.6", "Alice Admin <alice@example.test>"],
    ] as const) {
      const err = await startDeployment({ kind: "rollout", to: tag }, operator).catch((e) => e);
      expect(err, tag).toMatchObject({ code: "preflight_failed", details: { signature: { verified: false, signer } } });
      expect(err.message).toContain(`${tag} is not a verified release`);
    }
    expect(db().prepare("SELECT COUNT(*) n FROM deployments WHERE kind <> 'adopt'").get()).toEqual({ n: 0 });
    expect(repo.git("rev-parse", "HEAD")).toBe(head);

    const r = await startDeployment({ kind: "rollout", to: "v1.1.1" }, operator);
    const d = await waitFinished(r.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(repo.git("rev-parse", "HEAD")).toBe(repo.git("rev-parse", "v1.1.0^{commit}"));
  }, 120_000);

  it("tagging from the dashboard signs with RELEASE_SIGNING_KEY (SSH key file or GPG key), and the tag verifies", async () => {
    process.env.RELEASE_SIGNING_KEY = samKey;
    reloadConfig();
    try {
      const r = await createRelease({ tag: "v1.2.0", message: "Release v1.2.0" }, admin);
      expect(await tagSignature(r.release.tag)).toMatchObject({ verified: true, format: "ssh", signer: "sam@example.test", commit: r.release.sha });
      process.env.RELEASE_SIGNING_KEY = aliceFpr;
      reloadConfig();
      const g = await createRelease({ tag: "v1.3.0", message: "Release v1.3.0" }, admin);
      expect(await tagSignature(g.release.tag)).toMatchObject({ verified: true, format: "gpg", signer: "Alice Admin <alice@example.test>" });
    } finally {
      delete process.env.RELEASE_SIGNING_KEY;
      reloadConfig();
    }
    const u = await createRelease({ tag: "v1.4.0", message: "Release v1.4.0" }, admin);
    expect(await tagSignature(u.release.tag)).toMatchObject({ verified: false, signed: false });
  });

  it("verifies against a keyring that holds only the imported public key (as on a server)", async () => {
    git("-c", `user.signingkey=${aliceFpr}`, "tag", "-s", "-m", "Release v1.1.9", "v1.1.9", "v1.0.0^{commit}");
    const pub = run("gpg", ["--batch", "--armor", "--export", aliceFpr]);
    const server = fs.mkdtempSync(path.join(keys, "server-"));
    fs.chmodSync(server, 0o700);
    execFileSync("gpg", ["--batch", "--import"], { input: pub, env: { ...process.env, GNUPGHOME: server }, stdio: ["pipe", "ignore", "ignore"] });
    process.env.GNUPGHOME = server;
    try {
      expect(await tagSignature("v1.1.9")).toMatchObject({ verified: true, format: "gpg", signer: "Alice Admin <alice@example.test>", key: aliceFpr });
    } finally {
      process.env.GNUPGHOME = gnupg;
      try {
        execFileSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: server } });
      } catch {
        /* no agent */
      }
    }
  });

  it("POST /api/deployments answers 422 preflight_failed naming the signer, and audits the refusal", async () => {
    process.env.CHATOPS_API_KEY = "signature-test-api-key-0123456789";
    reloadConfig();
    try {
      const req = testRequest("http://127.0.0.1:3000/api/deployments", {
        method: "POST",
        headers: { authorization: "Bearer signature-test-api-key-0123456789", "content-type": "application/json" },
        body: JSON.stringify({ kind: "rollout", to: "v1.1.3" }),
      });
      const res = await (deploymentsPOST as unknown as (r: unknown, c: unknown) => Promise<Response>)(req, { params: Promise.resolve({}) });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; message: string; details: { signature: { signer: string } } } };
      expect(body.error.code).toBe("preflight_failed");
      expect(body.error.details.signature.signer).toBe("Mallory <mallory@example.test>");
      expect(body.error.message).toMatch(/v1\.1\.3 is not a verified release: Signed by Mallory/);
      expect(db().prepare("SELECT result, status FROM audit_events WHERE action = 'deployment.rollout' AND target = 'v1.1.3'").get()).toEqual({
        result: "preflight_failed",
        status: 422,
      });
    } finally {
      delete process.env.CHATOPS_API_KEY;
      reloadConfig();
    }
  });

  it("the engine checks again at its resolve step: a deployment no request started (the automatic rollback's way) is refused for an unsigned tag, nothing touched", async () => {
    const { acquireAndInsert } = await import("../deploy/lock");
    const { runDeployment } = await import("../deploy/run");
    const head = repo.git("rev-parse", "HEAD");
    const sha = repo.git("rev-parse", "v1.1.3^{commit}");
    acquireAndInsert({
      id: "d-sigeng1-0a0b",
      kind: "rollback",
      status: "queued",
      from: null,
      to: "v1.1.3",
      toSha: sha,
      actor: { name: "oresi (automatic rollback)", kind: "system", via: "test" },
      auto: true,
    });
    const d = await runDeployment("d-sigeng1-0a0b", { exactFrom: null });
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/v1\.1\.3 is not a verified release: Signed by Mallory/);
    expect(d.steps.find((x) => x.name === "resolve")?.status).toBe("failed");
    expect(d.steps.find((x) => x.name === "switch")?.status).not.toBe("ok");
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
  });
});
