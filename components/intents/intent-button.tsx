"use client";

// A button that runs an intent: it fetches the intent with its parameters resolved,
// shows the intent's own confirm text in a dialog (focus starts on Cancel), posts to
// /api/intents/{name}, then opens the deployment it started or says what happened.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import type { IntentView } from "@/lib/intents/schema";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Params = Record<string, string | boolean | undefined>;

interface Preview {
  intent: IntentView;
  params: Record<string, string | boolean>;
  current: string | null;
  confirm: string | null;
  details: string | null;
}

interface ApiError {
  error?: { code: string; message: string };
}

export const intentsQuery = () =>
  queryOptions({
    queryKey: ["intents"],
    queryFn: async (): Promise<IntentView[]> => {
      const res = await fetch("/api/intents", { headers: { accept: "application/json" } });
      if (!res.ok) return [];
      return ((await res.json()) as { intents: IntentView[] }).intents;
    },
    staleTime: 30_000,
    refetchInterval: false,
  });

function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

function clean(params: Params): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string | boolean>;
}

export interface IntentButtonProps {
  /** The intent to run (a file in INTENTS_DIR), e.g. "rollback". */
  intent: string;
  params?: Params;
  children?: ReactNode;
  variant?: Variant;
  className?: string;
  /** Called with the action's answer (after a 2xx). */
  onDone?: (result: Record<string, unknown>) => void;
  /** Open /deployments/{id} when the action started a deployment (default true). */
  navigate?: boolean;
  disabled?: boolean;
}

export function IntentButton({ intent, params = {}, children, variant = "primary", className, onDone, navigate = true, disabled }: IntentButtonProps) {
  const router = useRouter();
  const qc = useQueryClient();
  const intents = useQuery(intentsQuery());
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState<"preview" | "run" | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "bad"; text: string } | null>(null);

  const allowed = intents.data?.find((i) => i.name === intent);
  const unavailable = intents.isSuccess && !allowed;

  useEffect(() => {
    const d = dialogRef.current;
    if (!d) return;
    if (preview && !d.open) {
      d.showModal();
      d.querySelector<HTMLButtonElement>("[data-cancel]")?.focus();
    } else if (!preview && d.open) d.close();
  }, [preview]);

  async function run() {
    setBusy("run");
    setMessage(null);
    try {
      const res = await fetch(`/api/intents/${encodeURIComponent(intent)}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(clean(params)),
      });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown> & ApiError;
      setPreview(null);
      if (!res.ok) {
        setMessage({ tone: "bad", text: body.error?.message ?? `The server answered ${res.status}.` });
        return;
      }
      await qc.invalidateQueries();
      onDone?.(body);
      if (navigate && typeof body.url === "string" && body.url.startsWith("/")) {
        router.push(body.url);
        return;
      }
      setMessage({ tone: "ok", text: typeof body.summary === "string" ? body.summary : "Done." });
    } catch {
      setPreview(null);
      setMessage({ tone: "bad", text: "The server could not be reached; nothing was confirmed. Check the Deployments page before trying again." });
    } finally {
      setBusy(null);
    }
  }

  async function open() {
    setBusy("preview");
    setMessage(null);
    try {
      const res = await fetch(`/api/intents/${encodeURIComponent(intent)}${query(params)}`, { headers: { accept: "application/json" } });
      const body = (await res.json().catch(() => ({}))) as Preview & ApiError;
      if (!res.ok) {
        setMessage({ tone: "bad", text: body.error?.message ?? `The server answered ${res.status}.` });
        return;
      }
      if (!body.confirm) {
        setBusy(null);
        await run();
        return;
      }
      setPreview(body);
    } catch {
      setMessage({ tone: "bad", text: "The server could not be reached." });
    } finally {
      setBusy((b) => (b === "preview" ? null : b));
    }
  }

  const label = children ?? allowed?.title ?? intent;
  return (
    <div className="inline-flex flex-col gap-1">
      <Button
        type="button"
        variant={variant}
        className={className}
        disabled={disabled || unavailable || busy !== null}
        aria-busy={busy !== null}
        title={unavailable ? "Your role may not run this." : undefined}
        onClick={open}
        data-intent={intent}
      >
        {label}
      </Button>
      {message ? (
        <span role={message.tone === "bad" ? "alert" : "status"} className={`max-w-xs text-sm ${message.tone === "bad" ? "text-red-800 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}>
          {message.text}
        </span>
      ) : null}
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        aria-describedby={descId}
        onCancel={(e) => {
          e.preventDefault();
          setPreview(null);
        }}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        {preview ? (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <h2 id={titleId} className="mb-2 text-lg font-semibold">
              {preview.intent.title}
            </h2>
            <p id={descId} className="mb-2" data-testid="intent-confirm">
              {preview.confirm}
            </p>
            {preview.details ? <p className="mb-2 font-mono text-sm text-slate-700 dark:text-slate-300">{preview.details}</p> : null}
            <div className="mt-4 flex flex-wrap justify-end gap-2">
              <Button data-cancel type="button" variant="secondary" onClick={() => setPreview(null)} autoFocus>
                Cancel
              </Button>
              <Button type="submit" variant={variant === "danger" ? "danger" : "primary"} disabled={busy === "run"} aria-busy={busy === "run"}>
                {busy === "run" ? "Starting…" : preview.intent.title}
              </Button>
            </div>
          </form>
        ) : null}
      </dialog>
    </div>
  );
}
