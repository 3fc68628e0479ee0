// Every configuration variable is documented in .env.example and in the README's table,
// so that a variable added later without documentation fails the suite.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envSchema } from "@/lib/config";

const root = path.resolve(__dirname, "..");
const variables = Object.keys(envSchema.shape);

describe("configuration documentation", () => {
  const example = fs.readFileSync(path.join(root, ".env.example"), "utf8");
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));

  it.each(variables)("%s is in .env.example", (v) => {
    expect(example).toMatch(new RegExp(`^#? ?${v}=`, "m"));
  });
  it.each(variables)("%s is in the README's configuration table", (v) => {
    expect(table).toContain("`" + v + "`");
  });
});
