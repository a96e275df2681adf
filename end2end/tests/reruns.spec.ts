import { test, expect, hydrated } from "./fixtures";

// Companies no other test researches, so the first run searches them and the re-run is served by the cache.
const NAMES = Array.from({ length: 4 }, (_, i) => `Benchmark Co ${3001 + i}`);

test("run this list again: priced first, a new linked job, and what changed since the last run", async ({ page, request }) => {
  test.setTimeout(120_000);
  const started = await request.post("/api/jobs/upload", {
    multipart: { file: { name: "quarter.csv", mimeType: "text/csv", buffer: Buffer.from(["company_name", ...NAMES].join("\n") + "\n") } },
  });
  expect(started.ok()).toBeTruthy();
  const first = await started.json();

  await page.goto(`/jobs/${first.id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  await page.getByRole("button", { name: "Run this list again" }).click();
  const plan = page.getByTestId("run-again-plan");
  await expect(plan).toContainText("Run 4 companies again as a new job: about $");
  await expect(plan).toContainText("4 from the research cache");
  await plan.getByRole("button", { name: "Run again" }).click();

  await expect(page).not.toHaveURL(new RegExp(`/jobs/${first.id}$`));
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  const link = page.getByTestId("what-changed");
  await expect(link).toHaveText(`What changed since job #${first.id}`);
  await link.click();
  await expect(page).toHaveURL(/\/jobs\/\d+\/changes$/);
  await expect(page.getByTestId("changes-summary")).toContainText("0 new HOT, 0 up, 0 down, 0 dropped out, 4 unchanged.");
  await expect(page.getByTestId("new-hot")).toContainText("New HOT (0)");
  await expect(page.getByTestId("moved-down")).toContainText("Moved down (0)");

  // Each company keeps its score across the runs: both appear in its details.
  await page.goBack();
  await hydrated(page);
  await page.locator(`tr[data-company="${NAMES[0]}"]`).click();
  const history = page.getByTestId("score-history");
  await expect(history.getByRole("listitem")).toHaveCount(2);
  await expect(history.getByRole("listitem").first()).toContainText(`(job #${first.id})`);
  await expect(history.getByRole("listitem").last()).toContainText("(this job)");
});
