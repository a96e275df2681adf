import { test, expect, hydrated } from "./fixtures";

// Companies no other test researches: nothing comes from the research cache.
const NAMES = Array.from({ length: 10 }, (_, i) => `Benchmark Co ${2001 + i}`);

// The refused raise answers 400, which the browser logs.
test.use({ allowedConsole: [/status of 400/] });

test("a budget set in the preview pauses the job before it could pass it; raising it goes on; a fresh re-run shows its price first", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("CSV file").setInputFiles({
    name: "capped.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(["company_name", ...NAMES].join("\n") + "\n"),
  });
  const preview = page.getByLabel("Upload preview");
  await expect(preview.getByTestId("companies")).toHaveText("10");
  await expect(preview.getByTestId("estimate")).toContainText("about $");
  await preview.getByTestId("budget-cap").fill("0.05");
  await preview.getByRole("button", { name: "Start research" }).click();

  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-budget")).toContainText("of $0.050");
  await expect(page.getByTestId("job-status")).toHaveText("paused", { timeout: 60_000 });
  await expect(page.getByTestId("job-message")).toContainText("Paused at its budget");
  // An outage's "Resume now" is not offered: only a bigger budget helps.
  await expect(page.getByRole("button", { name: "Resume now" })).toHaveCount(0);

  const raise = page.getByLabel("Raise the budget");
  await raise.getByTestId("new-budget").fill("0.01");
  await raise.getByRole("button", { name: "Raise budget" }).click();
  await expect(raise.getByRole("alert")).toContainText("leaves no room");
  await raise.getByTestId("new-budget").fill("5");
  await raise.getByRole("button", { name: "Raise budget" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByTestId("job-counts")).toContainText("10 / 10 done");
  await expect(page.getByTestId("job-budget")).toContainText("of $5.00");

  // Every company searched again costs money: the price comes first, and nothing runs until confirmed.
  await page.getByRole("button", { name: "Re-run with fresh research" }).click();
  const plan = page.getByTestId("retry-plan");
  await expect(plan).toContainText(/Re-run 10 companies: about \$\d/);
  await plan.getByRole("button", { name: "Keep" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("completed");
});
