// `cargo leptos end-to-end` starts the server and the tests at the same time:
// wait until the server answers its health check before any test runs.
import { baseURL } from "./playwright.config";

export default async function globalSetup() {
  const deadline = Date.now() + 60_000;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/api/health`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server at ${baseURL} did not become healthy within 60 s: ${lastError}`);
}
