import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors";
import { singleton } from "../singleton";

// The Docker and Compose CLIs reach an ssh:// host by running `ssh` from PATH (Compose v1 through
// docker-py's ssh client, the docker CLI through its connection helper); neither takes a key
// file. For a host with a key file (sshKeyFile, DOCKER_SSH_KEY_FILE), their PATH starts with a
// folder of ours holding an `ssh` that runs the real one with that key, as git's GIT_SSH_COMMAND
// does (lib/git/client.ts): IdentitiesOnly, BatchMode (never a prompt), host keys accepted on
// first use into HOME's known_hosts. The script is constant: the key and known_hosts paths reach
// it only as environment variables, quoted. Its folder is made once per process by mkdtemp (0700).

const SAFE_PATH = /^\/[A-Za-z0-9_./+-]+$/;

const state = singleton("docker.ssh-cli", () => ({ dir: null as string | null }));

/** The real `ssh` on PATH (an absolute path with plain characters), or a clear error. */
function realSsh(exclude: string | null): string {
  for (const d of (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(path.delimiter)) {
    if (!d || d === exclude) continue;
    const f = path.join(d, "ssh");
    try {
      fs.accessSync(f, fs.constants.X_OK);
    } catch {
      continue;
    }
    if (!SAFE_PATH.test(f)) continue;
    return f;
  }
  throw new AppError("dependency_down", "ssh is not installed: the Docker CLI reaches ssh:// hosts through it (Debian: apt-get install openssh-client).");
}

/** The folder holding our `ssh` (written on first use). */
export function sshWrapperDir(): string {
  if (state.dir && fs.existsSync(path.join(state.dir, "ssh"))) return state.dir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oresi-ssh-"));
  const ssh = realSsh(dir);
  const script = [
    "#!/bin/sh",
    "# Written by Oresi Releases (lib/docker/ssh-cli.ts): the Docker CLI's ssh, with the host's key file.",
    `exec '${ssh}' -i "$ORESI_SSH_KEY_FILE" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=\\"$ORESI_SSH_KNOWN_HOSTS\\"" "$@"`,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "ssh"), script, { mode: 0o700 });
  state.dir = dir;
  return dir;
}

/** Where accepted host keys go: HOME's .ssh/known_hosts (made if missing), else ssh's own ~ (the password database's). */
function knownHosts(): string {
  const home = process.env.HOME;
  if (home && path.isAbsolute(home) && !/["%$\\]/.test(home)) {
    const dir = path.join(home, ".ssh");
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return path.join(dir, "known_hosts");
    } catch {
      /* an unwritable HOME */
    }
  }
  return "~/.ssh/known_hosts";
}

/** The environment a CLI process needs to reach an ssh:// host with this key file. */
export function sshCliEnv(keyFile: string): Record<string, string> {
  const dir = sshWrapperDir();
  return {
    PATH: [dir, process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"].join(path.delimiter),
    ORESI_SSH_KEY_FILE: keyFile,
    ORESI_SSH_KNOWN_HOSTS: knownHosts(),
  };
}
