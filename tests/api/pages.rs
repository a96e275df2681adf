use crate::helpers::{Backend, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_dashboard_is_server_rendered_with_its_hydration_scripts() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Territory Planner</title>"), "{html}");
    assert!(html.contains("Dashboard"));
    assert!(
        html.contains("/pkg/territory_planner.js"),
        "hydration script missing"
    );
    assert!(html.contains(r#"href="/cache""#) && html.contains(r#"href="/settings""#));
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn keys_never_reach_the_browser() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("TAVILY_API_KEY", "tvly-TOPSECRET-1"),
            ("LLM_API_KEY", "llm-TOPSECRET-2"),
        ],
    )
    .await;
    let page = app
        .client
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Concurrent searches"),
        "settings are server-rendered"
    );
    let settings = app
        .client
        .post(app.url("/fn/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), 200);
    let body = settings.text().await.unwrap();
    assert!(body.contains("\"tavily_key_configured\":true"), "{body}");
    for text in [&page, &body] {
        assert!(!text.contains("TOPSECRET"), "a key leaked: {text}");
    }
}

#[tokio::test]
async fn demo_mode_is_announced_only_without_configured_upstreams() {
    let demo = spawn_app(Backend::Sqlite).await;
    let html = demo
        .client
        .get(demo.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Demo mode."), "{html}");

    let live = crate::helpers::spawn_app_with_fake(
        Backend::Sqlite,
        territory_planner::server::fake_upstream::FakeConfig::default(),
        &[],
    )
    .await;
    let html = live
        .client
        .get(live.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Demo mode."));
}
