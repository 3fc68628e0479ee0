// Next.js bundles instrumentation and each route separately, so a module-level
// variable can exist several times in one process. State that must be unique
// per process (database handle, caches, the deployment runner) lives here.
const registry: Map<string, unknown> = ((globalThis as Record<string, unknown>).__oresiSingletons ??= new Map<string, unknown>()) as Map<string, unknown>;

export function singleton<T>(key: string, create: () => T): T {
  if (!registry.has(key)) registry.set(key, create());
  return registry.get(key) as T;
}

/** Drop a singleton (tests, or after a config reload). */
export function resetSingleton(key: string): void {
  registry.delete(key);
}
