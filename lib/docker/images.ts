import "server-only";
import { dockerError } from "./client";
import { dockerFor, LOCAL_HOST } from "./hosts";
import { AppError } from "../errors";
import type { ImageInfo } from "./types";

/** A reference Docker accepts: [registry/]name[:tag][@digest], no leading dash or spaces. */
const IMAGE_REF_RE = /^[a-z0-9][a-z0-9._\-/:]{0,254}(@sha256:[0-9a-f]{64})?$/i;

export function imageRef(ref: string): string {
  if (!IMAGE_REF_RE.test(ref))
    throw new AppError("bad_request", `"${ref.slice(0, 80)}" is not an image reference such as nginx:1.27 or ghcr.io/owner/app:1.2.3.`);
  return ref;
}

/** Inspect one image (by reference or ID) on a host (default local); null when the host does not have it. */
export async function imageInspect(ref: string, host: string = LOCAL_HOST): Promise<ImageInfo | null> {
  try {
    const i = await dockerFor(host).getImage(ref).inspect();
    return {
      id: i.Id,
      repoTags: i.RepoTags ?? [],
      repoDigests: i.RepoDigests ?? [],
      created: i.Created,
      version: i.Config?.Labels?.["org.opencontainers.image.version"] ?? null,
    };
  } catch (e) {
    const err = dockerError(e, `Image ${ref}`, host);
    if (err.code === "not_found") return null;
    throw err;
  }
}

export interface PullProgress {
  status: string;
  id?: string;
  progress?: string;
}

/** Pull an image on a host (default local); progress events (one per layer update) go to onProgress. Resolves with the pulled image. */
export async function pullImage(ref: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal, host: string = LOCAL_HOST): Promise<ImageInfo> {
  imageRef(ref);
  const d = dockerFor(host);
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await d.pull(ref, { abortSignal: signal })) as NodeJS.ReadableStream;
  } catch (e) {
    throw dockerError(e, `Pulling ${ref}`, host);
  }
  await new Promise<void>((resolve, reject) => {
    d.modem.followProgress(
      stream,
      (err: Error | null, out: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = out?.find((o) => o.error || o.errorDetail);
        const on = host === LOCAL_HOST ? "" : ` on host ${host}`;
        if (err) reject(dockerError(err, `Pulling ${ref}`, host));
        else if (failed) reject(new AppError("upstream_error", `Pulling ${ref}${on}: ${failed.errorDetail?.message ?? failed.error}`));
        else resolve();
      },
      (ev: PullProgress) => onProgress?.({ status: ev.status, id: ev.id, progress: ev.progress }),
    );
  });
  const img = await imageInspect(ref, host);
  if (!img) throw new AppError("upstream_error", `Pulling ${ref} finished but the image is not there${host === LOCAL_HOST ? "" : ` on host ${host}`}.`);
  return img;
}
