import "server-only";
import { AppError } from "../errors";
import { readFileAt } from "../git/read";
import { releaseTag } from "../git/refs";
import { listReleases, previousRelease, type Release } from "../git/tags";
import { changelogSection } from "./changelog";
import { currentDeployed, type Deployed } from "./resolve";
import { summarizeReleases, type ReleaseSummary } from "./summary";

export interface ReleaseDetail {
  release: Release;
  previous: Release | null;
  next: Release | null;
  summary: ReleaseSummary;
  changelog: string | null;
  deployed: Deployed | null;
  isDeployed: boolean;
}

/** One release with its previous one, what it changed, its CHANGELOG.md section and the deployed release. */
export async function getRelease(tagInput: string): Promise<ReleaseDetail> {
  const tag = releaseTag(tagInput);
  const list = await listReleases();
  const release = list.byTag.get(tag);
  if (!release) throw new AppError("not_found", `There is no release ${tag}.`);
  const i = list.releases.indexOf(release);
  const [summary] = await summarizeReleases(list, [release]);
  const [changelogText, deployed] = await Promise.all([readFileAt(release.sha, "CHANGELOG.md"), currentDeployed().catch(() => null)]);
  return {
    release,
    previous: previousRelease(list, tag),
    next: i > 0 ? list.releases[i - 1] : null,
    summary,
    changelog: changelogSection(changelogText, tag),
    deployed,
    isDeployed: !!deployed && deployed.tag === tag,
  };
}
