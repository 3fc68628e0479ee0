// Pure: show a target URL without its secrets (webhook tokens live in the path or query).
// The rules live with every other masking rule in lib/secrets/mask.ts.
export { maskTargetUrl as maskUrl } from "../secrets/mask";
