import { test, expect, hydrated } from "./fixtures";

const V1_SAMPLE = [
  "Cursor", "Perplexity AI", "Together AI", "Fireworks AI", "Anthropic", "Cohere", "Mistral AI", "Character.ai",
  "Harvey AI", "Replicate", "Modal", "Anyscale", "Scale AI", "Hugging Face", "Stability AI", "Runway",
  "Midjourney", "ElevenLabs", "Jasper", "Copy.ai",
];
const SAMPLE_CSV = Buffer.from(["company_name", ...V1_SAMPLE].join("\n") + "\n");

type Job = { id: number; status: string; companies: { name: string; status: string; cache_hit: boolean }[] };

test("a re-run of the sample is served from the cache, and says so", async ({ page, request }) => {
  test.setTimeout(150_000);
  // A first run (through the REST API, as v1's scripts do) fills the cache.
  const first = await request.post("/api/jobs/upload?submitted_by=e2e", {
    multipart: { file: { name: "sample_companies.csv", mimeType: "text/csv", buffer: SAMPLE_CSV } },
  });
  expect(first.ok()).toBeTruthy();
  const firstId = (await first.json()).id;
  let firstJob: Job | undefined;
  await expect
    .poll(async () => (firstJob = await (await request.get(`/api/jobs/${firstId}`)).json()).status, { timeout: 90_000 })
    .toBe("completed");
  const verified = firstJob!.companies.filter((c) => c.status === "completed").map((c) => c.name);
  expect(verified.length).toBeGreaterThanOrEqual(15);

  // The second run, in the browser: the preview counts the cached companies and prices only the rest.
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByLabel("Research jobs").getByRole("button", { name: "Next" })).toHaveText("Next");
  await page.getByLabel("CSV file").setInputFiles({ name: "rerun.csv", mimeType: "text/csv", buffer: SAMPLE_CSV });
  const preview = page.getByLabel("Upload preview");
  await expect(preview.getByTestId("already-cached")).toHaveText(String(verified.length));
  await expect(preview.getByTestId("estimate")).toContainText(`${2 * (20 - verified.length)} credits`);
  await preview.getByRole("button", { name: "Start research" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 60_000 });
  const jobId = Number(page.url().split("/").pop());

  for (const name of verified) {
    await expect(page.locator(`tr[data-company="${name}"]`).getByText("cache hit")).toBeVisible();
  }
  await expect(page.getByTestId("cache-summary")).toContainText(`${verified.length} hits`);
  await expect(page.getByTestId("cache-summary")).toContainText("saved $");

  const rerun: Job = await (await request.get(`/api/jobs/${jobId}`)).json();
  for (const company of rerun.companies.filter((c) => verified.includes(c.name))) {
    expect(company.cache_hit, company.name).toBe(true);
  }

  // Opened directly, the job page arrives rendered by the server and hydrates cleanly.
  await page.goto(`/jobs/${jobId}`);
  await expect(page.locator('tr[data-company="Anthropic"]')).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("completed");

  // The expanded row says where its evidence came from.
  await page.locator('tr[data-company="Anthropic"]').click();
  await expect(page.getByTestId("evidence-provenance")).toContainText("from the research cache");
});

test("the Cache page lists, searches, shows, refreshes and deletes entries", async ({ page, request }) => {
  test.setTimeout(90_000);
  // Make sure there is something cached to manage.
  const single = await request.post("/api/jobs/single?company_name=Modal&submitted_by=e2e");
  const id = (await single.json()).id;
  await expect.poll(async () => (await (await request.get(`/api/jobs/${id}`)).json()).status, { timeout: 45_000 }).toBe("completed");

  await page.goto("/cache");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Research cache" })).toBeVisible();
  await expect(page.getByTestId("cache-total-entries")).not.toHaveText("0");
  expect(await page.getByTestId("cache-row").count()).toBeGreaterThan(0);

  await expect(page.getByRole("button", { name: "Next" })).toHaveText("Next");
  await page.getByLabel("Search the cache").fill("moda");
  const rows = page.getByTestId("cache-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Modal");

  // One entry's evidence, with its source links.
  await rows.first().getByRole("button", { name: "Modal" }).click();
  const evidence = page.getByLabel("Cached evidence");
  await expect(evidence).toContainText("Validator");
  expect(await evidence.getByRole("link").count()).toBeGreaterThan(0);

  // Refresh is priced and asked once, then starts a one-company job that overwrites the entry.
  await rows.first().getByRole("button", { name: "Refresh" }).click();
  const ask = rows.first().getByRole("group");
  await expect(ask).toContainText(/Search Modal again\? It costs about \$0\.\d+ \(2 Tavily credits and the model's tokens\)/);
  await ask.getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("cache-notice")).toContainText("Refreshing Modal");
  const follow = page.getByRole("link", { name: "Follow the refresh" });
  const refreshJob = (await follow.getAttribute("href"))!.split("/").pop();
  await expect
    .poll(async () => (await (await request.get(`/api/jobs/${refreshJob}`)).json()).status, { timeout: 45_000 })
    .toBe("completed");

  // Delete asks first, then removes the row.
  await rows.first().getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Delete the cached research of Modal?")).toBeVisible();
  await page.getByRole("group").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("cache-notice")).toContainText("Entry deleted.");
  await expect(rows).toHaveCount(0);
  await expect(page.getByText("No cached company matches this search.")).toBeVisible();
  const after = await (await request.get("/api/cache?q=modal")).json();
  expect(after.total).toBe(0);
});
