// Scores a rep can correct: an ambiguous company waits in the review queue
// and is scored live once its website is typed; a tier set by hand shows
// beside the model's and survives a re-run of the same list.
import { APIRequestContext } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";

/** Waits until the job has finished; returns its detail. */
async function finished(request: APIRequestContext, id: number, after?: string | null) {
  let detail: any;
  await expect
    .poll(
      async () => {
        detail = await (await request.get(`/api/jobs/${id}`)).json();
        return detail.status === "completed" && detail.completed_at !== after;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return detail;
}

test("an ambiguous company waits in review and is scored live once its website is typed", async ({ page, request }) => {
  test.setTimeout(120_000);
  const job = await (await request.post("/api/jobs/single?company_name=Mercury")).json();
  await finished(request, job.id);

  // The queue lists it with the companies the name could mean and the price of
  // another search; the navigation counts what waits.
  await page.goto("/review");
  await hydrated(page);
  await expect(page.getByRole("navigation", { name: "Main" }).getByTestId("review-count").first()).toBeVisible();
  const item = page.locator("li[data-company='Mercury']").filter({ has: page.locator(`a[href='/jobs/${job.id}']`) });
  await expect(item.getByTestId("candidates")).toContainText("mercury.com");
  await expect(item.getByTestId("candidates")).toContainText("mercurylabs.ai");
  await expect(item.getByTestId("research-price")).toContainText("Costs at most $");

  // Its job: the filter counts it, and its row opens on the same choices.
  await item.getByRole("link", { name: "in Single Company: Mercury" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job.id}$`));
  await expect(page.getByTestId("needs-review")).toHaveText("Needs review (1)");
  const row = page.locator("tr[data-company='Mercury']");
  await expect(row.getByTestId("score")).toHaveText("–");
  await expect(row.locator("[data-review='ambiguous']")).toBeVisible();
  await row.click();
  const panel = page.getByTestId("review-panel");
  await panel.getByLabel("Website").fill("mercury.com");
  await panel.getByRole("button", { name: "Research again" }).click();

  // Researched and scored inside its job, live: no reload.
  await expect(row.getByTestId("score")).not.toHaveText("–", { timeout: 60_000 });
  await expect(row.locator("[data-tier]")).not.toHaveAttribute("data-tier", "");
  await expect(page.getByTestId("job-status")).toHaveText("completed");
  await expect(page.getByTestId("needs-review")).toHaveText("Needs review (0)");
  await expect(row.locator("[data-review]")).toHaveCount(0);
});

test("a tier set by hand shows beside the model's and survives a re-run of the same list", async ({ page, request }) => {
  test.setTimeout(180_000);
  const job = await (await request.post("/api/jobs/single?company_name=Gong")).json();
  const first = await finished(request, job.id);
  await page.goto(`/jobs/${job.id}`);
  await hydrated(page);
  const row = page.locator("tr[data-company='Gong']");
  const model = first.companies[0].priority_tier;
  expect(model).not.toBe("HOT");
  await expect(row.locator("[data-tier]")).toHaveAttribute("data-tier", model);
  await row.click();
  const form = page.getByRole("form", { name: "Set the tier" });
  await form.getByLabel("Tier").selectOption("HOT");
  await form.getByLabel("Why").fill("Their VP of Engineering asked us for a GPU quote");
  await form.getByRole("button", { name: "Set tier" }).click();
  await expect(row.locator("[data-tier]")).toHaveAttribute("data-tier", "HOT");
  await expect(row.getByTestId("override")).toContainText("override");

  // A fresh re-run of the same list, priced before it starts.
  await page.getByRole("button", { name: "Re-run with fresh research" }).click();
  const plan = page.getByTestId("retry-plan");
  await expect(plan).toContainText("Re-run 1 company: about $");
  await plan.getByRole("button", { name: "Re-run with fresh research" }).click();
  await finished(request, job.id, first.completed_at);
  await expect(row.locator("[data-tier]")).toHaveAttribute("data-tier", "HOT");
  await expect(row.getByTestId("override")).toBeVisible();

  // The same list as a new job keeps it too; the export says both tiers and why.
  const next = await (await request.post("/api/jobs/single?company_name=Gong")).json();
  await finished(request, next.id);
  await page.goto(`/jobs/${next.id}`);
  await hydrated(page);
  const again = page.locator("tr[data-company='Gong']");
  await expect(again.locator("[data-tier]")).toHaveAttribute("data-tier", "HOT");
  const csv = await (await request.get(`/api/jobs/${next.id}/export`)).text();
  expect(csv).toContain("Their VP of Engineering asked us for a GPU quote");

  // Removed: the model's tier counts again.
  await again.click();
  await page.getByRole("button", { name: "Use the model's tier again" }).click();
  await expect(again.locator("[data-tier]")).toHaveAttribute("data-tier", model);
  await expect(again.getByTestId("override")).toHaveCount(0);
});
