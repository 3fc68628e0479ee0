import "server-only";
import fs from "node:fs";
import path from "node:path";
import { composeFilesWith } from "../../docker/compose";
import { MAIN_FILES } from "../../docker/compose-files";
import { hostOfStack } from "../../docker/hosts";
import { imageInspect } from "../../docker/images";
import { countServiceErrorLines, stackDeploy, stackKind, stackRemove, stackServices, writeStackFile } from "../../docker/swarm";
import { parseXOresi } from "../../docker/x-oresi";
import type { SwarmDeps } from "./types";

// The real Swarm dependencies of the engine: lib/docker/swarm.ts on the stack's host.
export function swarmDeps(): SwarmDeps {
  return {
    settingsIn: (dir) => {
      const main = [...new Set([...MAIN_FILES[2], ...MAIN_FILES[1]])].find((f) => fs.existsSync(path.join(dir, f)));
      return parseXOresi(main ? fs.readFileSync(path.join(dir, main), "utf8") : "").settings;
    },
    hostOf: (settings, stack) => hostOfStack(settings, stack),
    kind: (stack, declared, host) => stackKind(stack, declared, host),
    writeFile: async (stack, out, opts) => {
      // The stack's own files by Compose's rules, then the exact-release pins (as `up` does).
      const explicit = opts.overrides.length ? await composeFilesWith(stack.dir, opts.overrides) : {};
      return writeStackFile(stack.dir, stack.name, out, { host: opts.host, signal: opts.signal, ...explicit });
    },
    deploy: (stack, file, opts) => stackDeploy(stack, file, { host: opts.host, onLine: (l) => opts.onLine(l), signal: opts.signal }),
    remove: (stack, opts) => stackRemove(stack, { host: opts.host, onLine: (l) => opts.onLine(l), signal: opts.signal }),
    services: (stack, host) => stackServices(stack, host, true),
    errorLines: (id, since, opts) => countServiceErrorLines(id, since, opts),
    imageInspect: (ref, host) => imageInspect(ref, host),
  };
}
