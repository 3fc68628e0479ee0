import "server-only";
import fs from "node:fs";
import path from "node:path";
import { config } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { runGit } from "./client";

// Signed releases (RELEASE_SIGNERS): git verifies the tag object's signature (GPG or SSH),
// we parse what it printed (`verify-tag --raw`: GnuPG status lines, or ssh-keygen's verdict)
// and accept only the configured keys. Results are cached per tag object and signer set.

export interface TagSignature {
  tag: string;
  /** The tag object's SHA (null: no such tag, or a lightweight tag). */
  object: string | null;
  /** The commit the tag points at. */
  commit: string | null;
  signed: boolean;
  verified: boolean;
  format: "gpg" | "ssh" | null;
  /** Who signed it, as far as git could tell (uid, principal), else null. */
  signer: string | null;
  /** The key: a GPG fingerprint or key id, or an SSH key fingerprint. */
  key: string | null;
  /** One sentence for people. */
  reason: string;
}

export interface Signers {
  fingerprints: string[];
  allowedSignersFile: string | null;
}

export function parseSigners(v: string | undefined): Signers | null {
  if (!v) return null;
  const items = v
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const fingerprints = items.filter((x) => /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(x)).map((x) => x.toUpperCase());
  const file = items.find((x) => !fingerprints.includes(x.toUpperCase())) ?? null;
  return { fingerprints, allowedSignersFile: file ? path.resolve(file.replace(/^~(?=\/)/, process.env.HOME ?? "~")) : null };
}

/** What `git verify-tag --raw` printed on stderr, and its exit code, judged against the signers. */
export function judgeVerifyOutput(stderr: string, code: number, signers: Signers): Omit<TagSignature, "tag" | "object" | "commit"> {
  const lines = stderr.split("\n").map((l) => l.trimEnd());
  const status = lines.filter((l) => l.startsWith("[GNUPG:] ")).map((l) => l.slice(9).split(" "));
  if (status.length) {
    const find = (k: string) => status.find((s) => s[0] === k);
    const good = find("GOODSIG");
    const valid = find("VALIDSIG");
    const bad = find("BADSIG") ?? find("EXPKEYSIG") ?? find("REVKEYSIG") ?? find("EXPSIG");
    const err = find("ERRSIG") ?? find("NO_PUBKEY");
    const uid = (good ?? bad)?.slice(2).join(" ") || null;
    if (bad)
      return {
        signed: true,
        verified: false,
        format: "gpg",
        signer: uid,
        key: bad[1] ?? null,
        reason: `The GPG signature is not valid (${bad[0]}${uid ? `, ${uid}` : ""}): the tag was changed after signing or the key expired or was revoked.`,
      };
    if (err || !good || !valid)
      return {
        signed: true,
        verified: false,
        format: "gpg",
        signer: null,
        key: err?.[1] ?? null,
        reason: `The tag is signed with GPG key ${err?.[1] ?? "(unknown)"}, whose public key is not in the server's keyring.`,
      };
    const fpr = valid[1]?.toUpperCase() ?? "";
    const primary = valid[10]?.toUpperCase() ?? fpr;
    if (code !== 0)
      return { signed: true, verified: false, format: "gpg", signer: uid, key: fpr, reason: `git did not accept the GPG signature by ${uid ?? fpr}.` };
    if (!signers.fingerprints.includes(fpr) && !signers.fingerprints.includes(primary))
      return {
        signed: true,
        verified: false,
        format: "gpg",
        signer: uid,
        key: primary,
        reason: `Signed by ${uid ?? "someone"} (GPG ${primary}), a key not in RELEASE_SIGNERS.`,
      };
    return { signed: true, verified: true, format: "gpg", signer: uid, key: primary, reason: `Signed by ${uid ?? primary} (GPG ${primary}).` };
  }
  const sshGood = lines.map((l) => /^Good "git" signature for (.+) with (\S+) key (\S+)$/.exec(l)).find(Boolean);
  if (sshGood && code === 0 && signers.allowedSignersFile)
    return {
      signed: true,
      verified: true,
      format: "ssh",
      signer: sshGood[1],
      key: sshGood[3],
      reason: `Signed by ${sshGood[1]} (SSH ${sshGood[2]} ${sshGood[3]}).`,
    };
  const sshAnon = lines.map((l) => /^Good "git" signature with (\S+) key (\S+)$/.exec(l)).find(Boolean);
  if (sshAnon)
    return {
      signed: true,
      verified: false,
      format: "ssh",
      signer: null,
      key: sshAnon[2],
      reason: `Signed with SSH ${sshAnon[1]} key ${sshAnon[2]}, which is not in the allowed signers file of RELEASE_SIGNERS.`,
    };
  if (lines.some((l) => /no signature found/i.test(l)))
    return { signed: false, verified: false, format: null, signer: null, key: null, reason: "The tag is not signed." };
  if (lines.some((l) => /ssh|principal|allowedSignersFile/i.test(l)))
    return {
      signed: true,
      verified: false,
      format: "ssh",
      signer: sshGood?.[1] ?? null,
      key: sshGood?.[3] ?? null,
      reason: `The SSH signature could not be verified: ${lines.find((l) => l.trim()) ?? "no details"}.`,
    };
  return {
    signed: false,
    verified: false,
    format: null,
    signer: null,
    key: null,
    reason: `git could not verify the tag: ${lines.find((l) => l.trim()) ?? `exit code ${code}`}.`,
  };
}

const cache = singleton("git.signatures", () => new Map<string, TagSignature>());

function signersKey(s: Signers): string {
  let stamp = "";
  if (s.allowedSignersFile) {
    try {
      const st = fs.statSync(s.allowedSignersFile);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      stamp = "missing";
    }
  }
  return `${s.fingerprints.join(",")}|${s.allowedSignersFile ?? ""}|${stamp}`;
}

async function tagObject(tag: string): Promise<{ object: string; commit: string } | null> {
  // The tag name is a validated release tag (starts with "v"), never an option.
  const r = await runGit(["rev-parse", `refs/tags/${tag}^{tag}`, `refs/tags/${tag}^{commit}`]);
  if (r.code !== 0) return null;
  const [object, commit] = r.stdout.toString("utf8").trim().split("\n");
  return /^[0-9a-f]{40,64}$/.test(object ?? "") && /^[0-9a-f]{40,64}$/.test(commit ?? "") ? { object, commit } : null;
}

async function verifyObject(tag: string, obj: { object: string; commit: string }, s: Signers): Promise<TagSignature> {
  const key = `${obj.object}|${signersKey(s)}`;
  const hit = cache.get(key);
  if (hit) return { ...hit, tag };
  const env: Record<string, string> = {};
  if (process.env.GNUPGHOME) env.GNUPGHOME = process.env.GNUPGHOME;
  // Verify the object we resolved (not the name, which could move meanwhile).
  const r = await runGit(["-c", `gpg.ssh.allowedSignersFile=${s.allowedSignersFile ?? "/dev/null"}`, "verify-tag", "--raw", obj.object], { env });
  const out: TagSignature = { tag, ...obj, ...judgeVerifyOutput(r.stderr, r.code, s) };
  if (cache.size > 5000) cache.clear();
  cache.set(key, out);
  return out;
}

const NO_SIGNERS: Signers = { fingerprints: [], allowedSignersFile: null };
const unannotated = (tag: string): TagSignature => ({
  tag,
  object: null,
  commit: null,
  signed: false,
  verified: false,
  format: null,
  signer: null,
  key: null,
  reason: `${tag} is not an annotated tag here, so it carries no signature.`,
});

/** Verify one release tag's signature against `signers` (default: RELEASE_SIGNERS). */
export async function tagSignature(tag: string, signers: Signers | null = parseSigners(config().RELEASE_SIGNERS)): Promise<TagSignature> {
  if (!/^v\d+\.\d+\.\d+[0-9A-Za-z.+-]*$/.test(tag)) throw new AppError("bad_request", `Not a release tag: ${tag}`);
  const obj = await tagObject(tag);
  return obj ? verifyObject(tag, obj, signers ?? NO_SIGNERS) : unannotated(tag);
}

/**
 * Signatures for the releases list: one `git for-each-ref` for all tag objects, then
 * `verify-tag` only for objects not verified before (cached per tag object SHA).
 * Empty when RELEASE_SIGNERS is not set.
 */
export async function releaseSignatures(tags: string[], signers: Signers | null = parseSigners(config().RELEASE_SIGNERS)): Promise<Map<string, TagSignature>> {
  const out = new Map<string, TagSignature>();
  if (!signers || !tags.length) return out;
  const r = await runGit(["for-each-ref", "--format=%(refname:strip=2)%09%(objecttype)%09%(objectname)%09%(*objectname)", "refs/tags/"]);
  const objects = new Map<string, { object: string; commit: string }>();
  for (const line of r.stdout.toString("utf8").split("\n")) {
    const [name, type, object, peeled] = line.split("\t");
    if (type === "tag" && object && peeled) objects.set(name, { object, commit: peeled });
  }
  const wanted = [...new Set(tags)];
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const tag = wanted[next++];
      const obj = objects.get(tag);
      out.set(tag, obj ? await verifyObject(tag, obj, signers) : unannotated(tag));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, wanted.length) }, worker));
  return out;
}

/**
 * When RELEASE_SIGNERS is set: refuse (422 preflight_failed, nothing changed) a release whose
 * tag is unsigned, signed by another key, changed after signing, or not pointing at `commit`.
 */
export async function assertSignedRelease(tag: string, commit: string): Promise<void> {
  const signers = parseSigners(config().RELEASE_SIGNERS);
  if (!signers) return;
  const sig = await tagSignature(tag, signers);
  if (sig.verified && sig.commit === commit) return;
  const why = sig.verified ? `${tag} now points at ${sig.commit?.slice(0, 12)}, not at ${commit.slice(0, 12)}.` : sig.reason;
  throw new AppError(
    "preflight_failed",
    `${tag} is not a verified release: ${why} RELEASE_SIGNERS allows only tags signed by its keys; sign the tag (git tag -s) with one of them.`,
    { signature: { signed: sig.signed, verified: sig.verified, format: sig.format, signer: sig.signer, key: sig.key } },
  );
}

/** For the releases list: tag → badge (undefined when RELEASE_SIGNERS is not set). Never throws. */
export async function signatureBadges(
  tags: string[],
): Promise<Record<string, { verified: boolean; signed: boolean; signer: string | null; reason: string }> | undefined> {
  if (!parseSigners(config().RELEASE_SIGNERS)) return undefined;
  try {
    const m = await releaseSignatures(tags);
    return Object.fromEntries([...m].map(([t, s]) => [t, { verified: s.verified, signed: s.signed, signer: s.signer, reason: s.reason }]));
  } catch {
    return undefined; // the list still shows; deployments still check the signature
  }
}

/**
 * How `git tag` signs when RELEASE_SIGNING_KEY is set: config options (before "tag"), the
 * flag (-s instead of -a) and the environment. An SSH key file signs with gpg.format=ssh.
 */
export function tagSigning(): { config: string[]; flag: "-s" | "-a"; env: Record<string, string> } {
  const key = config().RELEASE_SIGNING_KEY;
  const env: Record<string, string> = {};
  if (process.env.GNUPGHOME) env.GNUPGHOME = process.env.GNUPGHOME;
  if (!key) return { config: [], flag: "-a", env };
  if (/^[0-9A-Fa-f]{8,64}$/.test(key)) return { config: ["-c", "gpg.format=openpgp", "-c", `user.signingkey=${key}`], flag: "-s", env };
  const file = path.resolve(key.replace(/^~(?=\/)/, process.env.HOME ?? "~"));
  return { config: ["-c", "gpg.format=ssh", "-c", `user.signingkey=${file}`], flag: "-s", env };
}
