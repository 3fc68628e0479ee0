// A stack's .env as the release views read it: Compose's parsing and interpolation (lib/docker/env.ts)
// and the masking of secrets (lib/secrets/mask.ts: one module for diffs, pages, logs and notifications).
export { interpolate, parseEnv } from "../docker/env";
export { MASK, maskEnv } from "../secrets/mask";
