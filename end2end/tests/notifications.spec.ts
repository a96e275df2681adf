import { test, expect, hydrated } from "./fixtures";

// Companies no other test researches, enough for the job to run for a few seconds.
const NAMES = Array.from({ length: 200 }, (_, i) => `Benchmark Co ${4001 + i}`);

test("the browser tells the person when a job ends, once they allowed it", async ({ page, request }) => {
  test.setTimeout(120_000);
  // A stand-in for the browser's Notification that records what the page shows.
  await page.addInitScript(() => {
    const shown: { title: string; body?: string }[] = [];
    (window as unknown as { shown: typeof shown }).shown = shown;
    class Recording {
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body });
      }
      static permission = "default";
      static requestPermission() {
        Recording.permission = "granted";
        return Promise.resolve("granted");
      }
    }
    (window as unknown as { Notification: unknown }).Notification = Recording;
  });
  const started = await request.post("/api/jobs/upload", {
    multipart: { file: { name: "notify.csv", mimeType: "text/csv", buffer: Buffer.from(["company_name", ...NAMES].join("\n") + "\n") } },
  });
  expect(started.ok()).toBeTruthy();
  const job = await started.json();

  await page.goto(`/jobs/${job.id}`);
  await hydrated(page);
  await page.getByTestId("notify-me").click();
  await expect(page.getByTestId("notify-me")).toHaveCount(0);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 90_000 });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shown: { title: string; body?: string }[] }).shown))
    .toEqual([{ title: "notify (200 companies): completed", body: "200 of 200 scored, 0 failed." }]);
});
