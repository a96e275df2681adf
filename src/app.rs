//! The HTML shell and the route table. Nothing else belongs here.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::components::app_frame::AppFrame;
use crate::pages::{
    account::AccountPage, admin_audit::AuditPage, admin_users::UsersPage, cache::CachePage,
    dashboard::DashboardPage, job::JobPage, login::LoginPage, not_found::NotFound,
    settings::SettingsPage, setup::SetupPage,
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
                    <Route path=(StaticSegment("jobs"), ParamSegment("id")) view=JobPage />
                    <Route path=StaticSegment("cache") view=CachePage />
                    <Route path=StaticSegment("settings") view=SettingsPage />
                    <Route path=StaticSegment("login") view=LoginPage />
                    <Route path=StaticSegment("setup") view=SetupPage />
                    <Route path=StaticSegment("account") view=AccountPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("users")) view=UsersPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditPage />
                </Routes>
            </AppFrame>
        </Router>
    }
}
