//! Territory Planner: research, verify and score prospect companies.
//!
//! Everything outside `server` builds for both targets (the SSR binary and the
//! hydrating wasm bundle). Server-only code lives in `server`, behind the `ssr`
//! feature at module level.

#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod domain;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod server;

/// The wasm entry point: hydrate the server-rendered page. `hydrate_lazy`, as
/// the pages are lazy routes whose code may still be on its way.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
