// First run, as a new team would meet it: the server has no account yet, the
// first visit leads to the setup page, the setup link creates the admin.
// The admin's browser state and an API token (made on the Account page) are
// saved for the other tests.
import fs from "node:fs";
import { test, expect, hydrated } from "./fixtures";
import { ADMIN, ADMIN_STATE, SETUP_TOKEN, TOKEN_FILE } from "./accounts";

test("first run: the setup link creates the admin, who signs in and makes a token", async ({ page }) => {
  // Without a session and without any account, every page leads to setup.
  await page.goto("/cache");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();
  await expect(page.getByTestId("setup-needs-link")).toBeVisible();

  await page.goto(`/setup?token=${SETUP_TOKEN}`);
  await hydrated(page);
  const form = page.getByRole("form", { name: "Create the admin account" });
  await form.getByLabel("Your name").fill(ADMIN.name);
  await form.getByLabel("Email").fill(ADMIN.email);
  await form.getByLabel("Password").fill(ADMIN.password);
  await form.getByRole("button", { name: "Create the admin account" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as").first()).toContainText(ADMIN.name);
  // What needs a signed-in person is asked again after signing in (no page load).
  await expect(page.getByRole("status").filter({ hasText: "Demo mode." })).toBeVisible();

  // A personal API token, shown once.
  await page.goto("/account");
  await hydrated(page);
  const tokens = page.getByRole("form", { name: "Create a token" });
  await tokens.getByLabel("Token name").fill("e2e scripts");
  await tokens.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^tp_[0-9a-f]{64}$/);
  fs.mkdirSync("../target/e2e", { recursive: true });
  fs.writeFileSync(TOKEN_FILE, secret);
  await expect(page.locator('tr[data-token="e2e scripts"]')).toBeVisible();

  await page.context().storageState({ path: ADMIN_STATE });
});
