//! One module per page.
//!
//! Every page but the dashboard (where people land) is a lazy route: its code
//! is a chunk of its own that the browser fetches when the page is first
//! opened (`cargo leptos build --split`), so a visit downloads the frame, the
//! dashboard, what the pages share, and that page.

pub mod account;
pub mod admin_audit;
pub mod admin_users;
pub mod backtest;
pub mod cache;
pub mod changes;
pub mod dashboard;
pub mod job;
pub mod login;
pub mod not_found;
pub mod review;
pub mod rubric;
pub mod rubric_edit;
pub mod rubrics;
pub mod schedules;
pub mod settings;
pub mod setup;

use leptos::prelude::*;
use leptos_router::{LazyRoute, hooks::use_params_map, lazy_route};

/// The job id of a `/jobs/{id}/…` page (0 when the address has none).
pub(crate) fn job_id_param() -> Memo<i32> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    })
}

/// A lazily loaded route for a page component: `lazy_page!(CacheRoute, cache::CachePage)`.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        #[doc = concat!("The lazily loaded route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { {$page()} <crate::components::hydration_marker::HydrationMarker /> }
                    .into_any()
            }
        }
    };
}

lazy_page!(JobRoute, job::JobPage);
lazy_page!(CacheRoute, cache::CachePage);
lazy_page!(SettingsRoute, settings::SettingsPage);
lazy_page!(LoginRoute, login::LoginPage);
lazy_page!(SetupRoute, setup::SetupPage);
lazy_page!(AccountRoute, account::AccountPage);
lazy_page!(UsersRoute, admin_users::UsersPage);
lazy_page!(AuditRoute, admin_audit::AuditPage);
lazy_page!(RubricRoute, rubric::RubricPage);
lazy_page!(ReviewRoute, review::ReviewPage);
lazy_page!(ChangesRoute, changes::ChangesPage);
lazy_page!(SchedulesRoute, schedules::SchedulesPage);
lazy_page!(RubricsRoute, rubrics::RubricsPage);
lazy_page!(RubricEditRoute, rubric_edit::RubricEditPage);
lazy_page!(BacktestRoute, backtest::BacktestPage);
