//! Quarterly re-runs: "Run this list again" is priced first, makes a new job
//! linked to the last one, and says what changed when the fake upstream's
//! profiles of two companies changed between the runs; the export and each
//! company's history carry the earlier result.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use territory_planner::server::fake_upstream::FakeConfig;

use crate::{
    engine::{submit, wait_finished},
    helpers::{TestApp, backends, spawn_app_with_fake},
};

const LIST: [&str; 6] = [
    "Anthropic",
    "Cohere",
    "Modal",
    "Replicate",
    "Jasper",
    "Copy.ai",
];

/// Deletes the research cache's entries of these companies (their research ran out).
async fn expire_research(app: &TestApp, companies: &[&str]) {
    let (status, page) = app.call(Method::GET, "/api/cache?limit=100").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for entry in page["entries"].as_array().unwrap() {
        if companies.contains(&entry["name"].as_str().unwrap_or_default()) {
            let (status, body) = app
                .call(Method::DELETE, &format!("/api/cache/{}", entry["id"]))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn running_a_list_again_says_what_changed_since_the_last_run() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let fake = app.fake.as_ref().unwrap();
        let first = submit(&app, "iaas", &LIST).await;
        wait_finished(&app, first, Duration::from_secs(30)).await;

        // A quarter later: Anthropic's business looks thin, Jasper trains
        // frontier models, and the research the cache held on both has
        // run out (as `CACHE_TTL_DAYS` would have it).
        fake.set_use_case("Anthropic", "E");
        fake.set_use_case("Jasper", "S");
        expire_research(&app, &["Anthropic", "Jasper"]).await;
        let (status, plan) = app
            .call(Method::GET, &format!("/api/jobs/{first}/run-again-plan"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(plan["companies"], 6, "{plan}");
        assert_eq!(
            plan["to_research"], 2,
            "the cache still holds the four others: {plan}"
        );
        let searches = fake.stats().total.searches;
        let scoring_calls = fake.stats().total.scorings;

        let (status, again) = app
            .call(Method::POST, &format!("/api/jobs/{first}/run-again"))
            .await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["previous_job_id"], first);
        let second = again["id"].as_i64().unwrap() as i32;
        assert_ne!(second, first);
        let job = wait_finished(&app, second, Duration::from_secs(30)).await;
        assert_eq!(job.completed_companies, 6, "{backend:?}");
        assert_eq!(
            fake.stats().total.searches,
            searches + 2,
            "the four others were served by the research cache"
        );
        // Same evidence, same rubric version, same model: the four others'
        // scores are reused, not paid for again.
        assert_eq!(fake.stats().total.scorings, scoring_calls + 2);
        assert_eq!(job.score_hits, 4, "{backend:?}");

        let (status, changes) = app
            .call(Method::GET, &format!("/api/jobs/{second}/changes"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(&changes["down"]), ["Anthropic"], "{changes}");
        let down = &changes["down"][0];
        assert!(down["after"]["score"].as_i64() < down["before"]["score"].as_i64());
        let risen: Vec<String> = [names(&changes["new_hot"]), names(&changes["up"])].concat();
        assert_eq!(risen, ["Jasper"], "{changes}");
        assert_eq!(changes["unchanged"], 4, "{changes}");
        assert_eq!(changes["dropped"].as_array().unwrap().len(), 0);

        // The export says where each company stood before.
        let csv = app.get_text(&format!("/api/jobs/{second}/export")).await;
        let header = csv.lines().next().unwrap();
        assert!(header.ends_with("Previous Tier,Previous Score"), "{header}");
        let anthropic = csv.lines().find(|l| l.contains(",Anthropic,")).unwrap();
        let before_score = down["before"]["score"].as_i64().unwrap().to_string();
        assert!(
            anthropic.ends_with(&format!(",{before_score}")),
            "{anthropic}"
        );

        // And every company keeps its history across the runs.
        let id = again_company_id(&app, second, "Anthropic").await;
        let (status, history) = app
            .call(
                Method::GET,
                &format!("/api/jobs/{second}/companies/{id}/history"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let scores: Vec<i64> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["score_total"].as_i64().unwrap())
            .collect();
        assert_eq!(scores.len(), 2, "{history}");
        assert!(scores[0] > scores[1], "{history}");
    }
}

async fn again_company_id(app: &crate::helpers::TestApp, job: i32, name: &str) -> i64 {
    let detail = app.get_json(&format!("/api/jobs/{job}")).await;
    detail["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}
