//! Notices: when a job finishes, fails, is cancelled or pauses, the instance
//! that ended or paused it (once, whichever it is) POSTs a JSON summary to
//! `WEBHOOK_URL`, and so does the instance that found a scheduled run could
//! not start: Slack-compatible `text` plus the structured fields, signed with
//! `WEBHOOK_SECRET` (HMAC-SHA256 over `"{t}.{body}"`, like Stripe's),
//! retried with a doubling back-off when the receiver fails.

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::Sha256;

use crate::domain::{budget::usd, job::JobStatus, rubric::PriorityTier, table::TierCounts};

/// Where notifications go, and the key that signs them.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub url: String,
    pub secret: Option<SecretString>,
    /// The app's address, for links to the job (`PUBLIC_URL`).
    pub public_url: Option<String>,
    /// Deliveries tried, at most, and the first wait between them.
    pub attempts: u32,
    pub first_wait: Duration,
}

/// The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC>`.
pub const SIGNATURE_HEADER: &str = "X-Territory-Planner-Signature";

/// What a receiver gets.
#[derive(Debug, Clone, Serialize)]
pub struct JobNotice {
    /// One line for people (Slack and its look-alikes show it as the message).
    pub text: String,
    /// `job.completed`, `job.failed`, `job.cancelled` or `job.paused`.
    pub event: String,
    pub job: JobSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct JobSummary {
    pub id: i32,
    pub name: String,
    pub status: JobStatus,
    pub total: i32,
    pub completed: i32,
    pub failed: i32,
    pub cancelled: i32,
    pub review: i32,
    pub tiers: TierCounts,
    pub cost_usd: f64,
    pub message: Option<String>,
    pub url: Option<String>,
}

impl JobNotice {
    pub fn new(job: JobSummary) -> Self {
        let tiers: Vec<String> = PriorityTier::ALL
            .iter()
            .map(|t| (t, job.tiers.get(*t)))
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| format!("{n} {}", t.as_str()))
            .collect();
        let mut text = format!(
            "Job #{} \"{}\" {}: {} of {} scored{}, {} failed, {} spent.",
            job.id,
            job.name,
            job.status.as_str(),
            job.completed,
            job.total,
            if tiers.is_empty() {
                String::new()
            } else {
                format!(" ({})", tiers.join(", "))
            },
            job.failed,
            usd(job.cost_usd)
        );
        if let Some(message) = &job.message {
            text.push(' ');
            text.push_str(message);
        }
        if let Some(url) = &job.url {
            text.push_str(&format!(" {url}"));
        }
        Self {
            text,
            event: format!("job.{}", job.status.as_str()),
            job,
        }
    }
}

/// A scheduled run that did not start, and why.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleNotice {
    pub text: String,
    /// `schedule.skipped`.
    pub event: String,
    pub schedule: ScheduleSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScheduleSummary {
    pub id: i32,
    pub job_id: i32,
    pub job_name: String,
    pub every_days: i32,
    pub next_run_at: chrono::DateTime<chrono::Utc>,
    pub reason: String,
    /// The Schedules page, with `PUBLIC_URL`.
    pub url: Option<String>,
}

impl ScheduleNotice {
    pub fn skipped(mut schedule: ScheduleSummary, public_url: Option<&str>) -> Self {
        schedule.url = public_url.map(|base| format!("{}/schedules", base.trim_end_matches('/')));
        let mut text = format!(
            "The scheduled run of \"{}\" did not start: {} The next run is due {}.",
            schedule.job_name,
            schedule.reason,
            schedule.next_run_at.format("%Y-%m-%d %H:%M UTC")
        );
        if let Some(url) = &schedule.url {
            text.push_str(&format!(" {url}"));
        }
        Self {
            text,
            event: "schedule.skipped".into(),
            schedule,
        }
    }
}

/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Sends the notice in the background, retrying a failed delivery;
/// `subject` ("job 12", "schedule 3") names it in the log.
pub fn deliver(
    client: reqwest::Client,
    settings: WebhookSettings,
    notice: impl Serialize + Send + 'static,
    subject: String,
) {
    tokio::spawn(async move {
        let body = serde_json::to_vec(&notice).expect("plain data serialises");
        let mut wait = settings.first_wait;
        for attempt in 1..=settings.attempts.max(1) {
            let mut request = client
                .post(&settings.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .timeout(Duration::from_secs(10))
                .body(body.clone());
            if let Some(secret) = &settings.secret {
                let now = chrono::Utc::now().timestamp();
                request = request.header(
                    SIGNATURE_HEADER,
                    signature(secret.expose_secret(), now, &body),
                );
            }
            match request.send().await {
                Ok(answer) if answer.status().is_success() => return,
                Ok(answer) => tracing::warn!(
                    %subject,
                    attempt,
                    status = answer.status().as_u16(),
                    "the webhook refused a notice"
                ),
                Err(error) => tracing::warn!(
                    %subject,
                    attempt,
                    error = %error.without_url(),
                    "could not deliver a notice to the webhook"
                ),
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
        tracing::error!(%subject, "gave up delivering a notice to the webhook");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_and_body() {
        // RFC 4231-style check against a value computed independently (Python's hmac module).
        assert_eq!(
            signature("s3cret", 1_700_000_000, b"{\"a\":1}"),
            "t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
        );
    }

    #[test]
    fn the_text_says_what_happened_in_one_line() {
        let notice = JobNotice::new(JobSummary {
            id: 7,
            name: "Q3 list".into(),
            status: JobStatus::Completed,
            total: 20,
            completed: 18,
            failed: 2,
            cancelled: 0,
            review: 1,
            tiers: TierCounts {
                hot: 4,
                warm: 6,
                watch: 0,
                cold: 0,
            },
            cost_usd: 0.412,
            message: None,
            url: Some("https://planner.example.com/jobs/7".into()),
        });
        assert_eq!(notice.event, "job.completed");
        assert_eq!(
            notice.text,
            "Job #7 \"Q3 list\" completed: 18 of 20 scored (4 HOT, 6 WARM), 2 failed, $0.412 spent. https://planner.example.com/jobs/7"
        );
    }
}
