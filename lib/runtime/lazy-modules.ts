import Module from "node:module";
import path from "node:path";

// dockerode loads two heavy parts on its first require that this server uses only in rare cases:
// docker-modem's SSH agent (ssh2, its crypto addon and a WebAssembly poly1305) for DOCKER_HOST=ssh://,
// and dockerode's BuildKit session (@grpc/grpc-js, protobufjs) for image builds with a session.
// Together ~10 MB of resident memory for as long as the process lives. Both modules export a
// single function that their parent only calls: hand the parent a function that requires the
// real module on its first call. Anything else (another version that no longer matches these
// paths) loads as usual, so a mismatch costs memory, never behaviour.

/** [parent module inside node_modules, request it makes]: modules whose export is a function. */
export const DEFERRED: readonly (readonly [string, string])[] = [
  ["docker-modem/lib/modem.js", "./ssh"],
  ["dockerode/lib/docker.js", "./session"],
];

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const MARK = Symbol.for("oresi.deferUnusedModules");

function deferred(parent: NodeJS.Module | undefined, request: string): boolean {
  if (!parent?.filename) return false;
  const file = parent.filename.split(path.sep).join("/");
  return DEFERRED.some(([p, r]) => r === request && file.endsWith(`/node_modules/${p}`));
}

/** Install the hook once per process (before dockerode's first require; later requires are not affected). */
export function deferUnusedModules(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[MARK]) return;
  g[MARK] = true;
  const original = loader._load;
  loader._load = function load(this: unknown, request, parent, isMain) {
    if (!deferred(parent, request)) return original.call(this, request, parent, isMain);
    let real: ((...args: unknown[]) => unknown) | undefined;
    return function onFirstCall(this: unknown, ...args: unknown[]) {
      real ??= original.call(Module, request, parent, false) as (...args: unknown[]) => unknown;
      return real.apply(this, args);
    };
  };
}
