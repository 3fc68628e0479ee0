// GET /api/repo – the stacks repository: branch, HEAD, the release HEAD is at, ahead/behind origin, live edits
import { route } from "@/lib/http/route";
import { config } from "@/lib/config";
import { isGitRepo } from "@/lib/git/gitdir";
import { repoState } from "@/lib/git/state";
import { cloneStatus } from "@/lib/git/clone";

export const dynamic = "force-dynamic";

export const GET = route({ access: "viewer" }, async () => {
  if (!isGitRepo(config().stacksDir)) return { repository: false, stacksDir: config().stacksDir, clone: cloneStatus() };
  return { repository: true, stacksDir: config().stacksDir, ...(await repoState()) };
});
