import { defineConfig, devices } from "@playwright/test";
import { ADMIN_STATE } from "./tests/accounts";

// Debian's Chromium: `npx playwright install` cannot download browsers here.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // First run: creates the admin through the setup link and saves the
    // admin's browser state and API token for the other projects.
    {
      name: "setup",
      use: { ...devices["Desktop Chrome"], channel: undefined },
      testMatch: /.*\.setup\.ts/,
    },
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], channel: undefined, storageState: ADMIN_STATE },
      testIgnore: [/.*\.phone\.spec\.ts/, /.*\.setup\.ts/],
      dependencies: ["setup"],
    },
    {
      name: "phone",
      use: { ...devices["Pixel 7"], channel: undefined, storageState: ADMIN_STATE },
      testMatch: /.*\.phone\.spec\.ts/,
      dependencies: ["setup"],
    },
  ],
});
