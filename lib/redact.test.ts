import { describe, expect, it } from "vitest";
import { formatRequest } from "./notify/format";
import { redact, redactParams } from "./redact";

const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";

describe("redact", () => {
  it("keeps its URL and bearer forms and what a person needs to debug", () => {
    expect(redact("fatal: https://bob:pw@git.example/x.git refused")).toBe("fatal: https://***@git.example/x.git refused");
    expect(redact("Authorization: Bearer abcdef123456")).not.toContain("abcdef123456");
    const id = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b";
    expect(redact(`container ${id} is in use`)).toContain(id);
    expect(redact("web | Recreating oresitest-x-web_app_1 ... done")).toBe("web | Recreating oresitest-x-web_app_1 ... done");
  });
  it("masks .env values, PEM keys and JSON secrets in log lines and errors", () => {
    const out = redact(`ERROR: Invalid interpolation in DB_PASSWORD=log-secret-1\n${PEM}\n{"token":"json-secret-2","stack":"web"}\r\nSMTP_PASS=cr-secret-3\r`);
    for (const s of ["log-secret-1", "b3BlbnNzaC1rZXktdjEAAAAABG5v", "json-secret-2", "cr-secret-3"]) expect(out).not.toContain(s);
    expect(out).toContain('"stack":"web"');
    expect(redactParams({ apiKey: "k", smtp_pass: "p", tag: "v1.0.0" })).toEqual({ apiKey: "***", smtp_pass: "***", tag: "v1.0.0" });
  });
  it("sends no secret in a notification", () => {
    const req = formatRequest("discord", "https://discord.example/api/webhooks/1/tok", {
      kind: "deployment.failed",
      title: "Rollout of v1.2.0 failed",
      message: "Rollout to v1.2.0 failed: compose: postgres://app:note-secret-1@db/app refused API_TOKEN=note-secret-2.",
      at: "2026-12-02T08:00:00.000Z",
    });
    expect(req.body).not.toContain("note-secret-1");
    expect(req.body).not.toContain("note-secret-2");
    expect(req.body).toContain("Rollout to v1.2.0 failed");
  });
});
