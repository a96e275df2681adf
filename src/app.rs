//! The HTML shell and the route table. Nothing else belongs here.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::components::app_frame::AppFrame;
use crate::pages::{
    AccountRoute, AuditRoute, BacktestRoute, CacheRoute, ChangesRoute, JobRoute, LoginRoute,
    ReviewRoute, RubricEditRoute, RubricRoute, RubricsRoute, SchedulesRoute, SettingsRoute,
    SetupRoute, UsersRoute, dashboard::DashboardPage, not_found::NotFound,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy carries this render's script nonce.
    #[cfg(feature = "ssr")]
    crate::server::guard::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.ico" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/territory_planner.css" />
        <Title text="Territory Planner" />
        <Router>
            <AppFrame>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=DashboardPage />
                    <Route path=(StaticSegment("jobs"), ParamSegment("id")) view={Lazy::<JobRoute>::new()} />
                    <Route path=(StaticSegment("jobs"), ParamSegment("id"), StaticSegment("changes")) view={Lazy::<ChangesRoute>::new()} />
                    <Route path=StaticSegment("review") view={Lazy::<ReviewRoute>::new()} />
                    <Route path=StaticSegment("cache") view={Lazy::<CacheRoute>::new()} />
                    <Route path=StaticSegment("schedules") view={Lazy::<SchedulesRoute>::new()} />
                    <Route path=(StaticSegment("jobs"), ParamSegment("id"), StaticSegment("backtest")) view={Lazy::<BacktestRoute>::new()} />
                    <Route path=StaticSegment("rubrics") view={Lazy::<RubricsRoute>::new()} />
                    <Route path=(StaticSegment("rubrics"), ParamSegment("id")) view={Lazy::<RubricRoute>::new()} />
                    <Route path=(StaticSegment("rubrics"), ParamSegment("id"), StaticSegment("edit")) view={Lazy::<RubricEditRoute>::new()} />
                    <Route path=StaticSegment("settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=StaticSegment("login") view={Lazy::<LoginRoute>::new()} />
                    <Route path=StaticSegment("setup") view={Lazy::<SetupRoute>::new()} />
                    <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("users")) view={Lazy::<UsersRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view={Lazy::<AuditRoute>::new()} />
                </Routes>
            </AppFrame>
        </Router>
    }
}
