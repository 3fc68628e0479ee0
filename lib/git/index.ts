// The git adapter's public surface (the contract other parts call). Server-only.
export { fetchOrigin, fetchMainBranch, lsRemoteTags, pushRefs, type RemoteTag } from "./remote";
export { listReleases, resolveRelease, previousRelease, invalidateReleases, type Release, type ReleaseList, type OtherTag } from "./tags";
export { repoState, dirtyFiles, checkoutDetached, resolveCommit, invalidateRepoState, type RepoState } from "./state";
export { changedStacks, changedFilesForPairs, type StackChanges } from "./changes";
export { isGitRepo } from "./gitdir";
export * from "./refs";
