//! Budgets: a job never spends past its cap (the fake upstream's counters
//! say what was bought), pauses before a company that could pass it, and
//! goes on when a person raises it; every door takes the cap and refuses a
//! bad one with a message.

use std::time::Duration;

use reqwest::{
    Method, StatusCode,
    multipart::{Form, Part},
};
use territory_planner::{
    domain::job::{JobStatus, USD_PER_TAVILY_CREDIT},
    server::{db::jobs, fake_upstream::FakeConfig},
};

use crate::{
    engine::{V1_SAMPLE, rows, wait_finished},
    helpers::{TestApp, backends, spawn_app_with_fake},
};

async fn wait_status(
    app: &TestApp,
    job_id: i32,
    status: JobStatus,
) -> territory_planner::server::db::entities::job::Model {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let job = jobs::find(&app.state.db, job_id).await.unwrap().unwrap();
        if job.status == status.as_str() {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {job_id} is {} ({:?})",
            job.status,
            job.error_message
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn upload_with_budget(
    app: &TestApp,
    names: &[&str],
    budget: &str,
) -> (StatusCode, serde_json::Value) {
    let csv = format!("company_name\n{}\n", names.join("\n"));
    let form = Form::new()
        .part(
            "file",
            Part::bytes(csv.into_bytes()).file_name("capped.csv"),
        )
        .text("budget_usd", budget.to_string());
    let response = app
        .client
        .post(app.url("/api/jobs/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_job_pauses_at_its_budget_without_spending_past_it_and_goes_on_when_it_is_raised() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[("SEARCH_CONCURRENCY", "4")],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        let per_company = app.state.engine.company_ceiling_usd();
        let cap = per_company * 3.5;
        let names = &V1_SAMPLE[..10];
        let (status, job) = upload_with_budget(&app, names, &format!("{cap}")).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        let job_id = job["id"].as_i64().unwrap() as i32;
        assert!((job["budget_usd"].as_f64().unwrap() - cap).abs() < 1e-9);

        let paused = wait_status(&app, job_id, JobStatus::Paused).await;
        let message = paused.error_message.clone().unwrap();
        assert!(
            message.starts_with("Paused at its budget:") && message.contains("Raise the budget"),
            "{message}"
        );
        assert!(
            paused.resume_at.is_none(),
            "it waits for a person, not for a back-off"
        );
        assert!(
            paused.cost_usd <= cap,
            "{backend:?}: spent {} of {cap}",
            paused.cost_usd
        );
        let bought = fake.stats().total.searches as f64 * 2.0 * USD_PER_TAVILY_CREDIT;
        assert!(
            bought <= cap,
            "the fake sold {bought} of searches against a cap of {cap}"
        );
        let done = rows(&app, job_id)
            .await
            .iter()
            .filter(|c| c.status == "completed")
            .count();
        assert!(
            (3..names.len()).contains(&done),
            "{done} completed within the cap"
        );
        let searches = fake.stats().total.searches;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            fake.stats().total.searches,
            searches,
            "nothing is bought while paused"
        );

        // Resume now is for outages; a budget pause says what to do instead.
        let (status, body) = app
            .call(Method::POST, &format!("/api/jobs/{job_id}/resume"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.to_string().contains("raise the budget"), "{body}");

        // A raise that still leaves no room is refused with the sum that would.
        let response = app
            .client
            .put(app.url(&format!("/api/jobs/{job_id}/budget")))
            .json(&serde_json::json!({"budget_usd": cap}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let refusal = response.text().await.unwrap();
        assert!(
            refusal.contains("leaves no room") && refusal.contains("Set at least"),
            "{refusal}"
        );

        let response = app
            .client
            .put(app.url(&format!("/api/jobs/{job_id}/budget")))
            .json(&serde_json::json!({"budget_usd": 100.0}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(job.status, "completed", "{backend:?}");
        assert_eq!(job.completed_companies, names.len() as i32);
        assert_eq!(job.error_message, None);
        for name in names {
            assert_eq!(fake.calls_for(name).searches, 1, "{name}");
        }
    }
}

#[tokio::test]
async fn every_door_takes_a_budget_and_refuses_one_that_is_not_dollars() {
    let app =
        spawn_app_with_fake(crate::helpers::Backend::Sqlite, FakeConfig::default(), &[]).await;
    let (status, body) = upload_with_budget(&app, &["Anthropic"], "ten dollars").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("is not a budget: give US dollars"),
        "{body}"
    );
    let (status, body) = app
        .call(
            Method::POST,
            "/api/jobs/single?company_name=Anthropic&budget_usd=-1",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/jobs/single?company_name=Anthropic&budget_usd=2.50",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["budget_usd"], 2.5);
    let job_id = body["id"].as_i64().unwrap() as i32;
    // A single lookup well within its cap runs to the end.
    let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
    assert_eq!(job.status, "completed");
    let response = app
        .client
        .put(app.url(&format!("/api/jobs/{job_id}/budget")))
        .json(&serde_json::json!({"budget_usd": "lots"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_action_that_would_pass_a_monthly_budget_is_refused_with_402_and_the_numbers() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[
                ("MONTHLY_BUDGET_USD", "0.08"),
                ("MONTHLY_BUDGET_PER_USER_USD", "5"),
            ],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        let (status, job) = app
            .call(Method::POST, "/api/jobs/single?company_name=Anthropic")
            .await;
        assert_eq!(status, StatusCode::OK, "{job}");
        let cap = job["budget_usd"]
            .as_f64()
            .expect("a job under a monthly budget gets one");
        assert!(cap <= 0.08, "{cap}");
        let job_id = job["id"].as_i64().unwrap() as i32;
        wait_finished(&app, job_id, Duration::from_secs(30)).await;

        let (status, months) = app.call(Method::GET, "/api/spend").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(months[0]["scope"], "team", "{months}");
        assert_eq!(months[1]["scope"], "you", "{months}");
        let spent = months[0]["spent_usd"].as_f64().unwrap();
        assert!(spent > 0.0 && spent <= cap, "{months}");

        let searches = fake.stats().total.searches;
        let (status, body) = upload_with_budget(&app, &V1_SAMPLE, "").await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{backend:?}: {body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("This job is estimated at $")
                && detail.contains("the team's monthly budget has $")
                && detail.contains("of $0.080"),
            "{detail}"
        );
        assert_eq!(fake.stats().total.searches, searches, "nothing was bought");

        // A fresh re-run is priced and admitted the same way.
        let response = app
            .client
            .post(app.url(&format!("/api/jobs/{job_id}/start?refresh=true")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "it fits in what is left");
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        let grown = job.budget_usd.unwrap();
        assert!(
            grown > cap,
            "the job's budget grew by what the re-run may spend: {grown}"
        );
        assert!(grown <= 0.08 + 1e-9, "{grown}");
    }
}

#[tokio::test]
async fn budgets_set_in_the_app_replace_the_environment_and_an_account_can_have_its_own() {
    use territory_planner::{
        domain::account::{Role, UserChange},
        server::{auth::Actor, db::accounts, services::team},
    };
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[("MONTHLY_BUDGET_USD", "0.01")],
        )
        .await;
        let (_, set) = app.call(Method::GET, "/api/budgets").await;
        assert_eq!(set["team_usd"], 0.01, "from the environment: {set}");
        assert_eq!(set["set_by"], serde_json::Value::Null);

        // A member cannot set them; an admin can, with a message for a bad sum.
        let member = crate::helpers::create_user(&app.state, Role::Member, "rep@example.com").await;
        let as_member = crate::helpers::client_with_token(&member.token);
        let body = serde_json::json!({"team_usd": 100.0, "each_account_usd": 20.0});
        let refused = as_member
            .put(app.url("/api/budgets"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let bad = app
            .client
            .put(app.url("/api/budgets"))
            .json(&serde_json::json!({"team_usd": -3.0}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert!(bad.text().await.unwrap().contains("Team budget"));
        let set: serde_json::Value = app
            .client
            .put(app.url("/api/budgets"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(set["team_usd"], 100.0, "{set}");
        assert_eq!(set["each_account_usd"], 20.0, "{set}");
        assert!(set["set_by"].as_str().is_some(), "{set}");

        // The team's $100 now admits what the environment's $0.01 refused.
        let (status, job) = app
            .call(Method::POST, "/api/jobs/single?company_name=Anthropic")
            .await;
        assert_eq!(status, StatusCode::OK, "{job}");
        wait_finished(
            &app,
            job["id"].as_i64().unwrap() as i32,
            Duration::from_secs(30),
        )
        .await;

        // The member's own budget replaces the $20 every account gets.
        let admin = accounts::find_user(&app.state.db, app.admin.id)
            .await
            .unwrap()
            .unwrap();
        let admin = Actor::from_user(&admin, territory_planner::server::auth::Via::Token);
        let changed = team::update_user(
            &app.state,
            &admin,
            member.id,
            UserChange::MonthlyBudget("0.002".into()),
        )
        .await
        .unwrap();
        assert_eq!(changed.monthly_budget_usd, Some(0.002));
        let months: serde_json::Value = as_member
            .get(app.url("/api/spend"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(months[1]["scope"], "you", "{months}");
        assert_eq!(months[1]["budget_usd"], 0.002, "{months}");
        let searches = app.fake.as_ref().unwrap().stats().total.searches;
        let refused = as_member
            .post(app.url("/api/jobs/single?company_name=Cohere"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
        let text = refused.text().await.unwrap();
        assert!(
            text.contains("your monthly budget") && text.contains("of $0.002"),
            "{text}"
        );
        assert_eq!(app.fake.as_ref().unwrap().stats().total.searches, searches);
        let bad = team::update_user(
            &app.state,
            &admin,
            member.id,
            UserChange::MonthlyBudget("lots".into()),
        )
        .await;
        assert!(bad.unwrap_err().to_string().contains("not a budget"));
    }
}

#[tokio::test]
async fn researching_a_company_again_is_admitted_under_the_monthly_budget() {
    let app = spawn_app_with_fake(
        crate::helpers::Backend::Sqlite,
        FakeConfig::default(),
        &[("MONTHLY_BUDGET_USD", "0.02")],
    )
    .await;
    // Started by the engine itself (the budget would not admit a second job after it).
    let job = crate::engine::submit(&app, "iaas", &["Anthropc"]).await;
    wait_finished(&app, job, Duration::from_secs(30)).await;
    let typo = rows(&app, job).await.remove(0);
    assert_eq!(typo.review.as_deref(), Some("unverified"));
    let searches = app.fake.as_ref().unwrap().stats().total.searches;

    let response = app
        .client
        .post(app.url(&format!("/api/jobs/{job}/companies/{}/research", typo.id)))
        .json(&serde_json::json!({"name": "Anthropic"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("This research is estimated at $") && text.contains("of $0.020"),
        "{text}"
    );
    let unchanged = rows(&app, job).await.remove(0);
    assert_eq!(
        (unchanged.name.as_str(), unchanged.status.as_str()),
        ("Anthropc", "failed")
    );
    assert_eq!(
        app.fake.as_ref().unwrap().stats().total.searches,
        searches,
        "nothing was bought"
    );
}
