// Shapes shared by the Docker adapter, the stacks model, the API and the UI (no server imports).

export type Health = "starting" | "healthy" | "unhealthy" | null;

export interface PortInfo {
  privatePort: number;
  publicPort?: number;
  type: string;
  ip?: string;
}

export interface ContainerInfo {
  id: string;
  /** The Docker host it runs on (lib/docker/hosts.ts; `local` = the engine of DOCKER_HOST). */
  host: string;
  name: string;
  /** The image reference as configured (from the list; a bare image ID when the tag has moved on). */
  image: string;
  imageId: string;
  state: string;
  status: string;
  health: Health;
  created: string;
  project: string | null;
  service: string | null;
  oneoff: boolean;
  configHash: string | null;
  /** org.opencontainers.image.version of the container's image, when it has one. */
  version: string | null;
  ports: PortInfo[];
}

/** What the list does not carry; from one inspect per container, cached. */
export interface ContainerDetails {
  id: string;
  /** Config.Image: the reference the container was created with. */
  configuredImage: string;
  startedAt: string | null;
  finishedAt: string | null;
  restartCount: number;
  health: Health;
  tty: boolean;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  version: string | null;
}
