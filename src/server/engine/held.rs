//! The company claims this instance holds: renewed together every third of
//! a lease, checked before every upstream call (a claim not confirmed
//! lately, after a stall say, is confirmed first or given up), and handed
//! back when their task ends without finishing the company.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

use crate::{
    domain::job::CompanyStatus,
    server::db::{
        claims::{self, Claim},
        companies::{self, Spend},
    },
};

/// What happens to a claim whose task ended without finishing its company.
#[derive(Debug)]
pub(super) enum Leftover {
    /// Back to the queue (a database error, a shutdown).
    HandBack(Claim),
    /// The task panicked: the company fails with a reason, so a bug cannot
    /// loop; a retry runs it again.
    Fail(Claim),
}

pub(super) struct Held {
    claims: Mutex<HashMap<i32, (i64, Instant)>>,
    leftovers: mpsc::UnboundedSender<Leftover>,
}

impl Held {
    pub fn new(leftovers: mpsc::UnboundedSender<Leftover>) -> Self {
        Self {
            claims: Mutex::default(),
            leftovers,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, (i64, Instant)>> {
        self.claims.lock().expect("held claims")
    }

    pub fn all(&self) -> Vec<Claim> {
        self.lock()
            .iter()
            .map(|(&company_id, &(token, _))| Claim { company_id, token })
            .collect()
    }

    /// Records that the database confirmed these claims at `at`.
    pub fn confirm(&self, confirmed: &[Claim], at: Instant) {
        let mut held = self.lock();
        for claim in confirmed {
            if let Some(entry) = held.get_mut(&claim.company_id)
                && entry.0 == claim.token
            {
                entry.1 = at;
            }
        }
    }

    /// Whether the claim was confirmed within `fresh`.
    pub fn is_fresh(&self, claim: Claim, fresh: Duration) -> bool {
        self.lock()
            .get(&claim.company_id)
            .is_some_and(|&(token, at)| token == claim.token && at.elapsed() < fresh)
    }

    /// Holds `claim` (claimed at `at`) until the returned guard drops.
    pub fn hold(self: &Arc<Self>, claim: Claim, at: Instant) -> ClaimGuard {
        self.lock().insert(claim.company_id, (claim.token, at));
        ClaimGuard {
            held: self.clone(),
            claim,
            settled: false,
        }
    }
}

/// A claim in a task's hands. Unless the task settles it (the company
/// finished, went back to the queue, or was lost to another instance), its
/// drop hands it back, or fails the company if the task panicked.
pub(super) struct ClaimGuard {
    held: Arc<Held>,
    pub claim: Claim,
    settled: bool,
}

impl ClaimGuard {
    pub fn settle(&mut self) {
        self.settled = true;
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        self.held.lock().remove(&self.claim.company_id);
        if self.settled {
            return;
        }
        let leftover = if std::thread::panicking() {
            Leftover::Fail(self.claim)
        } else {
            Leftover::HandBack(self.claim)
        };
        let _ = self.held.leftovers.send(leftover);
    }
}

pub(super) const PANICKED: &str =
    "The research of this company stopped on an internal error. Retry the job to run it again.";

/// Writes the leftovers of ended tasks, and says which jobs they touched.
pub(super) async fn settle_leftovers(
    db: DatabaseConnection,
    mut leftovers: mpsc::UnboundedReceiver<Leftover>,
    touched: impl Fn(i32),
) {
    while let Some(leftover) = leftovers.recv().await {
        let result = match leftover {
            Leftover::HandBack(claim) => claims::hand_back(&db, &[claim]).await.map(|_| claim),
            Leftover::Fail(claim) => companies::finish_unscored(
                &db,
                claim,
                CompanyStatus::Failed,
                PANICKED,
                None,
                &Spend::default(),
            )
            .await
            .map(|()| claim)
            .or_else(|error| match error {
                companies::WriteError::LostClaim(_) => Ok(claim),
                companies::WriteError::Database(error) => Err(error),
            }),
        };
        match result {
            Ok(claim) => {
                if let Ok(Some(company)) = companies::find(&db, claim.company_id).await {
                    touched(company.job_id);
                }
            }
            // Its lease runs out, and another run takes it.
            Err(error) => tracing::warn!(%error, "could not hand a company back"),
        }
    }
}

/// Renews every held claim, every third of a lease, until aborted.
pub(super) async fn renew_forever(
    db: DatabaseConnection,
    held: Arc<Held>,
    instance: String,
    lease: Duration,
) {
    let every = (lease / 3).max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(every).await;
        let all = held.all();
        if all.is_empty() {
            continue;
        }
        let started = Instant::now();
        match claims::renew(&db, &instance, &all, lease).await {
            Ok(confirmed) => held.confirm(&confirmed, started),
            Err(error) => tracing::warn!(%error, "could not renew this instance's company claims"),
        }
    }
}

/// Confirms one claim now: `false` when another instance has taken it.
pub(super) async fn reconfirm(
    db: &DatabaseConnection,
    held: &Held,
    instance: &str,
    claim: Claim,
    lease: Duration,
) -> Result<bool, sea_orm::DbErr> {
    let started = Instant::now();
    let confirmed = claims::renew(db, instance, &[claim], lease).await?;
    held.confirm(&confirmed, started);
    Ok(confirmed.contains(&claim))
}
