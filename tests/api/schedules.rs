//! Schedules: set up and stopped through REST with precise refusals; a due
//! run starts once however many callers race for it, runs the latest run's
//! list as a new job linked to it, and moves the schedule on; a run the
//! monthly budget cannot cover does not start and says why; with two server
//! processes on PostgreSQL a due schedule fires once, and a restarted
//! instance does not fire it again.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;
use territory_planner::{
    domain::account::Role,
    server::{
        db::{self, jobs, schedules},
        fake_upstream::{FakeConfig, FakeUpstream},
        services,
    },
};

use crate::{
    engine::{new_job, submit, wait_finished, wait_finished_in},
    helpers::{
        TestApp, TestDatabase, backends, client_with_token, create_user, spawn_app_with_fake,
    },
    processes::{Instance, LEASE_SECS, postgres},
};

const LIST: [&str; 3] = ["Anthropic", "Cohere", "Modal"];

async fn post_schedule(app: &TestApp, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
    let response = app
        .client
        .post(app.url("/api/schedules"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn schedules_are_set_up_listed_and_stopped_with_clear_refusals() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = submit(&app, "iaas", &LIST).await;

        for (body, expected) in [
            (json!({"job_id": job, "every_days": 0}), "1 to 366"),
            (json!({"job_id": job, "every_days": 400}), "1 to 366"),
            (
                json!({"job_id": job, "every_days": 90, "budget_usd": -1.0}),
                "not a budget",
            ),
            (
                json!({"job_id": job, "every_days": 90, "first_run_at": "2020-01-01"}),
                "in the past",
            ),
            (
                json!({"job_id": job, "every_days": 90, "first_run_at": "soon"}),
                "not a date",
            ),
            (json!({"job_id": job}), "every_days"),
        ] {
            let (status, answer) = post_schedule(&app, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert!(
                answer["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(expected),
                "{body}: {answer}"
            );
        }
        let (status, answer) =
            post_schedule(&app, json!({"job_id": 999_999, "every_days": 90})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");

        let before = Utc::now();
        let (status, created) = post_schedule(
            &app,
            json!({"job_id": job, "every_days": 90, "budget_usd": 2.5}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let next: chrono::DateTime<Utc> = created["next_run_at"].as_str().unwrap().parse().unwrap();
        assert!(
            next >= before + chrono::Duration::days(90),
            "one gap from now: {created}"
        );
        assert_eq!(created["budget_usd"], 2.5);
        assert_eq!(created["runs"], 0);
        assert_eq!(created["can_stop"], true);
        let id = created["id"].as_i64().unwrap();

        let (status, list) = app.call(Method::GET, "/api/schedules").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["job_id"], job);

        // A member may see the team's schedules but not stop someone else's.
        let member = create_user(&app.state, Role::Member, "member@example.com").await;
        let as_member = client_with_token(&member.token);
        let listed = as_member
            .get(app.url("/api/schedules"))
            .send()
            .await
            .unwrap();
        let listed: serde_json::Value = listed.json().await.unwrap();
        assert_eq!(listed[0]["can_stop"], false, "{listed}");
        let refused = as_member
            .delete(app.url(&format!("/api/schedules/{id}")))
            .header("origin", app.origin())
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let text = refused.text().await.unwrap();
        assert!(text.contains("who set up this schedule"), "{text}");

        let (status, _) = app
            .call(Method::DELETE, &format!("/api/schedules/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, answer) = app
            .call(Method::DELETE, &format!("/api/schedules/{id}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
        let (_, list) = app.call(Method::GET, "/api/schedules").await;
        assert_eq!(list, json!([]));
    }
}

#[tokio::test]
async fn a_due_run_starts_once_runs_the_latest_list_and_moves_the_schedule_on() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let first = submit(&app, "iaas", &LIST).await;
        wait_finished(&app, first, Duration::from_secs(30)).await;
        let searches = app.fake.as_ref().unwrap().stats().total.searches;

        let (status, created) = post_schedule(
            &app,
            json!({"job_id": first, "every_days": 7, "first_run_at": Utc::now().to_rfc3339()}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let id = created["id"].as_i64().unwrap() as i32;
        let due_at = schedules::find(&app.state.db, id)
            .await
            .unwrap()
            .unwrap()
            .next_run_at;

        // Four callers race for the due run (the app's own scheduler is a fifth).
        let now = Utc::now();
        let racers: Vec<_> = (0..4)
            .map(|_| {
                let state = app.state.clone();
                tokio::spawn(
                    async move { services::schedules::run_due(&state, now).await.unwrap() },
                )
            })
            .collect();
        for racer in racers {
            racer.await.unwrap();
        }
        // The scheduler may have been first: wait until the schedule has moved on.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let moved = loop {
            let row = schedules::find(&app.state.db, id).await.unwrap().unwrap();
            if row.next_run_at > due_at {
                break row;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the schedule did not move on"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(
            schedules::runs(&app.state.db, id).await.unwrap(),
            1,
            "the due run started once"
        );
        let second = moved.last_job_id.expect("the run is recorded");
        assert_eq!(moved.last_error, None);
        assert_eq!(
            moved.next_run_at,
            due_at + chrono::Duration::days(7),
            "it keeps its rhythm"
        );
        let run = jobs::find(&app.state.db, second).await.unwrap().unwrap();
        assert_eq!(run.previous_job_id, Some(first));
        assert_eq!(run.schedule_id, Some(id));
        assert_eq!(run.scheduled_for, Some(due_at));
        wait_finished(&app, second, Duration::from_secs(30)).await;
        assert_eq!(
            app.fake.as_ref().unwrap().stats().total.searches,
            searches,
            "the cache's TTL decides what is searched again: nothing, a minute later"
        );

        // Not due again for a week.
        assert_eq!(
            services::schedules::run_due(&app.state, Utc::now())
                .await
                .unwrap(),
            0
        );
        // A week later, the next run repeats the latest run's list and compares with it.
        let later = moved.next_run_at + chrono::Duration::seconds(1);
        assert_eq!(
            services::schedules::run_due(&app.state, later)
                .await
                .unwrap(),
            1
        );
        let again = schedules::find(&app.state.db, id).await.unwrap().unwrap();
        let third = again.last_job_id.unwrap();
        assert_ne!(third, second);
        let third_row = jobs::find(&app.state.db, third).await.unwrap().unwrap();
        assert_eq!(third_row.previous_job_id, Some(second));
        wait_finished(&app, third, Duration::from_secs(30)).await;
        let (_, listed) = app.call(Method::GET, "/api/schedules").await;
        assert_eq!(listed[0]["runs"], 2, "{listed}");
        assert_eq!(listed[0]["last_job_id"], third, "{listed}");
    }
}

#[tokio::test]
async fn a_run_the_monthly_budget_cannot_cover_does_not_start_and_says_why() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let first = submit(&app, "iaas", &LIST).await;
        wait_finished(&app, first, Duration::from_secs(30)).await;
        // An admin sets a team budget below what one re-run of the list costs.
        let (status, set) = {
            let response = app
                .client
                .put(app.url("/api/budgets"))
                .json(&json!({"team_usd": 0.001, "each_account_usd": null}))
                .send()
                .await
                .unwrap();
            let status = response.status();
            (status, response.json::<serde_json::Value>().await.unwrap())
        };
        assert_eq!(status, StatusCode::OK, "{set}");
        assert_eq!(set["team_usd"], 0.001);
        let searches = app.fake.as_ref().unwrap().stats().total.searches;

        let (_, created) = post_schedule(
            &app,
            json!({"job_id": first, "every_days": 30, "first_run_at": Utc::now().to_rfc3339()}),
        )
        .await;
        let id = created["id"].as_i64().unwrap() as i32;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let skipped = loop {
            let row = schedules::find(&app.state.db, id).await.unwrap().unwrap();
            if row.last_run_at.is_some() {
                break row;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the due run was not tried"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let reason = skipped.last_error.expect("the reason is kept");
        assert!(
            reason.contains("monthly budget") && reason.contains("$0.001"),
            "{reason}"
        );
        assert_eq!(skipped.last_job_id, None);
        assert_eq!(schedules::runs(&app.state.db, id).await.unwrap(), 0);
        assert!(
            skipped.next_run_at > Utc::now() + chrono::Duration::days(29),
            "the next run is still planned"
        );
        assert_eq!(
            app.fake.as_ref().unwrap().stats().total.searches,
            searches,
            "nothing was bought"
        );
        let (_, listed) = app.call(Method::GET, "/api/schedules").await;
        assert!(
            listed[0]["last_error"]
                .as_str()
                .unwrap()
                .contains("monthly budget"),
            "{listed}"
        );
    }
}

#[tokio::test]
async fn a_schedule_fires_once_across_two_instances_and_not_again_after_a_restart() {
    let Some(backend) = postgres() else {
        eprintln!("TEST_POSTGRES_URL is not set: several instances need PostgreSQL");
        return;
    };
    let database = TestDatabase::new(backend).await;
    let conn = db::connect_and_migrate(&database.url).await.unwrap();
    let fake = FakeUpstream::start(FakeConfig::default(), None)
        .await
        .unwrap();
    let first = jobs::create(&conn, new_job("iaas", &LIST)).await.unwrap();

    // The first job runs on one instance; then both look for due schedules every 200 ms.
    let a = Instance::start(&database.url, &fake, LEASE_SECS);
    wait_finished_in(&conn, first.id, Duration::from_secs(60)).await;
    let b = Instance::start(&database.url, &fake, LEASE_SECS);
    let schedule = schedules::create(
        &conn,
        schedules::NewSchedule {
            job_id: first.id,
            every_days: 90,
            first_run_at: Utc::now() + chrono::Duration::seconds(1),
            budget_usd: None,
            created_by: None,
            created_by_name: "Local user".into(),
        },
    )
    .await
    .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let moved = loop {
        let row = schedules::find(&conn, schedule.id).await.unwrap().unwrap();
        if row.next_run_at > schedule.next_run_at {
            break row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no instance fired the schedule"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let run = moved.last_job_id.expect("a run started");
    wait_finished_in(&conn, run, Duration::from_secs(60)).await;
    // Both instances kept looking for a few more rounds.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        schedules::runs(&conn, schedule.id).await.unwrap(),
        1,
        "fired once"
    );

    // Restarted, an instance finds the schedule where it was and does not fire it again.
    drop(a);
    drop(b);
    let _c = Instance::start(&database.url, &fake, LEASE_SECS);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let kept = schedules::find(&conn, schedule.id).await.unwrap().unwrap();
    assert_eq!(kept.next_run_at, moved.next_run_at);
    assert_eq!(schedules::runs(&conn, schedule.id).await.unwrap(), 1);
    let row = jobs::find(&conn, run).await.unwrap().unwrap();
    assert_eq!(row.previous_job_id, Some(first.id));
    assert_eq!(row.status, "completed");
}

#[tokio::test]
async fn a_schedule_whose_list_was_deleted_says_so_instead_of_running() {
    let app =
        spawn_app_with_fake(crate::helpers::Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = submit(&app, "iaas", &LIST).await;
    wait_finished(&app, job, Duration::from_secs(30)).await;
    let (status, created) = post_schedule(&app, json!({"job_id": job, "every_days": 90})).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let (status, _) = app.call(Method::DELETE, &format!("/api/jobs/{job}")).await;
    assert_eq!(status, StatusCode::OK);

    let id = created["id"].as_i64().unwrap() as i32;
    let due = schedules::find(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .next_run_at;
    let later = due + chrono::Duration::seconds(1);
    assert_eq!(
        services::schedules::run_due(&app.state, later)
            .await
            .unwrap(),
        0
    );
    let row = schedules::find(&app.state.db, id).await.unwrap().unwrap();
    let reason = row.last_error.unwrap();
    assert!(
        reason.contains(&format!("job #{job} and its runs were deleted")),
        "{reason}"
    );
    let (_, listed) = app.call(Method::GET, "/api/schedules").await;
    assert_eq!(
        listed[0]["job_name"],
        format!("Job {job} (deleted)"),
        "{listed}"
    );
}
