import type { Role } from "@/lib/access/roles";
import { SignOutButton } from "./sign-out";

const roleStyle: Record<Role, string> = {
  viewer: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  operator: "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-200",
  admin: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

/** Who is signed in, with which role, and the way out. */
export function UserMenu({ name, role }: { name: string; role: Role }) {
  return (
    <div className="flex items-center gap-2 text-sm" aria-label="Signed in user" role="group">
      <span className="max-w-40 truncate font-medium" title={name}>
        {name}
      </span>
      <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${roleStyle[role]}`} data-testid="user-role">
        {role}
      </span>
      <SignOutButton />
    </div>
  );
}
