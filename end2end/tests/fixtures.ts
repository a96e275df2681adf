import fs from "node:fs";
import { test as base, expect, Page, APIRequestContext } from "@playwright/test";
import { TOKEN_FILE } from "./accounts";

// Chromium noise that is not the app's fault on this closed network.
const IGNORED = [/Failed to load resource: net::ERR_/];

/**
 * A page that records console errors and uncaught exceptions; every test
 * fails if any appear.
 */
export const test = base.extend<{ page: Page; allowedConsole: RegExp[]; request: APIRequestContext }>({
  // Scripts use the REST API with the admin's token (as v1's curl commands
  // do once they add the header), never with the browser's cookie.
  request: async ({ playwright, baseURL }, use) => {
    const token = fs.existsSync(TOKEN_FILE) ? fs.readFileSync(TOKEN_FILE, "utf8").trim() : "";
    const context = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: token ? { Authorization: `Bearer ${token}` } : {},
      // No browser cookie: the project's storageState would otherwise come along.
      storageState: NO_COOKIES,
    });
    await use(context);
    await context.dispose();
  },
  // Console messages a test expects (for example the 404 of a missing page).
  allowedConsole: [[], { option: true }],
  page: async ({ page, allowedConsole }, use) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        const text = message.text();
        if (![...IGNORED, ...allowedConsole].some((pattern) => pattern.test(text))) problems.push(`console.${message.type()}: ${text}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    await use(page);
    expect(problems, "console errors or hydration problems").toEqual([]);
  },
});

/** A browser state without a session, for scripts and second browsers. */
export const NO_COOKIES = { cookies: [], origins: [] };

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Waits until the table shows rows, every one of them in `tier` (HOT, WARM, WATCH or COLD). */
export async function expectOnlyTier(page: Page, tier: string) {
  await expect
    .poll(async () => {
      const tiers = await page.locator("tbody [data-tier]").evaluateAll((els) => els.map((e) => e.getAttribute("data-tier")));
      return tiers.length > 0 && tiers.every((t) => t === tier);
    })
    .toBe(true);
}

export { expect };
