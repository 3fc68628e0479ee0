"use client";

// A button that runs an intent: it fetches the intent with its parameters resolved,
// shows the intent's own confirm text in the confirmation dialog (focus starts on
// Cancel), posts to /api/intents/{name}, then opens the deployment it started or says
// what happened. The dashboard's Roll back, Roll out, Tag and Sync buttons use it, so
// people and chat bots run the same intents.
import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/deployments/confirm-dialog";
import type { IntentView } from "@/lib/intents/schema";
import type { DeploymentPreview } from "@/lib/deploy/preview-types";
import { DeploymentPreviewPanel } from "@/components/deployments/deployment-preview";
import { deploymentPreviewKey, type PreviewTarget } from "@/lib/queries/preview";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Params = Record<string, string | boolean | undefined>;

export interface IntentPreview {
  intent: IntentView;
  params: Record<string, string | boolean>;
  current: string | null;
  confirm: string | null;
  /** The confirm text without the rollout preview (the dialog's title). */
  question?: string | null;
  details: string | null;
  deployment?: DeploymentPreview | null;
}

interface ApiError {
  error?: { code: string; message: string };
}

/** The intents the signed-in person may run (the server decides; shared by every button). */
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

function cleanParams(params: Params): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string | boolean>;
}

function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(cleanParams(params))) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function readJson<T>(res: Response): Promise<T & ApiError> {
  return (await res.json().catch(() => ({}))) as T & ApiError;
}

export interface IntentButtonProps {
  /** The intent to run (a file in INTENTS_DIR), e.g. "rollback". */
  intent: string;
  params?: Params;
  /** The button's label (default: the intent's title). */
  children?: ReactNode;
  variant?: Variant;
  className?: string;
  /** More about what will change, shown under the intent's confirm text. */
  summary?: ReactNode;
  /** A rollout or rollback: the dialog shows its preview (GET /api/deployments/preview). */
  deployment?: PreviewTarget;
  /** Called with the action's answer (after a 2xx). */
  onDone?: (result: Record<string, unknown>) => void;
  /** Open the page the action answered with (a deployment) (default true). */
  navigate?: boolean;
  disabled?: boolean;
}

export function IntentButton({ intent, params = {}, children, variant = "primary", className, summary, deployment, onDone, navigate = true, disabled }: IntentButtonProps) {
  const router = useRouter();
  const qc = useQueryClient();
  const intents = useQuery(intentsQuery());
  const [preview, setPreview] = useState<IntentPreview | null>(null);
  const [busy, setBusy] = useState<"preview" | "run" | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "bad"; text: string } | null>(null);

  const allowed = intents.data?.find((i) => i.name === intent);
  const unavailable = intents.isSuccess && !allowed;

  async function run(inDialog: boolean) {
    setBusy("run");
    setDialogError(null);
    setMessage(null);
    try {
      const res = await fetch(`/api/intents/${encodeURIComponent(intent)}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(cleanParams(params)),
      });
      const body = await readJson<Record<string, unknown>>(res);
      if (!res.ok) {
        const text = body.error?.message ?? `The server answered ${res.status}.`;
        if (inDialog) setDialogError(text);
        else setMessage({ tone: "bad", text });
        return;
      }
      setPreview(null);
      await qc.invalidateQueries();
      onDone?.(body);
      if (navigate && typeof body.url === "string" && body.url.startsWith("/deployments/")) {
        router.push(body.url);
        return;
      }
      setMessage({ tone: "ok", text: typeof body.summary === "string" ? body.summary : "Done." });
      router.refresh();
    } catch {
      const text = "The server could not be reached; check the Deployments page before trying again.";
      if (inDialog) setDialogError(text);
      else setMessage({ tone: "bad", text });
    } finally {
      setBusy(null);
    }
  }

  async function open() {
    setBusy("preview");
    setMessage(null);
    setDialogError(null);
    try {
      const res = await fetch(`/api/intents/${encodeURIComponent(intent)}${query(params)}`, { headers: { accept: "application/json" } });
      const body = await readJson<IntentPreview>(res);
      if (!res.ok) {
        setMessage({ tone: "bad", text: body.error?.message ?? `The server answered ${res.status}.` });
        setBusy(null);
        return;
      }
      if (!body.confirm) {
        await run(false); // an intent without a confirm text (verify) runs at once
        return;
      }
      // The intent's answer carries the rollout preview: seed the dialog's query with it.
      if (deployment && body.deployment && (deployment.kind === "rollback" || body.deployment.to === deployment.to))
        qc.setQueryData(deploymentPreviewKey(deployment), body.deployment);
      setPreview(body);
      setBusy(null);
    } catch {
      setMessage({ tone: "bad", text: "The server could not be reached." });
      setBusy(null);
    }
  }

  const label = children ?? allowed?.title ?? intent;
  return (
    <>
      <Button
        type="button"
        variant={variant}
        className={className}
        disabled={disabled || unavailable || busy === "preview"}
        aria-busy={busy === "preview"}
        title={unavailable ? "Your role may not run this." : undefined}
        onClick={open}
        data-intent={intent}
      >
        {label}
      </Button>
      {message ? (
        <p role={message.tone === "bad" ? "alert" : "status"} className={`basis-full text-sm ${message.tone === "bad" ? "text-red-800 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}>
          {message.text}
        </p>
      ) : null}
      <ConfirmDialog
        open={preview !== null}
        title={preview?.question ?? preview?.confirm ?? ""}
        confirmLabel={typeof label === "string" ? label : (preview?.intent.title ?? "Confirm")}
        danger={variant === "danger"}
        busy={busy === "run"}
        error={dialogError}
        onCancel={() => {
          setPreview(null);
          setDialogError(null);
        }}
        onConfirm={() => void run(true)}
      >
        {preview ? (
          <div data-testid="intent-dialog" data-intent={preview.intent.name} className="flex flex-col gap-1">
            {preview.intent.description ? <p className="text-slate-700 dark:text-slate-300">{preview.intent.description}.</p> : null}
            {summary ?? (preview.details ? <p className="font-mono">{preview.details}</p> : null)}
            {deployment ? <DeploymentPreviewPanel target={deployment} /> : null}
          </div>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
