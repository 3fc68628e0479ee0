// Signs each e2e user in through the real login page once and keeps the browser state,
// so that every spec runs signed in (admin by default; see playwright.config.ts).
import fs from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { e2eState } from "./fixtures/state";
import { authFile, E2E_USERS, openSignIn } from "./fixtures/users";
import { ROLES } from "../lib/access/roles";

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const { url } = e2eState();
    const user = E2E_USERS[role];
    await openSignIn(page, url + "/login");
    await page.getByLabel("User name").fill(user.name);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("user-role")).toHaveText(role);
    fs.mkdirSync(path.dirname(authFile(role)), { recursive: true });
    await page.context().storageState({ path: authFile(role) });
  });
}
