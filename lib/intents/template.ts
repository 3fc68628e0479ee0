// Confirm texts: "Roll back {{current}} to {{to}}?" with the resolved parameters.
// Pure (used by the loader's checks, the API and tests).

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Names used by a template's {{placeholders}}. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Fill placeholders; a value that is missing renders as "(none)" rather than leaking the braces. */
export function renderTemplate(template: string, vars: Record<string, string | boolean | number | null | undefined>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null || v === "" ? "(none)" : String(v);
  });
}
