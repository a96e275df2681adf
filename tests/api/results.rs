//! A job's results as a query: the REST endpoint, the job page's server
//! function and the CSV export answer the same filter with the same rows;
//! evidence loads with its company; the event stream carries counts, not rows;
//! a small job is served in turn during a big one.

use std::time::Duration;

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use territory_planner::{
    domain::{
        job::CompanyStatus,
        rubric::PriorityTier,
        table::{CompanyPage, CompanyQuery, CompanyRow, JobSnapshot, Order, SortKey},
        views::{CompanyView, JobDetail},
    },
    server::{db::jobs, fake_upstream::FakeConfig},
};

use crate::{
    engine::{V1_FAILURE_CASES, V1_SAMPLE, submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app_with, spawn_app_with_fake},
};

const WAIT: Duration = Duration::from_secs(60);

/// The v1 sample, its failure cases and a few more: every tier and both
/// completed and failed companies.
async fn mixed_job(app: &TestApp) -> i32 {
    let mut names: Vec<String> = V1_SAMPLE.iter().map(|s| s.to_string()).collect();
    names.extend(V1_FAILURE_CASES.iter().map(|s| s.to_string()));
    names.extend((1..=15).map(|i| format!("Benchmark Co {i:04}")));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let id = submit(app, "iaas", &names).await;
    wait_finished(app, id, WAIT).await;
    id
}

/// Every row the REST endpoint gives for the query, page by page.
async fn rest_rows(app: &TestApp, job: i32, query: &CompanyQuery) -> (Vec<CompanyRow>, u64) {
    let mut rows = Vec::new();
    let mut query = CompanyQuery {
        skip: 0,
        limit: Some(7),
        ..query.clone()
    };
    loop {
        let path = format!("/api/jobs/{job}/companies?{}", query.to_query_string(true));
        let (status, body) = app.call(Method::GET, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let page: CompanyPage = serde_json::from_value(body).unwrap();
        let done = page.rows.len() < 7;
        rows.extend(page.rows);
        if done || rows.len() as u64 >= page.matching {
            return (rows, page.matching);
        }
        query.skip += 7;
    }
}

/// The job page's rows: its server function, one big page.
async fn page_rows(app: &TestApp, job: i32, query: &CompanyQuery) -> Vec<CompanyRow> {
    let mut form = vec![
        ("id".to_string(), job.to_string()),
        ("query[skip]".into(), "0".into()),
        ("query[limit]".into(), "500".into()),
        ("query[sort]".into(), query.sort.as_str().into()),
        (
            "query[order]".into(),
            if query.order == Order::Desc {
                "desc"
            } else {
                "asc"
            }
            .into(),
        ),
    ];
    if let Some(tier) = query.tier {
        form.push(("query[tier]".into(), tier.as_str().into()));
    }
    if let Some(status) = query.status {
        form.push(("query[status]".into(), status.as_str().into()));
    }
    if query.review {
        form.push(("query[review]".into(), "true".into()));
    }
    if let Some(q) = &query.q {
        form.push(("query[q]".into(), q.clone()));
    }
    let response = app
        .client
        .post(app.url("/fn/jobs/companies"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<CompanyPage>().await.unwrap().rows
}

/// The export of the query: (rank, name) per CSV row.
async fn exported(app: &TestApp, job: i32, query: &CompanyQuery) -> Vec<(u32, String)> {
    let response = app
        .client
        .get(app.url(&query.export_href(job)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].to_string())
        })
        .collect()
}

fn random_query(rng: &mut fastrand::Rng) -> CompanyQuery {
    const SORTS: [SortKey; 9] = [
        SortKey::Rank,
        SortKey::Name,
        SortKey::Priority,
        SortKey::UseCase,
        SortKey::Funding,
        SortKey::Score,
        SortKey::Cache,
        SortKey::Confidence,
        SortKey::Status,
    ];
    // Text that a hand-built link or a careless LIKE gets wrong, and text that matches.
    const TEXT: [&str; 12] = [
        "ai", "AI", "co 00", "%", "_", "#", "+", "a=b", "&", "inc", "san", "100%",
    ];
    CompanyQuery {
        skip: 0,
        limit: None,
        sort: SORTS[rng.usize(..SORTS.len())],
        order: if rng.bool() { Order::Asc } else { Order::Desc },
        tier: rng.bool().then(|| PriorityTier::ALL[rng.usize(..4)]),
        status: (rng.u8(..4) == 0)
            .then(|| [CompanyStatus::Completed, CompanyStatus::Failed][rng.usize(..2)]),
        review: rng.u8(..5) == 0,
        q: rng
            .bool()
            .then(|| TEXT[rng.usize(..TEXT.len())].to_string()),
    }
}

#[tokio::test]
async fn the_endpoint_the_job_page_and_the_export_agree_on_random_filters() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = mixed_job(&app).await;
        let detail: JobDetail =
            serde_json::from_value(app.get_json(&format!("/api/jobs/{job}")).await).unwrap();
        let mut rng = fastrand::Rng::with_seed(9);
        let mut non_empty = 0;
        for _ in 0..30 {
            let query = random_query(&mut rng);
            let (rest, matching) = rest_rows(&app, job, &query).await;
            let page = page_rows(&app, job, &query).await;
            let file = exported(&app, job, &query).await;
            let ranked = |rows: &[CompanyRow]| -> Vec<(u32, String)> {
                rows.iter().map(|r| (r.rank, r.name.clone())).collect()
            };
            assert_eq!(ranked(&rest), ranked(&page), "{backend:?} {query:?}");
            assert_eq!(ranked(&rest), file, "{backend:?} {query:?}");
            assert_eq!(rest.len() as u64, matching, "{query:?}");
            // The same filter applied by hand to v1's whole answer.
            let mut expected: Vec<String> = detail
                .companies
                .iter()
                .filter(|c| query.keeps(&row_of(c), c.description.as_deref()))
                .map(|c| c.name.clone())
                .collect();
            let mut got: Vec<String> = rest.iter().map(|r| r.name.clone()).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{backend:?} {query:?}");
            non_empty += usize::from(!rest.is_empty());
        }
        assert!(non_empty >= 10, "the random filters matched too little");
    }
}

/// v1's detail of a company as the row the filter reads.
fn row_of(c: &CompanyView) -> CompanyRow {
    CompanyRow {
        rank: 0,
        id: c.id,
        name: c.name.clone(),
        website: c.website.clone(),
        industry: c.industry.clone(),
        headquarters: c.headquarters.clone(),
        status: c.status,
        stage: c.stage,
        priority_tier: c.priority_tier,
        model_tier: c.tier_override.as_ref().and_then(|o| o.model_tier),
        review: c.review,
        score_total: c.score_total,
        use_case_tier: c.gpu_use_case_tier.clone(),
        funding_millions: c.funding_millions,
        total_funding: c.total_funding.clone(),
        cache_hit: c.cache_hit,
        validation_confidence: c.validation_confidence,
        error_message: c.error_message.clone(),
    }
}

#[tokio::test]
async fn rows_keep_their_overall_rank_and_sort_on_every_column() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = mixed_job(&app).await;
    let (all, _) = rest_rows(&app, job, &CompanyQuery::default()).await;
    let ranks: Vec<u32> = all.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, (1..=all.len() as u32).collect::<Vec<_>>());
    let scores: Vec<i32> = all.iter().map(|r| r.score_total.unwrap_or(-1)).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let by_name = CompanyQuery {
        sort: SortKey::Name,
        ..Default::default()
    };
    let (named, _) = rest_rows(&app, job, &by_name).await;
    let names: Vec<String> = named.iter().map(|r| r.name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    let hot_first = CompanyQuery {
        sort: SortKey::Priority,
        tier: Some(PriorityTier::Hot),
        ..Default::default()
    };
    let (hot, _) = rest_rows(&app, job, &hot_first).await;
    assert!(!hot.is_empty());
    assert!(
        hot.iter()
            .all(|r| r.priority_tier == Some(PriorityTier::Hot))
    );
    let reversed = CompanyQuery {
        order: Order::Desc,
        ..Default::default()
    };
    let (backwards, _) = rest_rows(&app, job, &reversed).await;
    assert_eq!(backwards.first().map(|r| r.rank), Some(all.len() as u32));
}

#[tokio::test]
async fn bad_queries_get_a_400_that_names_the_parameter() {
    let app = spawn_app_with(Backend::Sqlite, &[]).await;
    let job = submit(&app, "iaas", &["Anthropic"]).await;
    for (query, says) in [
        ("tier=LUKEWARM", "tier"),
        ("status=done", "status"),
        ("sort=colour", "sort"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("skip=-1", "skip"),
    ] {
        let (status, body) = app
            .call(Method::GET, &format!("/api/jobs/{job}/companies?{query}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(says), "{query}: {detail}");
        let (status, _) = app
            .call(Method::GET, &format!("/api/jobs/{job}/export?{query}"))
            .await;
        assert!(
            status == StatusCode::BAD_REQUEST || query.starts_with("limit"),
            "{query}"
        );
    }
    let (status, _) = app.call(Method::GET, "/api/jobs/9999/companies").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_jobs_detail_lists_sources_and_the_company_brings_its_evidence() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = mixed_job(&app).await;
        let other = submit(&app, "iaas", &["Cohere"]).await;
        let raw = app.get_json(&format!("/api/jobs/{job}")).await;
        let companies = raw["companies"].as_array().unwrap();
        let scored = companies
            .iter()
            .find(|c| c["status"] == "completed" && !c["sources"].as_array().unwrap().is_empty())
            .expect("a scored company with sources");
        for source in scored["sources"].as_array().unwrap() {
            assert!(source["url"].is_string() && source["title"].is_string());
            assert!(source["relevance"].is_number());
            assert!(source.get("excerpt").is_none(), "{source}");
        }
        assert!(scored.get("score_breakdown").is_none());
        // v1's fields are all still there.
        for field in [
            "gpu_use_case_tier",
            "score_total",
            "priority_tier",
            "gpu_analysis_reasoning",
        ] {
            assert!(scored.get(field).is_some(), "{field}");
        }

        let company_id = scored["id"].as_i64().unwrap();
        let full: CompanyView = serde_json::from_value(
            app.get_json(&format!("/api/jobs/{job}/companies/{company_id}"))
                .await,
        )
        .unwrap();
        assert!(full.sources.iter().all(|s| !s.excerpt.is_empty()));
        assert_eq!(
            full.score_breakdown.as_ref().map(|b| b.len()),
            Some(4),
            "{backend:?}"
        );
        let (status, _) = app
            .call(
                Method::GET,
                &format!("/api/jobs/{other}/companies/{company_id}"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a company of another job");
    }
}

/// Server-sent events from one open connection.
struct Events {
    stream:
        std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, job: i32) -> Self {
        let response = app
            .client
            .get(app.url(&format!("/api/jobs/{job}/events")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        Self {
            stream: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event with JSON data: its name and data.
    async fn next(&mut self) -> (String, serde_json::Value) {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if let Ok(value) = serde_json::from_str(&data) {
                    return (name, value);
                }
            }
            let chunk = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("an event in time")
                .expect("the stream stays open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn the_event_stream_sends_the_counts_not_the_rows_at_every_connect() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = mixed_job(&app).await;
    for connect in 0..2 {
        let (name, data) = Events::open(&app, job).await.next().await;
        assert_eq!(name, "snapshot", "connect {connect}");
        assert!(data.get("companies").is_none(), "{data}");
        assert!(
            data.to_string().len() < 2_000,
            "{} bytes",
            data.to_string().len()
        );
        let snapshot: JobSnapshot = serde_json::from_value(data).unwrap();
        assert_eq!(snapshot.job.id, job);
        assert_eq!(
            snapshot.tiers.scored() as i32,
            snapshot.job.completed_companies,
            "every completed company has a tier"
        );
    }
}

#[tokio::test]
async fn job_events_carry_the_tier_counts_while_a_job_runs() {
    let fake = FakeConfig {
        llm_latency: (Duration::from_millis(30), Duration::from_millis(30)),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(Backend::Sqlite, fake, &[]).await;
    let job = submit(&app, "iaas", &["Anthropic", "Cohere", "Modal"]).await;
    let mut events = Events::open(&app, job).await;
    assert_eq!(events.next().await.0, "snapshot");
    let mut company_events = 0;
    let finished = loop {
        let (name, data) = events.next().await;
        assert!(data.get("companies").is_none());
        match name.as_str() {
            "company" => company_events += 1,
            "job" if data["status"] == "completed" => break data,
            _ => {}
        }
    };
    assert!(company_events > 0, "stage changes are sent as they happen");
    let tiers: u64 = ["hot", "warm", "watch", "cold"]
        .iter()
        .map(|t| finished["tiers"][t].as_u64().unwrap())
        .sum();
    assert_eq!(tiers, finished["completed"].as_u64().unwrap());
    assert_eq!(finished["completed"], 3);
}

#[tokio::test]
async fn a_small_job_started_during_a_big_one_is_served_in_turn() {
    let fake = FakeConfig {
        search_latency: (Duration::from_millis(5), Duration::from_millis(5)),
        llm_latency: (Duration::from_millis(25), Duration::from_millis(25)),
        ..FakeConfig::default()
    };
    let limits = [("SEARCH_CONCURRENCY", "4"), ("LLM_CONCURRENCY", "2")];
    let app = spawn_app_with_fake(Backend::Sqlite, fake, &limits).await;
    let names: Vec<String> = (1..=160).map(|i| format!("Benchmark Co {i:04}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let big = submit(&app, "iaas", &names).await;
    // Let the big job fill every queue first.
    loop {
        let job = jobs::find(&app.state.db, big).await.unwrap().unwrap();
        if job.completed_companies + job.failed_companies >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let small = submit(&app, "iaas", &["Anthropic"]).await;
    wait_finished(&app, small, WAIT).await;
    let big_job = jobs::find(&app.state.db, big).await.unwrap().unwrap();
    let done = big_job.completed_companies + big_job.failed_companies;
    // First come, first served, the small job would wait for the whole big one.
    assert!(
        done < 80,
        "the small job finished only after {done} of the big job's 160 companies"
    );
    wait_finished(&app, big, WAIT).await;
}

#[tokio::test]
async fn the_job_page_renders_one_page_of_rows_and_answers_go_out_compressed() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let names: Vec<String> = (1..=150).map(|i| format!("Benchmark Co {i:04}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let job = submit(&app, "iaas", &names).await;
    wait_finished(&app, job, WAIT).await;

    let html = app.get_text(&format!("/jobs/{job}")).await;
    assert_eq!(
        html.matches("data-company=").count(),
        100,
        "the first page only"
    );
    assert!(html.contains("1–100 of 150"), "the pager says where we are");
    assert!(
        !html.contains("Evidence excerpt"),
        "evidence loads when a row opens"
    );

    let gzip = |path: String| {
        app.client
            .get(app.url(&path))
            .header("accept-encoding", "gzip")
            .send()
    };
    for path in [
        format!("/jobs/{job}"),
        format!("/api/jobs/{job}"),
        format!("/api/jobs/{job}/companies"),
        format!("/api/jobs/{job}/export"),
    ] {
        let response = gzip(path.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some("gzip"),
            "{path}"
        );
    }
    let events = gzip(format!("/api/jobs/{job}/events")).await.unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert!(
        events.headers().get("content-encoding").is_none(),
        "server-sent events are never buffered by a compressor"
    );
}
