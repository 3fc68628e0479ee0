"use client";

// A button that runs an intent: it fetches the intent with its parameters resolved,
// shows the intent's own confirm text in the confirmation dialog (focus starts on
// Cancel), posts to /api/intents/{name}, then opens the deployment it started or says
// what happened. The dashboard's Roll back, Roll out, Tag and Sync buttons use it, so
// people and chat bots run the same intents.
import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/deployments/confirm-dialog";
import { DeploymentPreviewPanel } from "@/components/deployments/deployment-preview";
import { deploymentPreviewKey, type PreviewTarget } from "@/lib/queries/preview";
import { isUnreachable } from "@/lib/queries/api";
import { cleanParams, intentPreviewQuery, intentsQuery, useRunIntent, type IntentPreview, type LooseParams } from "@/lib/queries/intents";

type Variant = "primary" | "secondary" | "danger" | "ghost";

export interface IntentButtonProps {
  /** The intent to run (a file in INTENTS_DIR), e.g. "rollback". */
  intent: string;
  params?: LooseParams;
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

export function IntentButton({
  intent,
  params = {},
  children,
  variant = "primary",
  className,
  summary,
  deployment,
  onDone,
  navigate = true,
  disabled,
}: IntentButtonProps) {
  const router = useRouter();
  const qc = useQueryClient();
  const intents = useQuery(intentsQuery());
  const runMutation = useRunIntent();
  const [preview, setPreview] = useState<IntentPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "bad"; text: string } | null>(null);

  const allowed = intents.data?.find((i) => i.name === intent);
  const unavailable = intents.isSuccess && !allowed;

  async function run(inDialog: boolean) {
    setDialogError(null);
    setMessage(null);
    try {
      const body = await runMutation.mutateAsync({ name: intent, params: cleanParams(params) });
      setPreview(null);
      onDone?.(body);
      if (navigate && typeof body.url === "string" && body.url.startsWith("/deployments/")) {
        router.push(body.url);
        return;
      }
      setMessage({ tone: "ok", text: typeof body.summary === "string" ? body.summary : "Done." });
      router.refresh();
    } catch (e) {
      const text = isUnreachable(e) ? "The server could not be reached; check the Deployments page before trying again." : (e as Error).message;
      if (inDialog) setDialogError(text);
      else setMessage({ tone: "bad", text });
    }
  }

  async function open() {
    setPreviewing(true);
    setMessage(null);
    setDialogError(null);
    let body: IntentPreview;
    try {
      body = await qc.fetchQuery(intentPreviewQuery(intent, cleanParams(params)));
    } catch (e) {
      setMessage({ tone: "bad", text: isUnreachable(e) ? "The server could not be reached." : (e as Error).message });
      setPreviewing(false);
      return;
    }
    if (!body.confirm) {
      setPreviewing(false);
      await run(false); // an intent without a confirm text (verify) runs at once
      return;
    }
    // The intent's answer carries the rollout preview: seed the dialog's query with it.
    if (deployment && body.deployment && (deployment.kind === "rollback" || body.deployment.to === deployment.to))
      qc.setQueryData(deploymentPreviewKey(deployment), body.deployment);
    setPreview(body);
    setPreviewing(false);
  }

  const label = children ?? allowed?.title ?? intent;
  return (
    <>
      <Button
        type="button"
        variant={variant}
        className={className}
        disabled={disabled || unavailable || previewing}
        aria-busy={previewing}
        title={unavailable ? "Your role may not run this." : undefined}
        onClick={open}
        data-intent={intent}
      >
        {label}
      </Button>
      {message ? (
        <p
          role={message.tone === "bad" ? "alert" : "status"}
          className={`basis-full text-sm ${message.tone === "bad" ? "text-red-800 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}
        >
          {message.text}
        </p>
      ) : null}
      <ConfirmDialog
        open={preview !== null}
        title={preview?.question ?? preview?.confirm ?? ""}
        confirmLabel={typeof label === "string" ? label : (preview?.intent.title ?? "Confirm")}
        danger={variant === "danger"}
        busy={runMutation.isPending}
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
