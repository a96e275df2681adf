import { test, expect, hydrated } from "./fixtures";

// Companies no other test researches.
const NAMES = Array.from({ length: 2 }, (_, i) => `Benchmark Co ${5001 + i}`);

test("a finished list is scheduled with its price shown, listed on Schedules, and stopped", async ({ page, request }) => {
  test.setTimeout(120_000);
  const started = await request.post("/api/jobs/upload", {
    multipart: { file: { name: "quarterly.csv", mimeType: "text/csv", buffer: Buffer.from(["company_name", ...NAMES].join("\n") + "\n") } },
  });
  expect(started.ok()).toBeTruthy();
  const job = await started.json();

  await page.goto(`/jobs/${job.id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  await page.getByRole("button", { name: "Repeat on a schedule" }).click();
  const form = page.getByTestId("schedule-form");
  await expect(form).toContainText("Each run researches 2 companies again as a new job. Today that costs about $");
  await expect(form).toContainText("2 from the research cache");
  await form.getByLabel("Every (days)").fill("0");
  await form.getByLabel("Budget per run in USD (optional)").fill("3");
  await form.getByRole("button", { name: "Schedule" }).click();
  // The browser's own check stops a gap of 0 days; the server's message covers other doors.
  await form.getByLabel("Every (days)").fill("30");
  await form.getByRole("button", { name: "Schedule" }).click();
  await expect(form.getByRole("status")).toContainText("Scheduled every 30 days: the next run starts");

  await form.getByRole("link", { name: "See all schedules" }).click();
  await expect(page).toHaveURL(/\/schedules$/);
  await expect(page.getByRole("heading", { name: "Schedules" })).toBeVisible();
  const row = page.getByTestId("schedule-row").filter({ hasText: job.name });
  await expect(row).toContainText("every 30 days");
  await expect(row).toContainText("$3.00");
  await expect(row).toContainText("0 runs so far");
  await row.getByRole("button", { name: "Stop" }).click();
  await expect(row.getByRole("group")).toContainText("Stop running");
  await row.getByRole("group").getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("schedule-row").filter({ hasText: job.name })).toHaveCount(0);
});

// The refused budget ("ten") answers 400, which the browser logs.
test.use({ allowedConsole: [/status of 400/] });

test("an admin sets the monthly budgets on the Settings page and one account's on the Users page", async ({ page, request }) => {
  await page.goto("/settings");
  await hydrated(page);
  const budgets = page.getByRole("form", { name: "Set the monthly budgets" });
  await budgets.getByLabel("Team, USD a month (blank: none)").fill("ten");
  await budgets.getByRole("button", { name: "Save budgets" }).click();
  await expect(page.getByRole("alert")).toContainText("Team budget: \"ten\" is not a budget");
  await budgets.getByLabel("Team, USD a month (blank: none)").fill("900");
  await budgets.getByRole("button", { name: "Save budgets" }).click();
  await expect(page.getByTestId("budget-settings")).toContainText("Team: $900.00 a month. Each account: none a month. Set by");
  expect((await (await request.get("/api/budgets")).json()).team_usd).toBe(900);

  // Back to none, so other tests run without a budget.
  await page.getByRole("form", { name: "Set the monthly budgets" }).getByLabel("Team, USD a month (blank: none)").fill("");
  await page.getByRole("form", { name: "Set the monthly budgets" }).getByRole("button", { name: "Save budgets" }).click();
  await expect(page.getByTestId("budget-settings")).toContainText("Team: none a month.");

  await page.goto("/admin/users");
  await hydrated(page);
  const mine = page.getByLabel(/^Monthly budget of .* in USD$/).first();
  await mine.fill("250");
  await mine.locator("xpath=..").getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel(/^Monthly budget of .* in USD$/).first()).toHaveValue("250.00");
  await page.getByLabel(/^Monthly budget of .* in USD$/).first().fill("");
  await page.getByLabel(/^Monthly budget of .* in USD$/).first().locator("xpath=..").getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel(/^Monthly budget of .* in USD$/).first()).toHaveValue("");
});
