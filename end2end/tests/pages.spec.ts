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
    ["/rubrics/iaas", "How scoring works: IaaS Targets"],
    ["/rubrics", "Rubrics"],
    ["/rubrics/iaas/edit", "IaaS Targets · v1"],
    ["/review", "Review"],
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

test("how scoring works, for both rubrics, from the dashboard and the job page", async ({ page, request }) => {
  const job = await (await request.post("/api/jobs/single?company_name=Anthropic")).json();
  await page.goto(`/jobs/${job.id}`);
  await hydrated(page);
  await page.getByRole("link", { name: "How scoring works" }).click();
  await expect(page).toHaveURL(/\/rubrics\/iaas\?version=\d+$/);
  await expect(page.getByTestId("rubric-version-line")).toContainText("(the latest)");
  await expect(page.getByRole("heading", { name: "How scoring works: IaaS Targets" })).toBeVisible();
  // The criteria with their options and points, the tiers with their thresholds and actions.
  const useCase = page.locator('[data-criterion="use_case"]');
  await expect(useCase.getByTestId("rubric-option").filter({ hasText: "S: Frontier pre-training" })).toContainText("50");
  await expect(page.locator("[data-criterion]")).toHaveCount(4);
  await expect(page.getByTestId("tier-rule").first()).toContainText("≥ 75");

  await page.goto("/");
  await hydrated(page);
  await page.getByRole("region", { name: "New research job" }).getByRole("combobox").first().selectOption("managed_inference");
  await page.getByRole("link", { name: "How scoring works" }).click();
  await expect(page.getByRole("heading", { name: "How scoring works: Managed Inference Targets" })).toBeVisible();
  await expect(page.locator("[data-criterion]")).toHaveCount(4);
  await expect(page.getByTestId("rubric-option").first()).toBeVisible();
});
