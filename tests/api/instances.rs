//! Several instances on one PostgreSQL database, as real OS processes of the
//! server binary: one is frozen past its lease (SIGSTOP), one is killed
//! (kill -9) and started again, one is stopped cleanly (SIGTERM), while a
//! browser-like client listens to the job's events on another.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use sea_orm::DatabaseConnection;
use territory_planner::server::{
    db::{self, companies, entities::company, jobs},
    fake_upstream::{FakeConfig, FakeUpstream},
};

use crate::{
    engine::new_job,
    helpers::TestDatabase,
    processes::{Instance, LEASE_SECS, LLM_LIMIT, Listener, SEARCH_LIMIT, names, postgres},
};

/// A fresh database and a fake upstream with 100 to 150 ms searches and
/// LLM calls of `llm_ms`.
async fn setting(
    backend: crate::helpers::Backend,
    llm_ms: (u64, u64),
) -> (TestDatabase, DatabaseConnection, FakeUpstream) {
    let database = TestDatabase::new(backend).await;
    let conn = db::connect_and_migrate(&database.url).await.unwrap();
    let fake = FakeUpstream::start(
        FakeConfig {
            search_latency: (Duration::from_millis(100), Duration::from_millis(150)),
            llm_latency: (
                Duration::from_millis(llm_ms.0),
                Duration::from_millis(llm_ms.1),
            ),
            ..FakeConfig::default()
        },
        None,
    )
    .await
    .unwrap();
    (database, conn, fake)
}

async fn rows(conn: &DatabaseConnection, job_id: i32) -> Vec<company::Model> {
    companies::for_job(conn, job_id).await.unwrap()
}

/// Companies an instance holds now (claimed, not finished).
async fn held_by(conn: &DatabaseConnection, job_id: i32, instance: &Instance) -> BTreeSet<String> {
    rows(conn, job_id)
        .await
        .into_iter()
        .filter(|c| {
            c.lease_until.is_some() && matches!(c.status.as_str(), "pending" | "researching")
        })
        .filter(|c| {
            c.claimed_by
                .as_deref()
                .is_some_and(|by| by.contains(&instance.marker()))
        })
        .map(|c| c.name)
        .collect()
}

async fn wait_for_completed(conn: &DatabaseConnection, job_id: i32, at_least: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let done = rows(conn, job_id)
            .await
            .iter()
            .filter(|c| c.status == "completed")
            .count();
        if done >= at_least {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stuck at {done} completed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_a_job_through_a_stall_and_a_kill() {
    let Some(backend) = postgres() else {
        eprintln!("TEST_POSTGRES_URL is not set: several instances need PostgreSQL");
        return;
    };
    let (database, conn, fake) = setting(backend, (150, 250)).await;
    let all = names(300);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();

    let a = Instance::start(&database.url, &fake, LEASE_SECS);
    let mut b = Instance::start(&database.url, &fake, LEASE_SECS);
    let c = Instance::start(&database.url, &fake, LEASE_SECS);
    // Written to the database: the instances find the job by themselves.
    let job = jobs::create(&conn, new_job("iaas", &refs)).await.unwrap();
    let listener = Listener::connect(&c.addr, job.id).await;

    wait_for_completed(&conn, job.id, 60).await;
    a.signal("-STOP");
    // What it holds while frozen (its leases have not run out yet).
    tokio::time::sleep(Duration::from_millis(100)).await;
    let held_at_stall = held_by(&conn, job.id, &a).await;
    // Frozen for more than two leases: the others take its companies over.
    tokio::time::sleep(Duration::from_millis(4_900)).await;
    a.signal("-CONT");

    wait_for_completed(&conn, job.id, 150).await;
    b.signal("-KILL");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let held_at_kill = held_by(&conn, job.id, &b).await;
    let b_marker = b.marker();
    b = Instance::start(&database.url, &fake, LEASE_SECS);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut statuses = Vec::new();
    let finished = loop {
        let row = jobs::find(&conn, job.id).await.unwrap().unwrap();
        statuses.push(row.status.clone());
        if row.status != "running" && row.status != "pending" {
            break row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Once finished, it stays finished.
    for _ in 0..20 {
        let row = jobs::find(&conn, job.id).await.unwrap().unwrap();
        statuses.push(row.status);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first_end = statuses.iter().position(|s| s == "completed").unwrap();
    assert!(
        statuses[first_end..].iter().all(|s| s == "completed"),
        "{statuses:?}"
    );
    assert_eq!(finished.status, "completed");

    let rows = rows(&conn, job.id).await;
    assert!(
        rows.iter().all(|c| c.status == "completed"),
        "every company completed"
    );
    let stats = fake.stats();
    let in_flight: BTreeSet<&String> = held_at_stall.iter().chain(&held_at_kill).collect();
    let mut twice = BTreeMap::new();
    for name in &all {
        let calls = stats.by_company.get(name).cloned().unwrap_or_default();
        if (calls.searches, calls.validations, calls.scorings) != (1, 1, 1) {
            twice.insert(name.clone(), calls);
        }
    }
    println!(
        "{} companies: {} held by the frozen instance, {} by the killed one; called more than once: {twice:?}",
        all.len(),
        held_at_stall.len(),
        held_at_kill.len()
    );
    for (name, calls) in &twice {
        assert!(
            in_flight.contains(name),
            "{name} was researched again though no stopped instance held it: {calls:?}"
        );
        assert!(
            calls.scorings <= 2 && calls.searches <= 2,
            "{name}: {calls:?}"
        );
    }
    // What the upstream served, all charged; at most a killed instance's
    // search slots more (charged as they went out, killed before they left).
    let served = 2.0 * stats.total.searches as f64;
    assert!(
        finished.tavily_credits >= served
            && finished.tavily_credits <= served + 2.0 * SEARCH_LIMIT as f64,
        "the job's credits are what the upstream served: {} charged, {served} served",
        finished.tavily_credits
    );
    println!(
        "credits charged {}, served {served}",
        finished.tavily_credits
    );
    assert!(
        stats.peak_searches_in_flight <= SEARCH_LIMIT && stats.peak_llm_in_flight <= LLM_LIMIT,
        "the limits hold across instances: {} searches, {} LLM calls at once",
        stats.peak_searches_in_flight,
        stats.peak_llm_in_flight
    );
    let did = |marker: &str| {
        rows.iter()
            .filter(|r| {
                r.claimed_by
                    .as_deref()
                    .is_some_and(|by| by.contains(marker))
            })
            .count()
    };
    let (by_a, by_b, by_c) = (
        did(&a.marker()),
        did(&b_marker) + did(&b.marker()),
        did(&c.marker()),
    );
    println!("completed by A {by_a}, B (before and after its restart) {by_b}, C {by_c}");
    assert!(
        by_a > 0 && by_b > 0 && by_c > 0,
        "each instance did part of the work"
    );

    let heard = listener.completed();
    let researched_elsewhere: BTreeSet<i32> = rows
        .iter()
        .filter(|r| {
            !r.claimed_by
                .as_deref()
                .is_some_and(|by| by.contains(&c.marker()))
        })
        .map(|r| r.id)
        .collect();
    let relayed = heard.intersection(&researched_elsewhere).count();
    println!(
        "C's event stream heard {} of the {} companies others completed",
        relayed,
        researched_elsewhere.len()
    );
    // Only what the killed instance had not yet published may be missing.
    assert!(
        relayed + 10 >= researched_elsewhere.len(),
        "{relayed} of {}",
        researched_elsewhere.len()
    );
    listener.task.abort();
    drop((a, b, c));
    conn.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_instance_ends_its_streams_and_hands_its_companies_back_at_once() {
    let Some(backend) = postgres() else {
        eprintln!("TEST_POSTGRES_URL is not set: several instances need PostgreSQL");
        return;
    };
    let (database, conn, fake) = setting(backend, (300, 500)).await;
    // A lease far longer than the test: only a hand-back lets the other
    // instance resume the companies at once.
    let lease = "60";
    let a = Instance::start(&database.url, &fake, lease);
    let b = Instance::start(&database.url, &fake, lease);
    let all = names(80);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let job = jobs::create(&conn, new_job("iaas", &refs)).await.unwrap();
    let listener = Listener::connect(&a.addr, job.id).await;
    wait_for_completed(&conn, job.id, 10).await;
    let held = held_by(&conn, job.id, &a).await;
    assert!(!held.is_empty(), "the first instance works on the job");

    a.signal("-TERM");
    let mut a = a;
    let signalled = std::time::Instant::now();
    let deadline = signalled + Duration::from_secs(10);
    let exit = loop {
        if let Some(status) = a.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "SIGTERM with an event stream open: still running after 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    println!(
        "exited {:.2} s after SIGTERM, holding {} companies",
        signalled.elapsed().as_secs_f64(),
        held.len()
    );
    assert!(exit.success(), "{exit:?}");
    let still_held = held_by(&conn, job.id, &a).await;
    assert!(still_held.is_empty(), "handed back: {still_held:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let heard = listener.heard();
    assert_eq!(
        heard.last().map(|(name, _)| name.as_str()),
        Some("reconnect"),
        "the stream ends by telling the page to reconnect"
    );
    assert!(listener.task.is_finished(), "the stream ended");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(45);
    loop {
        let row = jobs::find(&conn, job.id).await.unwrap().unwrap();
        if row.status == "completed" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the other instance did not resume the job ({})",
            row.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = rows(&conn, job.id).await;
    let resumed = rows
        .iter()
        .filter(|r| held.contains(&r.name))
        .filter(|r| {
            r.claimed_by
                .as_deref()
                .is_some_and(|by| by.contains(&b.marker()))
        })
        .count();
    assert!(
        resumed > 0,
        "the other instance finished what the stopped one held"
    );
    assert!(rows.iter().all(|r| r.status == "completed"));
    drop(b);
    conn.close().await.ok();
}
