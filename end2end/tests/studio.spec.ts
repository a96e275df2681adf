import { test, expect, hydrated } from "./fixtures";

// Companies no other test researches. Benchmark Co n is use case S when n % 6 == 0.
const NAMES = ["Benchmark Co 4014", "Benchmark Co 4020", "Benchmark Co 4015", "Benchmark Co 4016"];

test("clone a rubric, change a criterion's points, save, re-score a finished job with it and read the comparison", async ({ page, request }) => {
  test.setTimeout(180_000);
  const started = await request.post("/api/jobs/upload", {
    multipart: { file: { name: "studio.csv", mimeType: "text/csv", buffer: Buffer.from(["company_name", ...NAMES].join("\n") + "\n") } },
  });
  expect(started.ok()).toBeTruthy();
  const first = await started.json();

  // Clone the built-in rubric as one of our own.
  const name = `Studio ${Date.now()}`;
  await page.goto("/rubrics");
  await hydrated(page);
  await expect(page.locator('tr[data-rubric="iaas"]').getByTestId("latest-version")).toHaveText(/^v\d+$/);
  await page.locator('tr[data-rubric="iaas"]').getByRole("link", { name: "IaaS Targets" }).click();
  await expect(page).toHaveURL(/\/rubrics\/iaas\/edit$/);
  await hydrated(page);
  await page.getByTestId("clone-name").fill(name);
  await page.getByTestId("clone-rubric").click();
  await expect(page).toHaveURL(/\/rubrics\/studio_\d+\/edit$/);
  await expect(page.getByTestId("editor-title")).toHaveText(`${name} · v1`);
  await hydrated(page);

  // Points above the criterion's maximum are refused, live, with what to fix.
  const points = page.locator('[data-criterion="use_case"] tr[data-option="S"]').getByLabel("Option points");
  await points.fill("60");
  await expect(page.getByTestId("rubric-problems")).toContainText('the option "S" is worth 60 points, above the criterion\'s maximum of 50.');
  await expect(page.getByTestId("save-rubric")).toBeDisabled();
  // S is worth 20 now: a company that trains its own models no longer stands out.
  await points.fill("20");
  await expect(page.getByTestId("rubric-problems")).toHaveCount(0);
  await page.getByTestId("save-note").fill("Training alone is not enough");
  await page.getByTestId("save-rubric").click();
  await expect(page.getByTestId("saved")).toHaveText("Saved as version 2.");
  await expect(page.getByTestId("editor-title")).toHaveText(`${name} · v2`);
  await expect(page.getByTestId("version").first()).toContainText("Training alone is not enough");

  // Re-score the finished job with version 2: priced first, no searches.
  await page.goto(`/jobs/${first.id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 90_000 });
  await expect(page.getByTestId("rubric-version")).toHaveText(/How scoring works \(v\d+\)/);
  await page.getByTestId("rescore").click();
  const plan = page.getByTestId("rescore-plan");
  await plan.getByTestId("rescore-version").selectOption({ label: `${name} · v2 (latest)` });
  await expect(plan.getByTestId("rescore-summary")).toContainText(
    "Re-scores 4 companies from the evidence this job already has: 4 scoring calls, no searches, about $",
  );
  await plan.getByRole("button", { name: /^Re-score for about \$/ }).click();

  await expect(page).not.toHaveURL(new RegExp(`/jobs/${first.id}$`));
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 90_000 });
  await expect(page.getByTestId("rubric-version")).toHaveText("How scoring works (v2)");
  await expect(page.getByTestId("score-cache")).toContainText("from stored evidence, no searches");
  await expect(page.getByTestId("job-credits")).toHaveText("0");
  await page.getByTestId("what-changed").click();
  await expect(page.getByTestId("changes-versions")).toHaveText(new RegExp(`Scored with IaaS Targets · v\\d+ before, ${name} · v2 now\\.`));
  const down = page.getByTestId("moved-down");
  await expect(down.locator('[data-company="Benchmark Co 4014"]')).toContainText("→");
  await expect(down.locator('[data-company="Benchmark Co 4020"]')).toBeVisible();
  await expect(down.getByTestId("score-change").first()).toHaveText("-30");
});

test("run a back-test on a labelled file and read the report", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/");
  await hydrated(page);
  const labelled = ["company,outcome", "Benchmark Co 4026,won", "Benchmark Co 4027,Won", "Benchmark Co 4031,lost", "Benchmark Co 4032,lost", "Benchmark Co 4038,customer"];
  await page.getByLabel("CSV file").setInputFiles({ name: "won_lost.csv", mimeType: "text/csv", buffer: Buffer.from(labelled.join("\n") + "\n") });
  const preview = page.getByLabel("Upload preview");
  await expect(preview.getByTestId("outcome-mapping")).toContainText(
    'Outcome column "outcome": won → positive (2), customer → positive (1), lost → negative (2).',
  );
  await preview.getByRole("button", { name: "Start research" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 90_000 });
  await page.getByTestId("backtest-link").click();
  await expect(page).toHaveURL(/\/jobs\/\d+\/backtest$/);
  await expect(page.getByTestId("accounts")).toHaveText("3 won · 2 lost");
  await expect(page.getByTestId("precision")).toHaveText(/^\d+%|–$/);
  await expect(page.getByTestId("auc")).toHaveText(/^(0|1)\.\d\d$/);
  await expect(page.locator('tr[data-tier="HOT"]')).toBeVisible();
  await expect(page.getByTestId("distribution").locator("rect")).toHaveCount(20);
  await expect(page.getByTestId("worst-misses")).toContainText("Worst misses");
  const csv = page.getByRole("link", { name: "Export CSV" });
  await expect(csv).toHaveAttribute("href", /\/api\/jobs\/\d+\/backtest\.csv$/);
});
