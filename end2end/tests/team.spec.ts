// A team on one server: the admin adds a member, the member signs in on
// another browser, sees the admin's job but not its destructive buttons,
// scripts use a token, signing out ends the session.
import { test, expect, hydrated, NO_COOKIES } from "./fixtures";
import { ADMIN, MEMBER } from "./accounts";

test("a member added by the admin signs in, sees the team's jobs, and signs out", async ({ page, browser, request }) => {
  test.setTimeout(90_000);
  // The admin starts a job (through the API, with the token made at setup).
  const started = await request.post("/api/jobs/single?company_name=Cohere");
  expect(started.status(), await started.text()).toBe(200);
  const job = await started.json();
  expect(job.submitted_by).toBe(ADMIN.name);

  // The admin adds Max with a temporary password.
  await page.goto("/admin/users");
  await hydrated(page);
  const add = page.getByRole("form", { name: "Add a user" });
  await add.getByLabel("Name").fill(MEMBER.name);
  await add.getByLabel("Email").fill(MEMBER.email);
  await add.getByLabel("Temporary password").fill(MEMBER.temporary);
  await add.getByRole("button", { name: "Add user" }).click();
  const row = page.locator(`tr[data-user="${MEMBER.email}"]`);
  await expect(row).toContainText("temporary password");
  await expect(row.getByTestId("last-login")).toHaveText("never");

  // Max, in a browser of his own: only the sign-in page until he signs in.
  const context = await browser.newContext({ storageState: NO_COOKIES });
  const max = await context.newPage();
  const problems: string[] = [];
  // The one wrong password below answers 401, which Chromium reports; nothing else may fail.
  max.on("console", (m) => { if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(m.text()); });
  await max.goto(`/jobs/${job.id}`);
  await expect(max).toHaveURL(new RegExp(`/login\\?next=%2Fjobs%2F${job.id}$`));
  await hydrated(max);
  const signIn = max.getByRole("form", { name: "Sign in" });
  await signIn.getByLabel("Email").fill(MEMBER.email);
  await signIn.getByLabel("Password").fill("not his password");
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(max.getByRole("alert")).toContainText("The email or password is wrong");
  await signIn.getByLabel("Password").fill(MEMBER.temporary);
  await signIn.getByRole("button", { name: "Sign in" }).click();

  // A temporary password must be changed first.
  await expect(max).toHaveURL(/\/account$/);
  await hydrated(max);
  const change = max.getByRole("form", { name: "Change your password" });
  await change.getByLabel("Current password").fill(MEMBER.temporary);
  await change.getByLabel("New password", { exact: true }).fill(MEMBER.password);
  await change.getByLabel("New password again").fill(MEMBER.password);
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(max.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();

  // Max sees the admin's job, without Cancel, Retry or Delete.
  await max.goto(`/jobs/${job.id}`);
  await hydrated(max);
  await expect(max.getByRole("heading", { name: "Single Company: Cohere" })).toBeVisible();
  await expect(max.getByRole("link", { name: "Export CSV" })).toBeVisible();
  for (const name of ["Delete", "Retry failed", "Re-run with fresh research", "Cancel"]) {
    await expect(max.getByRole("button", { name })).toHaveCount(0);
  }
  // No admin pages in his navigation.
  await expect(max.getByRole("link", { name: "Users" })).toHaveCount(0);

  // Signing out ends the session.
  await max.getByRole("button", { name: "Sign out" }).first().click();
  await expect(max).toHaveURL(/\/login$/);
  await max.goto("/");
  await expect(max).toHaveURL(/\/login$/);
  expect(problems).toEqual([]);
  await context.close();

  // The admin sees when Max last signed in.
  await page.reload();
  await expect(row.getByTestId("last-login")).not.toHaveText("never");
});

test("a token made on the Account page works from a script until it is revoked", async ({ page, playwright, baseURL }) => {
  await page.goto("/account");
  await hydrated(page);
  const create = page.getByRole("form", { name: "Create a token" });
  await create.getByLabel("Token name").fill("curl");
  await create.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^tp_/);

  // curl-style: a plain HTTP client with the header and no cookie.
  const curl = await playwright.request.newContext({ baseURL, storageState: NO_COOKIES, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  expect((await curl.get("/api/jobs")).status()).toBe(200);
  const started = await curl.post("/api/jobs/single?company_name=Modal");
  expect(started.status(), await started.text()).toBe(200);
  const anonymous = await playwright.request.newContext({ baseURL, storageState: NO_COOKIES });
  expect((await anonymous.get("/api/jobs")).status()).toBe(401);

  const row = page.locator('tr[data-token="curl"]');
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("group").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  expect((await curl.get("/api/jobs")).status()).toBe(401);
  await curl.dispose();
  await anonymous.dispose();
});
