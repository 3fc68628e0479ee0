import "server-only";
import { config } from "../config";
import { AppError } from "../errors";
import { singleton } from "../singleton";
import { gitError, gitText } from "./client";
import { gitDirOf, tagRefsKey } from "./gitdir";
import { compareReleases, isPrerelease, isReleaseTag, releaseTag, type ReleaseTag, type Sha } from "./refs";

export interface Person {
  name: string;
  email: string;
}

export interface Release {
  tag: ReleaseTag;
  /** The commit the tag points at. */
  sha: Sha;
  /** Annotated tags have a tagger, a date and a message of their own; lightweight tags borrow the commit's. */
  annotated: boolean;
  tagger: Person | null;
  /** ISO time: the tagger date (annotated) or the commit date (lightweight). */
  date: string | null;
  subject: string;
  message: string;
  prerelease: boolean;
}

export interface OtherTag {
  name: string;
  sha: string;
  annotated: boolean;
  date: string | null;
  subject: string;
}

export interface ReleaseList {
  /** Semantic-version tags, newest (highest precedence) first. */
  releases: Release[];
  /** Tags that are not versions, listed apart. */
  others: OtherTag[];
  byTag: Map<string, Release>;
  /** The ref-state key this list was read under. */
  key: string;
}

const F = "%1f";
const FORMAT =
  [
    "%(refname:strip=2)",
    "%(objecttype)",
    "%(objectname)",
    "%(*objectname)",
    "%(taggername)",
    "%(taggeremail)",
    "%(taggerdate:iso-strict)",
    "%(authorname)",
    "%(authoremail)",
    "%(authordate:iso-strict)",
    "%(creatordate:iso-strict)",
    "%(contents:subject)",
    "%(contents)",
  ].join(F) + "%1e";

const stripEmail = (e: string) => e.replace(/^<|>$/g, "");

/** Parse `git for-each-ref refs/tags --format=FORMAT` output. Exported for tests. */
export function parseTagRefs(out: string, key = ""): ReleaseList {
  const releases: Release[] = [];
  const others: OtherTag[] = [];
  for (const rec of out.split("\x1e")) {
    const r = rec.replace(/^\n/, "");
    if (!r) continue;
    const [name, type, object, peeled, tName, tEmail, tDate, aName, aEmail, aDate, cDate, subject, contents] = r.split("\x1f");
    const annotated = type === "tag";
    const commit = annotated ? peeled : object;
    if (!commit) continue;
    const message = stripSignature(contents ?? "").trim();
    if (isReleaseTag(name)) {
      releases.push({
        tag: name,
        sha: commit as Sha,
        annotated,
        tagger: annotated ? (tName ? { name: tName, email: stripEmail(tEmail) } : null) : aName ? { name: aName, email: stripEmail(aEmail) } : null,
        date: (annotated ? tDate : aDate) || cDate || null,
        subject: subject ?? "",
        message,
        prerelease: isPrerelease(name),
      });
    } else {
      others.push({ name, sha: commit, annotated, date: cDate || null, subject: subject ?? "" });
    }
  }
  releases.sort((a, b) => compareReleases(b.tag, a.tag));
  others.sort((a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.name.localeCompare(b.name));
  return { releases, others, byTag: new Map(releases.map((r) => [r.tag, r])), key };
}

function stripSignature(s: string): string {
  const i = s.indexOf("-----BEGIN PGP SIGNATURE-----");
  const j = s.indexOf("-----BEGIN SSH SIGNATURE-----");
  const k = [i, j].filter((x) => x >= 0).sort((a, b) => a - b)[0];
  return k === undefined ? s : s.slice(0, k);
}

interface Cache {
  dir: string;
  key: string;
  value: ReleaseList | null;
  pending: Promise<ReleaseList> | null;
}
const cache = singleton("git.tags.cache", () => ({ dir: "", key: "", value: null, pending: null }) as Cache);

/**
 * Every tag of the stacks repository, in ONE `git for-each-ref` call, cached until the
 * tag refs change on disk (packed-refs or refs/tags touched). Concurrent callers share one read.
 */
export async function listReleases(): Promise<ReleaseList> {
  const dir = config().stacksDir;
  const gitDir = gitDirOf(dir);
  if (!gitDir) throw new AppError("dependency_down", `${dir} is not a git repository: clone your stacks repository into it (the Overview offers to).`);
  const key = tagRefsKey(gitDir);
  if (cache.value && cache.dir === dir && cache.value.key === key) return cache.value;
  if (cache.pending && cache.dir === dir && cache.key === key) return cache.pending;
  const p = (async () => {
    try {
      const out = await gitText(["for-each-ref", "--format", FORMAT, "refs/tags"], { cwd: dir });
      return parseTagRefs(out, key);
    } catch (e) {
      throw gitError(e, "Listing tags");
    }
  })();
  cache.dir = dir;
  cache.key = key;
  cache.pending = p;
  try {
    const v = await p;
    if (cache.pending === p) cache.value = v;
    return v;
  } catch (e) {
    if (cache.pending === p) cache.value = null;
    throw e;
  } finally {
    if (cache.pending === p) cache.pending = null;
  }
}

/** Drop the cached list (after we create or delete a tag ourselves). */
export function invalidateReleases(): void {
  cache.value = null;
  cache.key = "";
}

/** The commit a release tag points at; 404 when there is no such tag. Validates the name first. */
export async function resolveRelease(tag: string): Promise<Sha> {
  const t = releaseTag(tag);
  const r = (await listReleases()).byTag.get(t);
  if (!r) throw new AppError("not_found", `There is no release ${t} in the stacks repository (fetch from ${config().GIT_REMOTE} if it was just tagged).`);
  return r.sha;
}

/** The release before this one: the previous stable release for a stable one, the one just below for a pre-release. */
export function previousRelease(list: ReleaseList, tag: ReleaseTag): Release | null {
  const i = list.releases.findIndex((r) => r.tag === tag);
  if (i < 0) return null;
  const pre = isPrerelease(tag);
  for (let j = i + 1; j < list.releases.length; j++) {
    const r = list.releases[j];
    if (pre || !r.prerelease) return r;
  }
  return null;
}

export function newestRelease(list: ReleaseList): Release | null {
  return list.releases[0] ?? null;
}
