// The accounts the browser tests use. The server is started with
// SETUP_TOKEN set (see the Makefile's e2e target), so the setup link is known.
export const SETUP_TOKEN = process.env.SETUP_TOKEN ?? "e2e-setup-token";
export const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "ada's long password" };
export const MEMBER = { name: "Max Member", email: "max@example.com", temporary: "a temporary password", password: "max's own long password" };
export const ADMIN_STATE = "../target/e2e/admin-state.json";
export const TOKEN_FILE = "../target/e2e/admin-token.txt";
