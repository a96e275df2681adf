import { test as base, expect, Page } from "@playwright/test";

// Chromium noise that is not the app's fault on this closed network.
const IGNORED = [/Failed to load resource: net::ERR_/];

/**
 * A page that records console errors and uncaught exceptions; every test
 * fails if any appear.
 */
export const test = base.extend<{ page: Page; allowedConsole: RegExp[] }>({
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

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export { expect };
