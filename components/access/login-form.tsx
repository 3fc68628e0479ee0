"use client";

import { signIn } from "next-auth/react";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { messageFor } from "./login-messages";

const noSubscribe = () => () => {};

export function LoginForm({
  callbackUrl,
  local,
  oidcName,
  initialError,
}: {
  callbackUrl: string;
  local: boolean;
  oidcName: string | null;
  initialError: string | null;
}) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  // Until React has hydrated the form, a click would submit it natively (a GET with the
  // password in the URL): keep the button disabled until then.
  const hydrated = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", {
      redirect: false,
      username: String(f.get("username") ?? ""),
      password: String(f.get("password") ?? ""),
      callbackUrl,
    });
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setBusy(false);
    setError(messageFor(res?.error) ?? "Sign-in failed. Try again.");
  }

  return (
    <div className="space-y-4">
      {error ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {error}
        </p>
      ) : null}
      {local ? (
        <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in with a local account">
          <div className="space-y-1">
            <label htmlFor="username" className="block text-sm font-medium">
              User name
            </label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              className="block min-h-11 w-full rounded-lg border border-slate-400 bg-white px-3 text-base dark:border-slate-600 dark:bg-slate-950"
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="password" className="block text-sm font-medium">
              Password
            </label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              className="block min-h-11 w-full rounded-lg border border-slate-400 bg-white px-3 text-base dark:border-slate-600 dark:bg-slate-950"
            />
          </div>
          <button
            type="submit"
            disabled={busy || !hydrated}
            className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-blue-700 px-4 text-sm font-semibold text-white hover:bg-blue-800 disabled:bg-blue-400"
          >
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : null}
      {oidcName ? (
        <button
          type="button"
          onClick={() => signIn("oidc", { callbackUrl })}
          className="inline-flex min-h-11 w-full items-center justify-center rounded-lg border border-slate-400 px-4 text-sm font-semibold hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        >
          Sign in with {oidcName}
        </button>
      ) : null}
    </div>
  );
}
