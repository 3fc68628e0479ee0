import { isReleaseTag, isStackName } from "../domain";
import { patternNames } from "./chat";
import { ACTION_PARAMS, RELEASE_DEFAULTS, TEMPLATE_VARS, VERSION_DEFAULTS, type IntentFile } from "./schema";
import { templateNames } from "./template";

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** Checks beyond the schema: parameters fit the action, defaults and placeholders make sense. Pure. */
export function checkIntent(i: IntentFile): Issue[] {
  const issues: Issue[] = [];
  const accepted = ACTION_PARAMS[i.action];
  for (const [name, p] of Object.entries(i.params)) {
    const want = accepted[name];
    if (!want) {
      const names = Object.keys(accepted);
      issues.push({
        path: ["params", name],
        message: `the ${i.action} action takes no parameter "${name}"${names.length ? ` (it takes: ${names.join(", ")})` : " (it takes none)"}`,
      });
      continue;
    }
    if (want.type !== p.type) issues.push({ path: ["params", name, "type"], message: `parameter "${name}" of ${i.action} must have type ${want.type}` });
    if (typeof p.default === "string") {
      const d = p.default;
      if (p.type === "release" && !(RELEASE_DEFAULTS as readonly string[]).includes(d) && !isReleaseTag(d))
        issues.push({ path: ["params", name, "default"], message: `default "${d}" is not a release tag nor one of ${RELEASE_DEFAULTS.join(", ")}` });
      if (p.type === "version" && !(VERSION_DEFAULTS as readonly string[]).includes(d) && !isReleaseTag(d))
        issues.push({ path: ["params", name, "default"], message: `default "${d}" is not a version nor one of ${VERSION_DEFAULTS.join(", ")}` });
      if (p.type === "stack" && !isStackName(d)) issues.push({ path: ["params", name, "default"], message: `default "${d}" is not a stack name` });
    }
    (p.values ?? []).forEach((v, k) => {
      if (p.type === "release" && !isReleaseTag(v)) issues.push({ path: ["params", name, "values", k], message: `"${String(v)}" is not a release tag` });
      if (p.type === "stack" && !isStackName(v)) issues.push({ path: ["params", name, "values", k], message: `"${String(v)}" is not a stack name` });
    });
  }
  for (const [name, want] of Object.entries(accepted)) {
    if (want.required && !i.params[name]) issues.push({ path: ["params"], message: `the ${i.action} action needs a parameter "${name}" (type ${want.type})` });
  }
  i.chat.forEach((pattern, k) => {
    for (const n of patternNames(pattern)) {
      if (!i.params[n]) issues.push({ path: ["chat", k], message: `chat pattern uses {${n}}, which is not a parameter of this intent` });
    }
    if (/\{[^}]*$|^[^{]*\}/.test(pattern.replace(/\{[A-Za-z][A-Za-z0-9_]*\}/g, "")))
      issues.push({ path: ["chat", k], message: "chat pattern has an unbalanced { or }" });
  });
  if (i.confirm) {
    for (const n of templateNames(i.confirm)) {
      if (!i.params[n] && !(TEMPLATE_VARS as readonly string[]).includes(n))
        issues.push({ path: ["confirm"], message: `confirm uses {{${n}}}, which is neither a parameter nor one of ${TEMPLATE_VARS.join(", ")}` });
    }
  }
  return issues;
}
