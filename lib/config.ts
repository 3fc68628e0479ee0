import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { singleton, resetSingleton } from "./singleton";
import { parseUsers, parseUserRoles } from "./access/accounts";
import { parseRanges } from "./access/ip";
import { parseHash } from "./access/passwords";

// Every environment variable the server reads, validated once at start-up.
// A bad value stops the server with one message naming each variable.

const duration = (example: string) =>
  z
    .string()
    .trim()
    .regex(/^(0|off|\d+(ms|s|m|h))$/, `a duration such as ${example} (units ms, s, m, h; 0 or off disables)`)
    .transform((v) => parseDuration(v));

export function parseDuration(v: string): number {
  if (v === "0" || v === "off") return 0;
  const m = /^(\d+)(ms|s|m|h)$/.exec(v);
  if (!m) throw new Error(`bad duration ${v}`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as "ms" | "s" | "m" | "h"];
}

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(1|0|true|false|yes|no|on|off)$/, "true or false")
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const optionalUrl = z
  .string()
  .trim()
  .url("an http(s) URL such as http://uptime-kuma:3001")
  .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
  .transform((u) => u.replace(/\/+$/, ""))
  .optional();

const role = z.enum(["viewer", "operator", "admin"], { message: "one of viewer, operator, admin" });

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const envSchema = z.object({
  STACKS_DIR: z.preprocess(empty, z.string().default("/opt/stacks")),
  DATA_DIR: z.preprocess(empty, z.string().default("./data")),
  /** Audit events older than this many days are deleted (daily); 0 keeps them forever. */
  AUDIT_RETENTION_DAYS: z.preprocess(empty, z.coerce.number().int().min(0, "0 (keep forever) or more days").max(36_500).default(365)),
  DOCKER_HOST: z.preprocess(
    empty,
    z
      .string()
      .regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, "unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host")
      .default("unix:///var/run/docker.sock"),
  ),
  DOCKER_TLS_VERIFY: z.preprocess(empty, bool.optional()),
  DOCKER_CERT_PATH: z.preprocess(empty, z.string().optional()),
  DOCKER_SSH_KEY_FILE: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .refine((p) => path.isAbsolute(p), "an absolute path to an SSH private key file, such as /run/secrets/docker_ssh_key")
      .optional(),
  ),
  /** YAML file naming more Docker hosts (besides `local`, the engine of DOCKER_HOST) and their rollout order. */
  DOCKER_HOSTS_FILE: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .refine((p) => path.isAbsolute(p), "an absolute path to a YAML hosts file, such as /etc/oresi/hosts.yml")
      .optional(),
  ),
  COMPOSE_COMMAND: z.preprocess(
    empty,
    z.enum(["auto", "docker compose", "docker-compose"], { message: "auto, 'docker compose' or docker-compose" }).default("auto"),
  ),
  GIT_REMOTE: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a remote name such as origin")
      .default("origin"),
  ),
  GIT_MAIN_BRANCH: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, "a branch name such as main")
      .default("main"),
  ),
  GIT_TIMEOUT: z.preprocess(empty, duration("30s").default(30_000)),
  ORESI_GIT_EMAIL: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[^\s<>@]+@[^\s<>@]+$/, "an email address such as oresi@homelab.local")
      .optional(),
  ),
  GIT_SSH_KEY_FILE: z.preprocess(empty, z.string().optional()),
  GIT_HTTPS_TOKEN: z.preprocess(empty, z.string().optional()),
  /** Allow cloning a plain http:// remote (no TLS: the token and the code travel in clear). */
  GIT_ALLOW_HTTP: z.preprocess(empty, bool.default(false)),
  KUMA_URL: z.preprocess(empty, optionalUrl),
  KUMA_STATUS_PAGE: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/i, "a status page slug such as homelab")
      .optional(),
  ),
  KUMA_API_KEY: z.preprocess(empty, z.string().optional()),
  KUMA_TIMEOUT: z.preprocess(empty, duration("5s").default(5_000)),
  PUBLIC_URL: z.preprocess(empty, optionalUrl),
  NEXTAUTH_URL: z.preprocess(empty, optionalUrl),
  NEXTAUTH_SECRET: z.preprocess(empty, z.string().min(16, "at least 16 characters (openssl rand -base64 32)").optional()),
  SESSION_MAX_AGE: z.preprocess(empty, duration("12h").default(12 * 3_600_000)),
  ADMIN_USER: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, "a user name such as admin")
      .optional(),
  ),
  ADMIN_PASSWORD_HASH: z.preprocess(
    empty,
    z
      .string()
      .regex(/^scrypt\$/, "a hash printed by `npm run hash-password`")
      .optional(),
  ),
  USERS: z.preprocess(empty, z.string().optional()),
  USER_ROLES: z.preprocess(empty, z.string().optional()),
  OIDC_ISSUER: z.preprocess(empty, optionalUrl),
  OIDC_CLIENT_ID: z.preprocess(empty, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(empty, z.string().optional()),
  OIDC_ROLES_CLAIM: z.preprocess(empty, z.string().default("groups")),
  OIDC_SCOPES: z.preprocess(empty, z.string().default("openid profile email")),
  OIDC_NAME: z.preprocess(empty, z.string().max(40).default("single sign-on")),
  OIDC_DEFAULT_ROLE: z.preprocess(empty, role.default("viewer")),
  CHATOPS_API_KEY: z.preprocess(empty, z.string().min(16, "at least 16 characters (openssl rand -hex 24)").optional()),
  CHATOPS_API_ROLE: z.preprocess(empty, role.default("operator")),
  WIDGET_API_KEY: z.preprocess(empty, z.string().min(16, "at least 16 characters (openssl rand -hex 24)").optional()),
  RELEASE_SIGNERS: z.preprocess(
    empty,
    z
      .string()
      .refine((v) => {
        const items = v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean);
        const files = items.filter((x) => !/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(x));
        return items.length > 0 && files.length <= 1 && files.every((f) => /^[./~]|^[A-Za-z]:/.test(f) && !f.includes("\0"));
      }, "GPG fingerprints (40 hex digits) and/or one path to an SSH allowed signers file, comma-separated")
      .optional(),
  ),
  RELEASE_SIGNING_KEY: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .regex(/^(?:[./~][^\0]*|[0-9A-Fa-f]{8,64})$/, "an SSH private key file path, or a GPG key id or fingerprint")
      .optional(),
  ),
  CHATOPS_IP_ALLOWLIST: z.preprocess(empty, z.string().optional()),
  TRUSTED_PROXIES: z.preprocess(empty, z.string().optional()),
  INTENTS_DIR: z.preprocess(empty, z.string().default("./intents")),
  AUTO_ROLLBACK: z.preprocess(empty, bool.default(true)),
  DEPLOY_PARALLEL: z.preprocess(empty, z.coerce.number().int().min(1).max(32).default(4)),
  VERIFY_TIMEOUT: z.preprocess(empty, duration("60s").default(60_000)),
  DEPLOY_TIMEOUT: z.preprocess(empty, duration("30m").default(30 * 60_000)),
  LOG_ERROR_PATTERNS: z.preprocess(empty, z.string().default("error,fatal,panic,exception")),
  SYNC_INTERVAL: z.preprocess(empty, duration("1h").default(3_600_000)),
  SYNC_POLICY: z.preprocess(empty, z.enum(["notify", "rollout"], { message: "notify or rollout" }).default("notify")),
  SYNC_PRERELEASES: z.preprocess(empty, bool.default(false)),
  WEBHOOK_SECRET: z.preprocess(empty, z.string().optional()),
  WEBHOOK_REPOSITORY: z.preprocess(empty, z.string().optional()),
  NOTIFY_WEBHOOK_URL: z.preprocess(empty, optionalUrl),
  NOTIFY_DISCORD_URL: z.preprocess(empty, optionalUrl),
  NOTIFY_SLACK_URL: z.preprocess(empty, optionalUrl),
  NOTIFY_NTFY_URL: z.preprocess(empty, optionalUrl),
  UPDATE_CHECK_INTERVAL: z.preprocess(empty, duration("6h").default(6 * 3_600_000)),
  LOG_LEVEL: z.preprocess(empty, z.enum(["debug", "info", "warn", "error"]).default("info")),
});

export type RawConfig = z.infer<typeof envSchema>;
export interface Config extends RawConfig {
  stacksDir: string;
  dataDir: string;
  intentsDir: string;
  /** Every Docker host in rollout order: `local` (DOCKER_HOST) and those of DOCKER_HOSTS_FILE. */
  dockerHosts: DockerHostConfig[];
}

// ---- Docker hosts ------------------------------------------------------------------------
// The engine of DOCKER_HOST is always host `local`; DOCKER_HOSTS_FILE adds more:
//   hosts:
//     nas:  { url: ssh://oresi@nas, sshKeyFile: /keys/nas }
//     edge: { url: tcp://10.0.0.5:2376, tlsVerify: true, certPath: /certs/edge }
//   order: [nas, edge]          # rollout order; hosts not named follow by name (default: all by name)

export const HOST_NAME_RE = /^[a-z0-9][a-z0-9-]{0,30}$/;
export const LOCAL_HOST = "local";

export interface DockerHostConfig {
  name: string;
  url: string;
  tlsVerify?: boolean;
  certPath?: string;
  sshKeyFile?: string;
  /** Where the settings come from, for messages: the environment (local) or the hosts file. */
  source: "env" | "file";
}

const absolute = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((p) => path.isAbsolute(p), `an absolute path to ${what}`);

const hostEntrySchema = z
  .object({
    url: z
      .string()
      .trim()
      .regex(/^(unix|tcp|ssh):\/\/\S+$/, "unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host"),
    tlsVerify: z.boolean().optional(),
    certPath: absolute("the folder with ca.pem, cert.pem and key.pem").optional(),
    sshKeyFile: absolute("an SSH private key file").optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.sshKeyFile && !h.url.startsWith("ssh://")) ctx.addIssue({ code: "custom", path: ["sshKeyFile"], message: "only used with an ssh:// url" });
    if ((h.certPath || h.tlsVerify) && !h.url.startsWith("tcp://"))
      ctx.addIssue({ code: "custom", path: [h.certPath ? "certPath" : "tlsVerify"], message: "only used with a tcp:// url" });
  });

const hostsFileSchema = z
  .object({
    hosts: z
      .record(z.string(), hostEntrySchema)
      .default({})
      .superRefine((hosts, ctx) => {
        for (const name of Object.keys(hosts)) {
          if (!HOST_NAME_RE.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: "a host name of lower-case letters, digits and dashes (at most 31), such as nas" });
          else if (name === LOCAL_HOST)
            ctx.addIssue({ code: "custom", path: [name], message: "`local` is the engine of DOCKER_HOST; give this host another name" });
        }
      }),
    order: z.array(z.string()).optional(),
  })
  .strict();

/** Read and validate DOCKER_HOSTS_FILE; throws an Error whose message names the file and the field. */
export function parseHostsFile(file: string, local: Omit<DockerHostConfig, "name" | "source">): DockerHostConfig[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = hostsFileSchema.safeParse(doc ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${file}: ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
  }
  const all: DockerHostConfig[] = [
    { name: LOCAL_HOST, ...local, source: "env" },
    ...Object.entries(r.data.hosts).map(([name, h]) => ({ name, ...h, source: "file" as const })),
  ];
  const byName = new Map(all.map((h) => [h.name, h]));
  const order = r.data.order ?? [];
  order.forEach((n, i) => {
    if (!byName.has(n)) throw new Error(`${file}: order.${i}: "${n.slice(0, 40)}" is no host (known: ${[...byName.keys()].join(", ")})`);
    if (order.indexOf(n) !== i) throw new Error(`${file}: order.${i}: ${n} is named twice`);
  });
  const rest = all.filter((h) => !order.includes(h.name)).sort((a, b) => a.name.localeCompare(b.name));
  return [...order.map((n) => byName.get(n)!), ...rest];
}

export const EXAMPLES: Partial<Record<keyof RawConfig, string>> = {
  STACKS_DIR: "/opt/stacks",
  DATA_DIR: "./data",
  DOCKER_HOST: "unix:///var/run/docker.sock",
  KUMA_URL: "http://127.0.0.1:3001",
  KUMA_STATUS_PAGE: "homelab",
  NEXTAUTH_SECRET: "$(openssl rand -base64 32)",
  CHATOPS_API_KEY: "$(openssl rand -hex 24)",
  CHATOPS_IP_ALLOWLIST: "100.64.0.0/10,fd7a:115c:a1e0::/48",
  TRUSTED_PROXIES: "127.0.0.1,172.16.0.0/12",
  USERS: "alice:operator:scrypt$…,bob:viewer:scrypt$…",
  USER_ROLES: "alice:admin,oresi-admins:admin",
  SYNC_INTERVAL: "1h",
  VERIFY_TIMEOUT: "60s",
  GIT_TIMEOUT: "30s",
  DOCKER_SSH_KEY_FILE: "/run/secrets/docker_ssh_key",
  DOCKER_HOSTS_FILE: "/etc/oresi/hosts.yml",
  RELEASE_SIGNERS: "/data/allowed_signers,3AA5C34371567BD2A1F2AEE7D7F7C8CDA2C1E0F4",
};

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string; example?: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  - ${p.variable}: ${p.problem}${p.example ? ` (example: ${p.variable}=${p.example})` : ""}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const res = envSchema.safeParse(env);
  if (!res.success) {
    const seen = new Set<string>();
    const problems = [];
    for (const i of res.error.issues) {
      const variable = String(i.path[0] ?? "?");
      if (seen.has(variable)) continue; // one line per variable
      seen.add(variable);
      problems.push({ variable, problem: i.message, example: EXAMPLES[variable as keyof RawConfig] });
    }
    throw new ConfigError(problems);
  }
  const c = res.data;
  const problems: { variable: string; problem: string; example?: string }[] = [];
  if (c.ADMIN_USER && !c.ADMIN_PASSWORD_HASH)
    problems.push({ variable: "ADMIN_PASSWORD_HASH", problem: "required when ADMIN_USER is set", example: "$(npm run -s hash-password)" });
  if (c.OIDC_ISSUER && (!c.OIDC_CLIENT_ID || !c.OIDC_CLIENT_SECRET))
    problems.push({ variable: c.OIDC_CLIENT_ID ? "OIDC_CLIENT_SECRET" : "OIDC_CLIENT_ID", problem: "required when OIDC_ISSUER is set" });
  for (const [variable, check] of [
    ["USERS", () => parseUsers(c.USERS)],
    ["USER_ROLES", () => parseUserRoles(c.USER_ROLES)],
    ["CHATOPS_IP_ALLOWLIST", () => parseRanges(c.CHATOPS_IP_ALLOWLIST)],
    ["TRUSTED_PROXIES", () => parseRanges(c.TRUSTED_PROXIES)],
  ] as const) {
    try {
      check();
    } catch (e) {
      problems.push({ variable, problem: (e as Error).message, example: EXAMPLES[variable] });
    }
  }
  if (c.ADMIN_PASSWORD_HASH && !parseHash(c.ADMIN_PASSWORD_HASH))
    problems.push({ variable: "ADMIN_PASSWORD_HASH", problem: "not a valid hash: print one with `npm run -s hash-password`" });
  if (c.KUMA_STATUS_PAGE && !c.KUMA_URL) problems.push({ variable: "KUMA_URL", problem: "required when KUMA_STATUS_PAGE is set", example: EXAMPLES.KUMA_URL });
  if (c.KUMA_API_KEY && !c.KUMA_URL) problems.push({ variable: "KUMA_URL", problem: "required when KUMA_API_KEY is set", example: EXAMPLES.KUMA_URL });
  if (c.DOCKER_SSH_KEY_FILE && !c.DOCKER_HOST.startsWith("ssh://"))
    problems.push({ variable: "DOCKER_SSH_KEY_FILE", problem: "only used with an ssh:// DOCKER_HOST (such as ssh://user@host); unset it or set DOCKER_HOST" });
  const local = { url: c.DOCKER_HOST, tlsVerify: c.DOCKER_TLS_VERIFY, certPath: c.DOCKER_CERT_PATH, sshKeyFile: c.DOCKER_SSH_KEY_FILE };
  let dockerHosts: DockerHostConfig[] = [{ name: LOCAL_HOST, ...local, source: "env" }];
  if (c.DOCKER_HOSTS_FILE) {
    try {
      dockerHosts = parseHostsFile(c.DOCKER_HOSTS_FILE, local);
    } catch (e) {
      problems.push({ variable: "DOCKER_HOSTS_FILE", problem: (e as Error).message });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...c,
    dockerHosts,
    stacksDir: path.resolve(c.STACKS_DIR),
    dataDir: path.resolve(c.DATA_DIR),
    intentsDir: path.resolve(c.INTENTS_DIR),
  };
}

export function config(): Config {
  return singleton("config", () => parseConfig(process.env));
}

/** Tests change process.env between cases; they call this to re-read it. */
export function reloadConfig(): Config {
  resetSingleton("config");
  return config();
}
