import { test, expect, expectOnlyTier, hydrated } from "./fixtures";

// A territory of 1,000 companies on the demo upstream: the page shows one page
// of rows at a time, pages, sorts and filters on the server, opens a row with
// its evidence, and follows the job live without reloading it.
const SIZE = 1000;

test("a 1,000-company job pages, sorts, filters, opens a row and updates live", async ({ page, request }) => {
  test.setTimeout(180_000);
  const names = Array.from({ length: SIZE }, (_, i) => `Benchmark Co ${String(i + 1).padStart(4, "0")}`);
  const started = await request.post("/api/jobs/upload?submitted_by=e2e", {
    multipart: {
      file: { name: "territory_1000.csv", mimeType: "text/csv", buffer: Buffer.from(["company_name", ...names].join("\n") + "\n") },
    },
  });
  expect(started.ok()).toBeTruthy();
  const job = await started.json();

  await page.goto(`/jobs/${job.id}`);
  await hydrated(page);
  const rows = page.locator("tbody tr[data-company]");
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId("page-range")).toHaveText(`1–100 of ${SIZE}`);

  // Live deltas: the counts move while the job runs, without a reload.
  const counts = page.getByTestId("job-counts");
  const before = await counts.textContent();
  await expect(counts).not.toHaveText(before ?? "", { timeout: 30_000 });
  await expect(page.getByTestId("job-status")).toHaveText("running");

  // Paging.
  await page.getByRole("button", { name: "Next →" }).click();
  await expect(page.getByTestId("page-range")).toHaveText(`101–200 of ${SIZE}`);
  await page.getByRole("button", { name: "← Previous" }).click();
  await expect(page.getByTestId("page-range")).toHaveText(`1–100 of ${SIZE}`);

  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 150_000 });
  await expect(counts).toContainText(`${SIZE} / ${SIZE} done`);

  // Ranked by score on every page: the first row of page 2 scores no higher than the last of page 1.
  const scoresOn = async () => (await page.getByTestId("score").allTextContents()).map((s) => Number(s.replace("–", "-1")));
  await expect.poll(async () => (await scoresOn()).length).toBe(100);
  const first = await scoresOn();
  expect(first).toEqual([...first].sort((a, b) => b - a));
  await page.getByRole("button", { name: "Next →" }).click();
  await expect(page.getByTestId("page-range")).toHaveText(`101–200 of ${SIZE}`);
  await expect(page.getByTestId("rank").first()).toHaveText("101");
  expect((await scoresOn())[0]).toBeLessThanOrEqual(first[first.length - 1]);

  // Sorting by name goes back to the first page, in name order on the server.
  await page.getByRole("button", { name: "Company" }).click();
  await expect(page.getByTestId("page-range")).toHaveText(`1–100 of ${SIZE}`);
  await expect(rows.first()).toHaveAttribute("data-company", "Benchmark Co 0001");
  await page.getByRole("button", { name: "Company" }).click();
  await expect(rows.first()).toHaveAttribute("data-company", `Benchmark Co ${SIZE}`);

  // Filtering: a tier, then a search within it; the export link carries the same query.
  await page.getByLabel("Tier summary").getByRole("button", { name: /^Cold/ }).click();
  await expect(page.getByTestId("page-range")).not.toHaveText(`1–100 of ${SIZE}`);
  await expectOnlyTier(page, "COLD");
  await page.getByLabel("Tier summary").getByRole("button", { name: /^All/ }).click();
  await page.getByLabel("Search companies").fill("co 0042");
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("page-range")).toHaveText("1–1 of 1");
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute(
    "href",
    `/api/jobs/${job.id}/export?sort=name&order=desc&q=co%200042`,
  );

  // Opening the row loads its sources with their excerpts.
  await rows.first().click();
  await expect(page.getByRole("heading", { name: "Sources" })).toBeVisible();
  await page.getByText("Evidence excerpt").first().click();
  await expect(page.getByTestId("evidence-excerpt").first()).not.toBeEmpty();
});
