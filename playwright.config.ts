import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Debian's chromium; Playwright's own browser download is not possible here.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Written by e2e/auth.setup.ts (see e2e/fixtures/users.ts authFile()).
const adminState = path.join(__dirname, ".tmp", "auth", "admin.json");

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath, args: ["--disable-gpu", "--disable-quic"] },
  },
  projects: [
    // Signs in admin, operator and viewer once through the login page.
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"], channel: undefined } },
    // Every spec runs signed in as admin; a spec switches with test.use({ storageState: authFile("viewer") }).
    {
      name: "desktop",
      testMatch: /.*\.spec\.ts/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"], channel: undefined, storageState: adminState },
    },
  ],
});
