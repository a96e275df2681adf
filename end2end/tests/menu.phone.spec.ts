import { test, expect, hydrated } from "./fixtures";

test("the phone menu opens, navigates and closes", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const toggle = page.getByRole("button", { name: "Menu" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator("#mobile-menu")).toBeHidden();

  await toggle.click();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  const menu = page.locator("#mobile-menu");
  await expect(menu).toBeVisible();

  await menu.getByRole("link", { name: "Cache" }).click();
  await expect(page).toHaveURL(/\/cache$/);
  await expect(menu).toBeHidden();
});
