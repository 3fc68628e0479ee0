import type { ReactNode } from "react";
import Link from "next/link";
import { Nav } from "@/components/layout/nav";
import { DependencyBanner } from "@/components/layout/dependency-banner";
import { MeProvider } from "@/components/access/role";
import { UserMenu } from "@/components/access/user-menu";
import { pageCaller } from "@/lib/access/page";
import { status } from "@/lib/status";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Every dashboard page needs a signed-in person; pages and API routes check again themselves.
  const me = await pageCaller();
  const report = await status();
  return (
    <MeProvider me={{ name: me.name, role: me.role }}>
      <div className="flex min-h-screen flex-col">
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2">
            <Link href="/" className="inline-flex min-h-11 items-center gap-2 font-bold">
              <span aria-hidden="true" className="inline-block h-3 w-3 rounded-full bg-blue-600" />
              Oresi Releases
            </Link>
            <div className="sm:order-last">
              <UserMenu name={me.name} role={me.role} />
            </div>
            <div className="w-full min-w-0 sm:w-auto sm:flex-1 sm:flex sm:justify-end">
              <Nav />
            </div>
          </div>
        </header>
        <DependencyBanner dependencies={report.dependencies} />
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
          {children}
        </main>
        <footer className="border-t border-slate-200 py-3 text-center text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          Oresi Releases <span className="font-mono">v{report.version}</span> · <span className="font-mono">{report.commit}</span>
        </footer>
      </div>
    </MeProvider>
  );
}
