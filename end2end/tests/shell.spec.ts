import { test, expect, hydrated } from "./fixtures";

test("the dashboard renders on the server and hydrates without errors", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Territory Planner");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await hydrated(page);
});

test("navigation happens in the browser after hydration, without a page reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  // A full reload would wipe this marker; client-side routing keeps it.
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));

  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Settings" }).first().click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText("Concurrent searches")).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" }).first()).toHaveAttribute("aria-current", "page");

  await nav.getByRole("link", { name: "Cache" }).first().click();
  await expect(page.getByRole("heading", { name: "Research cache" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
});

test.describe("a missing page", () => {
  // Chromium reports the 404 of the document itself on the console.
  test.use({ allowedConsole: [/status of 404/] });

  test("an unknown address shows a 404 page that still hydrates", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await hydrated(page);
    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  });
});

test("the health endpoint reports a connected database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("healthy");
  expect(body.services.database).toBe("connected");
});

test("the e2e server runs in demo mode and says so", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("status").filter({ hasText: "Demo mode." })).toBeVisible();
});
