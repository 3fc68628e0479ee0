import { AppError } from "../errors";
import type { Brand } from "../domain";

// The validators every ref, stack name and path passes before it reaches git or Compose.
// The product's words (release tag, stack name, SHA) live in lib/domain.ts; a path inside the
// repository is git's own.
export {
  COMMITISH_RE,
  RELEASE_TAG_RE,
  SHA_RE,
  STACK_NAME_RE,
  commitish,
  compareReleases,
  isPrerelease,
  isReleaseTag,
  isStackName,
  releaseTag,
  sha,
  stackName,
  type ReleaseTag,
  type Sha,
  type StackName,
} from "../domain";
export type RepoPath = Brand<string, "RepoPath">;

/** A relative path inside the repo: no .., no leading / or -, no control characters. */
const PATH_SEGMENT_RE = /^(?!\.\.?$)[A-Za-z0-9._@+=, -]{1,255}$/;

export function repoPath(v: unknown): RepoPath {
  if (typeof v !== "string" || v.length > 1024 || v.startsWith("-") || v.startsWith("/"))
    throw new AppError("bad_request", `"${String(v).slice(0, 80)}" is not a path inside the repository.`);
  const parts = v.split("/");
  if (!parts.every((p) => PATH_SEGMENT_RE.test(p))) throw new AppError("bad_request", `"${v.slice(0, 80)}" is not a path inside the repository.`);
  return v as RepoPath;
}
