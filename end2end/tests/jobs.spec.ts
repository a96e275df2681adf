import { readFileSync } from "node:fs";
import { test, expect, expectOnlyTier, hydrated } from "./fixtures";

const V1_SAMPLE = [
  "Cursor", "Perplexity AI", "Together AI", "Fireworks AI", "Anthropic", "Cohere", "Mistral AI", "Character.ai",
  "Harvey AI", "Replicate", "Modal", "Anyscale", "Scale AI", "Hugging Face", "Stability AI", "Runway",
  "Midjourney", "ElevenLabs", "Jasper", "Copy.ai",
];

function csv(names: string[], header = "company_name") {
  return Buffer.from([header, ...names].join("\n") + "\n");
}

test("upload, preview, start, live progress, completion, sort, filter, expand, export", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Submitted by (optional; you when empty)").fill("E2E Rep");
  await page.getByLabel("CSV file").setInputFiles({
    name: "sample_companies.csv",
    mimeType: "text/csv",
    buffer: csv([...V1_SAMPLE, "Cohere", " "]),
  });
  const preview = page.getByLabel("Upload preview");
  await expect(preview.getByTestId("rows-read")).toHaveText("22");
  await expect(preview.getByTestId("companies")).toHaveText("20");
  await expect(preview.getByTestId("estimate")).toContainText("40 credits");
  await preview.getByRole("button", { name: "Start research" }).click();

  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole("heading", { name: /sample_companies/ })).toBeVisible();
  // Rows change live: some company is seen in flight before the job completes.
  await expect(page.getByTestId("status").filter({ hasText: /researching|pending/ }).first()).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 90_000 });
  await expect(page.getByTestId("job-counts")).toContainText("20 / 20 done");
  await expect(page.locator("tbody tr[data-company]")).toHaveCount(20);

  // Ranked by score, highest first (the final order arrives with the job's end).
  await expect
    .poll(async () => {
      const scores = (await page.getByTestId("score").allTextContents()).map(Number);
      return scores.every((s, i) => i === 0 || scores[i - 1] >= s);
    })
    .toBe(true);

  // Sort by name.
  // Sorting, filtering and searching run on the server: wait for the new rows.
  await page.getByRole("button", { name: "Company" }).click();
  await expect
    .poll(async () => {
      const names = await page.locator("tbody tr[data-company]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-company")!));
      return names.length === 20 && names.every((n, i) => i === 0 || names[i - 1].toLowerCase() <= n.toLowerCase());
    })
    .toBe(true);

  // Filter by tier, then search.
  await page.getByLabel("Tier summary").getByRole("button", { name: /^Hot/ }).click();
  await expectOnlyTier(page, "HOT");
  await page.getByLabel("Tier summary").getByRole("button", { name: /^All/ }).click();
  await page.getByLabel("Search companies").fill("anthropic");
  await expect(page.locator("tbody tr[data-company]")).toHaveCount(1);

  // The use-case tier is a badge coloured by its letter, as in v1.
  await expect(page.locator('tr[data-company="Anthropic"] [data-use-case="S"]')).toHaveText("Tier S");
  await expect(page.locator('tr[data-company="Anthropic"] [data-use-case="S"]')).toHaveClass(/bg-red-100/);

  // Expand the row: description, reasoning, score breakdown, sources with links.
  await page.locator('tr[data-company="Anthropic"]').click();
  await expect(page.getByText("Score breakdown")).toBeVisible();
  await expect(page.getByRole("link", { name: "Anthropic | Official site" })).toHaveAttribute("href", "https://anthropic.com/");
  await expect(page.getByText(/Recommended: High-priority outreach/)).toBeVisible();
  // Every criterion says which option was chosen, the evidence for it and the sources it rests on.
  const useCase = page.locator('[data-criterion="use_case"]');
  await expect(useCase.getByTestId("criterion-choice")).toHaveText("S: Frontier pre-training");
  await expect(useCase.getByTestId("criterion-evidence")).toContainText(/\w/);
  await expect(useCase.getByTestId("criterion-evidence").getByRole("link", { name: "[1]" })).toHaveAttribute("href", /^https?:\/\//);
  await expect(page.locator('[data-testid="criterion"]')).toHaveCount(4);
  await expect(page.getByTestId("use-case")).toContainText("Use case: ");

  // Export what is shown, and everything.
  await page.getByLabel("Search companies").fill("");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = text.trim().split("\n");
  expect(lines[0]).toContain("Rank,Company Name");
  expect(lines).toHaveLength(21);

  // The dashboard offers the known submitters, and filters by the one chosen.
  await page.goto("/");
  await hydrated(page);
  const submitter = page.getByLabel("Filter by submitter");
  await expect(submitter.locator("option", { hasText: "E2E Rep" })).toHaveCount(1);
  await submitter.selectOption("E2E Rep");
  const jobs = page.getByLabel("Research jobs").locator("li");
  await expect(jobs.first()).toContainText("by E2E Rep");
  await expect(jobs.filter({ hasNotText: "by E2E Rep" })).toHaveCount(0);
});

test("one company can be looked up on its own", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("tab", { name: "One company" }).click();
  await page.getByLabel("Company name").fill("Cohere");
  // The price before it spends.
  await expect(page.getByTestId("single-price")).toContainText("Costs at most $");
  await page.getByRole("button", { name: "Research company" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole("heading", { name: "Single Company: Cohere" })).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 45_000 });
  await expect(page.locator('tr[data-company="Cohere"] [data-testid="score"]')).not.toHaveText("–");
});

test("a running job can be cancelled and nothing stays in flight", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/");
  await hydrated(page);
  // Companies no other test researched, so none is served from the cache; enough
  // of them (at the e2e limits, about 10 s of work) that the job is surely still
  // running when Cancel is clicked.
  const fresh = Array.from({ length: 300 }, (_, i) => `Northwind Cancel ${i + 1}`);
  await page.getByLabel("CSV file").setInputFiles({ name: "cancel_me.csv", mimeType: "text/csv", buffer: csv(fresh) });
  await page.getByLabel("Upload preview").getByRole("button", { name: "Start research" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  // The job page's own Cancel: the upload preview (with a Cancel of its own) stays
  // on screen until the job page's code has arrived.
  const header = page.getByLabel("Job", { exact: true });
  await expect(header.getByTestId("job-status")).toHaveText("running");
  await header.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 30_000 });
  // The first page of rows (100), each finished one way or another.
  await expect(page.getByTestId("status")).toHaveCount(100);
  const statuses = await page.getByTestId("status").allTextContents();
  for (const status of statuses) expect(status).toMatch(/^(completed|cancelled|failed) · done$/);
});

test.describe("bad input", () => {
  // Chromium logs the failed server-function call itself on the console.
  test.use({ allowedConsole: [/status of (400|500)/] });

  test("a file without a name column is explained inline, not in an alert", async ({ page }) => {
  page.on("dialog", () => {
    throw new Error("no browser dialogs");
  });
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("CSV file").setInputFiles({
    name: "cities.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("city,country\nParis,France\n"),
  });
  await expect(page.getByRole("alert")).toContainText("No company name column found");
});
});
