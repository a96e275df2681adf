//! The cross-job research cache: hits, misses, expiry, refresh, single-flight,
//! independence from jobs, and its REST endpoints.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use territory_planner::server::{
    db::{company_query, entities::cache_entry},
    fake_upstream::FakeConfig,
};

use crate::{
    engine::{V1_SAMPLE, rows, submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app_with_fake, spawn_instance_sharing},
};

const WAIT: Duration = Duration::from_secs(60);

async fn run(app: &TestApp, names: &[&str]) -> i32 {
    let id = submit(app, "iaas", names).await;
    let job = wait_finished(app, id, WAIT).await;
    assert_eq!(job.status, "completed");
    id
}

fn searches(app: &TestApp) -> u64 {
    app.fake.as_ref().unwrap().stats().total.searches
}

async fn entries(app: &TestApp) -> Vec<cache_entry::Model> {
    cache_entry::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_rerun_of_the_sample_makes_no_search_and_says_cache_hit() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let first = run(&app, &V1_SAMPLE).await;
        let verified: Vec<String> = rows(&app, first)
            .await
            .into_iter()
            .filter(|c| c.status == "completed")
            .map(|c| c.name)
            .collect();
        assert!(verified.len() >= 15, "{verified:?}");
        assert_eq!(entries(&app).await.len(), verified.len(), "{backend:?}");
        let searched = searches(&app);

        let second = run(&app, &V1_SAMPLE).await;
        assert_eq!(
            searches(&app),
            searched,
            "{backend:?}: the re-run searched again"
        );
        let detail = app.get_json(&format!("/api/jobs/{second}")).await;
        for company in detail["companies"].as_array().unwrap() {
            if verified.contains(&company["name"].as_str().unwrap().to_string()) {
                assert_eq!(company["cache_hit"], true, "{company}");
                assert_eq!(company["credits_saved"], 2.0, "{company}");
                assert!(company["evidence_fetched_at"].is_string());
                assert!(company["validation_confidence"].as_f64().unwrap() >= 0.6);
                assert!(company["score_total"].is_number());
            }
        }
        assert_eq!(detail["cache_hits"], verified.len() as i64);
        assert_eq!(detail["credits_saved"], 2.0 * verified.len() as f64);
        assert!(detail["usd_saved"].as_f64().unwrap() > 0.0);

        let stats = app.get_json("/api/cache/stats").await;
        assert_eq!(stats["hits_30d"], verified.len() as i64, "{stats}");
        assert_eq!(stats["entries"], verified.len() as i64);
        assert_eq!(stats["expired"], 0);
    }
}

#[tokio::test]
async fn names_meet_on_their_normalised_key() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    run(&app, &["Anthropic"]).await;
    let searched = searches(&app);
    run(&app, &[" anthropic ", "Anthropic, Inc.", "ANTHROPIC"]).await;
    assert_eq!(searches(&app), searched, "variants of one name meet");
    run(&app, &["Cohere"]).await;
    assert!(searches(&app) > searched, "another company is searched");
    assert_eq!(entries(&app).await.len(), 2);
}

#[tokio::test]
async fn expired_entries_are_refreshed_on_their_next_use() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    run(&app, &["Cohere"]).await;
    let before = entries(&app).await.remove(0);
    cache_entry::Entity::update_many()
        .col_expr(
            cache_entry::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::hours(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    let stats = app.get_json("/api/cache/stats").await;
    assert_eq!(
        (stats["expired"].as_i64(), stats["verified"].as_i64()),
        (Some(1), Some(0))
    );
    let listed = app.get_json("/api/cache").await;
    assert_eq!(listed["entries"][0]["expired"], true);

    let searched = searches(&app);
    let job = run(&app, &["Cohere"]).await;
    assert!(searches(&app) > searched, "an expired entry is not served");
    assert!(!rows(&app, job).await[0].cache_hit);
    let after = entries(&app).await.remove(0);
    assert_eq!(after.id, before.id, "the entry is refreshed in place");
    assert!(after.fetched_at > before.fetched_at);
    assert!(after.expires_at > Utc::now());
}

#[tokio::test]
async fn a_refresh_rerun_ignores_the_cache_and_overwrites_it() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = run(&app, &["Cohere", "Modal"]).await;
    let before = entries(&app).await;
    let searched = searches(&app);
    let (status, body) = app
        .call(Method::POST, &format!("/api/jobs/{job}/start?refresh=true"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["companies_queued"], 2,
        "a refresh re-runs every company"
    );
    wait_finished(&app, job, WAIT).await;
    assert_eq!(searches(&app), searched + 2);
    assert!(rows(&app, job).await.iter().all(|c| !c.cache_hit));
    for (old, new) in before.iter().zip(entries(&app).await) {
        assert!(
            new.fetched_at > old.fetched_at,
            "{} was not overwritten",
            new.display_name
        );
    }
}

#[tokio::test]
async fn a_cancelled_fresh_rerun_leaves_no_stale_score_tier_or_sources() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, slow_searches(), &[]).await;
        let names = ["Cohere", "Modal", "Replicate", "Runway"];
        let job = run(&app, &names).await;
        let scored = rows(&app, job).await;
        assert!(
            scored
                .iter()
                .all(|c| c.priority_tier.is_some() && c.sources.is_some())
        );
        let (status, body) = app
            .call(Method::POST, &format!("/api/jobs/{job}/start?refresh=true"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Cancelled while the fresh searches are still out.
        let (status, body) = app
            .call(Method::POST, &format!("/api/jobs/{job}/cancel"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let finished = wait_finished(&app, job, WAIT).await;
        assert_eq!(finished.status, "cancelled", "{backend:?}");
        let after = rows(&app, job).await;
        let unscored: Vec<_> = after.iter().filter(|c| c.status != "completed").collect();
        assert!(
            !unscored.is_empty(),
            "the cancel came before the re-run finished"
        );
        for company in &unscored {
            assert_eq!(
                (
                    &company.score_total,
                    &company.priority_tier,
                    &company.sources,
                    &company.reasoning
                ),
                (&None, &None, &None, &None),
                "{} keeps last run's result after a cancelled fresh re-run",
                company.name
            );
            let before = scored.iter().find(|c| c.id == company.id).unwrap();
            assert!(
                company.tavily_credits >= before.tavily_credits,
                "what it spent stays"
            );
        }
        // The export and the tier counts follow: no stale tier anywhere.
        let csv = app.get_text(&format!("/api/jobs/{job}/export")).await;
        for company in &unscored {
            let line = csv
                .lines()
                .find(|l| l.contains(&company.name))
                .unwrap_or_default();
            assert!(
                !["HOT", "WARM", "WATCH", "COLD"]
                    .iter()
                    .any(|tier| line.contains(tier)),
                "{line}"
            );
        }
        let tiers = company_query::tier_counts(&app.state.db, job)
            .await
            .unwrap();
        assert_eq!(
            (tiers.hot + tiers.warm + tiers.watch + tiers.cold) as usize,
            names.len() - unscored.len(),
            "only this run's scores are counted"
        );
    }
}

/// Searches slow enough that two jobs ask for the same companies at once.
fn slow_searches() -> FakeConfig {
    FakeConfig {
        search_latency: (Duration::from_millis(300), Duration::from_millis(300)),
        ..FakeConfig::default()
    }
}

/// Two jobs with the same companies, one on each app (or both on one), at once;
/// each company is searched once and served to the other job from the cache.
async fn race_two_jobs(first: &TestApp, second: &TestApp) {
    let a = submit(first, "iaas", &["Replicate", "Runway"]).await;
    let b = submit(second, "iaas", &["Runway", "Replicate"]).await;
    let mut hits = 0;
    for id in [a, b] {
        hits += wait_finished(first, id, WAIT).await.cache_hits;
    }
    let fake = first.fake.as_ref().unwrap();
    for name in ["Replicate", "Runway"] {
        assert_eq!(fake.calls_for(name).searches, 1, "{name}");
    }
    assert_eq!(
        hits, 2,
        "one job searched each company, the other was served"
    );
}

#[tokio::test]
async fn concurrent_jobs_search_a_company_once() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, slow_searches(), &[]).await;
        race_two_jobs(&app, &app).await;
    }
}

#[tokio::test]
async fn two_instances_sharing_a_database_search_a_company_once() {
    for backend in backends() {
        let first = spawn_app_with_fake(backend, slow_searches(), &[]).await;
        let second = spawn_instance_sharing(&first).await;
        assert_ne!(
            first.state.engine.instance_id(),
            second.state.engine.instance_id()
        );
        race_two_jobs(&first, &second).await;
    }
}

#[tokio::test]
async fn only_verified_research_is_cached_and_deleting_a_job_keeps_it() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = run(&app, &["Cohere", "stealthium.io"]).await;
    let cached = entries(&app).await;
    assert_eq!(cached.len(), 1, "the unverified company is not cached");
    assert_eq!(cached[0].display_name, "Cohere");
    assert!(cached[0].confidence >= 0.6);

    let (status, _) = app.call(Method::DELETE, &format!("/api/jobs/{job}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entries(&app).await.len(), 1, "job deletion keeps the cache");
}

#[tokio::test]
async fn turning_the_cache_off_stores_and_serves_nothing() {
    let app = spawn_app_with_fake(
        Backend::Sqlite,
        FakeConfig::default(),
        &[("CACHE_ENABLED", "false")],
    )
    .await;
    run(&app, &["Cohere"]).await;
    run(&app, &["Cohere"]).await;
    assert_eq!(app.fake.as_ref().unwrap().calls_for("Cohere").searches, 2);
    assert!(entries(&app).await.is_empty());
    let stats = app.get_json("/api/cache/stats").await;
    assert_eq!(stats["enabled"], false);
}

#[tokio::test]
async fn the_cache_endpoints_list_search_show_refresh_delete_and_clear() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        run(&app, &["Cohere", "Modal", "Runway"]).await;

        let all = app.get_json("/api/cache?sort=name&order=asc").await;
        assert_eq!(all["total"], 3, "{backend:?} {all}");
        let names: Vec<&str> = all["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Cohere", "Modal", "Runway"]);
        let paged = app
            .get_json("/api/cache?sort=name&order=desc&skip=1&limit=1")
            .await;
        assert_eq!(paged["entries"][0]["name"], "Modal");
        let found = app.get_json("/api/cache?q=MOD").await;
        assert_eq!(found["total"], 1);
        let id = found["entries"][0]["id"].as_i64().unwrap();

        let (status, body) = app.call(Method::GET, "/api/cache?sort=colour").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["detail"].as_str().unwrap().contains("fetched_at"),
            "{body}"
        );

        let detail = app.get_json(&format!("/api/cache/{id}")).await;
        assert_eq!(detail["name"], "Modal");
        let evidence = detail["evidence"].as_array().unwrap();
        assert!(!evidence.is_empty());
        assert!(evidence[0]["url"].as_str().unwrap().starts_with("http"));

        let (status, refresh) = app
            .call(Method::POST, &format!("/api/cache/{id}/refresh"))
            .await;
        assert_eq!(status, StatusCode::OK, "{refresh}");
        let job = refresh["job_id"].as_i64().unwrap() as i32;
        wait_finished(&app, job, WAIT).await;
        assert_eq!(app.fake.as_ref().unwrap().calls_for("Modal").searches, 2);
        let refreshed = app.get_json(&format!("/api/cache/{id}")).await;
        assert!(refreshed["fetched_at"].as_str() > detail["fetched_at"].as_str());

        let (status, _) = app.call(Method::DELETE, &format!("/api/cache/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.call(Method::GET, &format!("/api/cache/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body["detail"].as_str().unwrap().contains("not found"));
        let (status, _) = app.call(Method::DELETE, &format!("/api/cache/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        cache_entry::Entity::update_many()
            .col_expr(
                cache_entry::Column::ExpiresAt,
                Expr::value(Utc::now() - chrono::Duration::days(1)),
            )
            .filter(cache_entry::Column::DisplayName.eq("Cohere"))
            .exec(&app.state.db)
            .await
            .unwrap();
        let (status, cleared) = app
            .call(Method::POST, "/api/cache/clear?expired_only=true")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cleared["deleted"], 1);
        let cleared = app
            .client
            .post(app.url("/api/cache/clear"))
            .json(&serde_json::json!({"expired_only": false}))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(cleared["deleted"], 1, "{cleared}");
        assert_eq!(app.get_json("/api/cache").await["total"], 0);
    }
}
