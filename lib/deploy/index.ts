import "server-only";
// The deployment engine's public face: what route handlers, intents (G) and sync (H) call.
export { startDeployment, getDeployment, listDeployments, isDeploying, rollbackPlan, deploymentBodySchema } from "./start";
export { planRollback } from "./plan";
export { deployedRelease } from "./deployed";
export { onDeploymentFinished } from "./events";
export { adoptIfNeeded } from "./adopt";
export { isHeld, listHolds, liftHold } from "./holds";
export type { Deployment, DeploymentStatus, DeploymentKind, StartInput } from "./types";
