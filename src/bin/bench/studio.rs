//! The ICP studio's figures: a finished job re-scored with another rubric
//! version (scoring calls only) against the LLM-only lower bound, then the
//! same re-score again (every score from the score cache).

use std::time::Instant;

use serde_json::json;

use crate::{client::Api, processes::Fake, row};

impl Api {
    /// A copy of the iaas rubric (a new version the score cache has never seen); its version id.
    async fn new_version(&self) -> i64 {
        let iaas = self.json("/api/rubrics/iaas").await;
        let copy: serde_json::Value = self
            .http
            .post(format!("{}/api/rubrics", self.url))
            .json(&json!({"clone_of": iaas["id"], "label": format!("Bench {}", fastrand::u32(..))}))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("the copy is made")
            .json()
            .await
            .expect("the version as JSON");
        copy["id"].as_i64().expect("a version id")
    }

    async fn rescore(&self, job: i64, version: i64) -> i64 {
        let new: serde_json::Value = self
            .http
            .post(format!("{}/api/jobs/{job}/rescore", self.url))
            .json(&json!({"version_id": version}))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("the re-score starts")
            .json()
            .await
            .expect("the job as JSON");
        new["id"].as_i64().expect("a job id")
    }
}

/// Re-scores finished job `job` of `n` companies twice with a new version.
pub async fn report(
    api: &Api,
    fake: &Fake,
    job: i64,
    n: usize,
    llm_s: f64,
    llm_concurrency: usize,
) {
    let version = api.new_version().await;
    let stats = fake.stats().await["total"].clone();
    let count = |s: &serde_json::Value, k: &str| s[k].as_u64().unwrap_or_default();
    let started = Instant::now();
    let first = api.rescore(job, version).await;
    let run = api.wait(first, started, None).await;
    let after = fake.stats().await["total"].clone();
    // One scoring call per company, `llm_concurrency` at a time.
    let bound = n as f64 * llm_s / llm_concurrency as f64;
    row(
        &format!("re-score of {n}"),
        format!(
            "{:.2} s, LLM-only lower bound {bound:.2} s: wall / bound {:.3} (bound 1.05); {} searches, {} scoring calls",
            run.wall,
            run.wall / bound,
            count(&after, "searches") - count(&stats, "searches"),
            count(&after, "scorings") - count(&stats, "scorings"),
        ),
    );
    let started = Instant::now();
    let again = api.rescore(job, version).await;
    let run = api.wait(again, started, None).await;
    let last = fake.stats().await["total"].clone();
    row(
        "  the same re-score again",
        format!(
            "{:.2} s (bound 2 s); {} searches, {} scoring calls",
            run.wall,
            count(&last, "searches") - count(&after, "searches"),
            count(&last, "scorings") - count(&after, "scorings"),
        ),
    );
}
