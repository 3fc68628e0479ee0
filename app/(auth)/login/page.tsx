import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/access/login-form";
import { messageFor } from "@/components/access/login-messages";
import { config } from "@/lib/config";
import { currentCaller } from "@/lib/access/page";
import { firstRunNeeded, FIRST_RUN_FILE, FIRST_RUN_USER, ensureFirstRunAdmin } from "@/lib/access/first-run";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

function localPath(p: string | string[] | undefined): string {
  const s = Array.isArray(p) ? p[0] : p;
  if (!s) return "/";
  try {
    // next-auth may hand back an absolute URL of our own origin: keep only path and query.
    const u = new URL(s, "http://local");
    if (u.origin !== "http://local" && !/^https?:\/\//.test(s)) return "/";
    const path = u.pathname + u.search;
    return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/login") ? path : "/";
  } catch {
    return "/";
  }
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = localPath(sp.callbackUrl);
  if (await currentCaller()) redirect(callbackUrl);
  const c = config();
  const firstRun = firstRunNeeded();
  if (firstRun) await ensureFirstRunAdmin(); // so the password is in the log before anyone needs it
  const local = firstRun || !!c.ADMIN_USER || !!c.USERS;
  const oidcName = c.OIDC_ISSUER ? c.OIDC_NAME : null;
  const error = messageFor(Array.isArray(sp.error) ? sp.error[0] : sp.error);
  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="space-y-1">
          <p className="inline-flex items-center gap-2 font-bold">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-full bg-blue-600" />
            Oresi Releases
          </p>
          <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
        </div>
        <LoginForm callbackUrl={callbackUrl} local={local} oidcName={oidcName} initialError={error} />
        {firstRun ? (
          <div className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <p className="font-semibold">First run</p>
            <p>
              No account is configured yet, so one was made: user <code className="font-mono">{FIRST_RUN_USER}</code>. Its password was printed once to the
              server log (look for &ldquo;initial admin password&rdquo;, e.g. <code className="font-mono">docker logs oresi</code>). Lost it? Delete{" "}
              <code className="font-mono">{FIRST_RUN_FILE}</code> in <code className="font-mono">DATA_DIR</code> and restart. Then set{" "}
              <code className="font-mono">ADMIN_USER</code> and <code className="font-mono">ADMIN_PASSWORD_HASH</code>.
            </p>
          </div>
        ) : null}
      </div>
    </main>
  );
}
