// Every page renders, hydrates and runs under the Content-Security-Policy
// with no console error (a CSP violation is a console error, and the
// fixture fails the test on any).
import { test, expect, hydrated, NO_COOKIES } from "./fixtures";

test("every signed-in page hydrates under the CSP without a console error", async ({ page, request }) => {
  const job = await (await request.post("/api/jobs/single?company_name=Anthropic")).json();
  for (const [path, heading] of [
    ["/", "Dashboard"],
    [`/jobs/${job.id}`, "Single Company: Anthropic"],
    ["/cache", "Research cache"],
    ["/settings", "Settings"],
    ["/account", "Account"],
    ["/admin/users", "Users"],
    ["/admin/audit", "Audit log"],
  ]) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"], path).toContain("'nonce-");
    await expect(page.getByRole("heading", { name: heading, exact: true }), path).toBeVisible();
    await hydrated(page);
  }
});

test("the sign-in and setup pages hydrate under the CSP without a session", async ({ browser }) => {
  const context = await browser.newContext({ storageState: NO_COOKIES });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(m.text()); });
  await page.goto("/login");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/setup");
  await hydrated(page);
  await expect(page.getByText("Setup is done: an admin exists.")).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
