// A deployment's log and error are stored masked (real SQLite in a temp DATA_DIR).
import { withTempDataDir } from "@/test/fixtures/env";
import { expect, it } from "vitest";
import { appendLog, getDeploymentRow, insertDeployment, logsOf, updateDeployment } from "@/lib/deploy/store";

withTempDataDir("masklog", { LOG_LEVEL: "error" });

it("stores deployment log lines and errors without .env values", () => {
  insertDeployment({ id: "d-mask-1", kind: "rollout", status: "running", from: "v1.0.0", to: "v1.1.0", actor: { name: "alice", kind: "user" } });
  appendLog("d-mask-1", "switch", "stdout", "web | ERROR: Invalid interpolation format for DB_PASSWORD=log-line-secret\r");
  updateDeployment("d-mask-1", { status: "failed", error: 'compose config: SMTP_PASS=error-secret; "token":"json-error-secret"', finished: true });
  const text = JSON.stringify([getDeploymentRow("d-mask-1"), logsOf("d-mask-1")]);
  for (const s of ["log-line-secret", "error-secret", "json-error-secret"]) expect(text).not.toContain(s);
  expect(text).toContain("Invalid interpolation format for DB_PASSWORD=");
  expect(getDeploymentRow("d-mask-1")?.error).toContain("compose config: SMTP_PASS=");
});
