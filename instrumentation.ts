// Runs once when the server process starts: validate configuration and open the
// database before the first request, and stop with a clear message if either fails.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before anything requires dockerode (lib/runtime/lazy-modules.ts says why).
  const { deferUnusedModules } = await import("./lib/runtime/lazy-modules");
  deferUnusedModules();
  const { startup } = await import("./lib/startup");
  await startup();
}
