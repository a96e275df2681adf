//! `SEARCH_CONCURRENCY` and `LLM_CONCURRENCY` are what one API key allows, so
//! they hold for the whole deployment. Every instance holds a share of each
//! limit as local permits, and publishes its share in the database; a share
//! grows only when the live shares of all instances leave room (checked in
//! one statement under a lock), and shrinks as its permits come back before
//! the smaller share is published. So the permits in use across instances
//! never exceed the limit, and an upstream call costs no database round trip.
//!
//! Instances with work split each limit evenly; an idle instance gives its
//! share away, and a lone one keeps it all. A registration not renewed
//! within one lease stops counting: a dead instance's share comes back to the
//! others, and a stalled one (its permits no longer known to hold) starts no
//! call until it is registered again.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{Notify, SemaphorePermit};

use super::capacity::Capacity;
use crate::server::db::instances::{self, LimitKind, Registration, Renewal};

/// How often an instance looks at the others' shares.
const TICK: Duration = Duration::from_millis(200);

pub(super) struct Limits {
    pub search: Capacity,
    pub llm: Capacity,
    /// Companies in flight here: enough to keep this instance's shares busy.
    pub admission: Capacity,
    search_limit: usize,
    llm_limit: usize,
    /// Until when this instance's registration is known to hold (this
    /// machine's monotonic clock, which runs on while the process is stopped).
    valid_until: Mutex<Instant>,
    registered: Notify,
    /// Something changed here (a job started or ended): look again now.
    pub wake: Notify,
}

/// Companies admitted for a share: the searches plus two LLM calls each.
fn window(search: usize, llm: usize) -> usize {
    search + 2 * llm
}

impl Limits {
    pub fn new(search_limit: usize, llm_limit: usize) -> Self {
        Self {
            search: Capacity::new(0),
            llm: Capacity::new(0),
            admission: Capacity::new(0),
            search_limit,
            llm_limit,
            valid_until: Mutex::new(Instant::now()),
            registered: Notify::new(),
            wake: Notify::new(),
        }
    }

    fn is_valid(&self) -> bool {
        Instant::now() < *self.valid_until.lock().expect("validity")
    }

    /// A permit of `capacity`, only while this instance's share is known to hold.
    pub async fn permit<'a>(&'a self, capacity: &'a Capacity) -> SemaphorePermit<'a> {
        loop {
            while !self.is_valid() {
                let registered = self.registered.notified();
                tokio::pin!(registered);
                registered.as_mut().enable();
                if self.is_valid() {
                    break;
                }
                registered.await;
            }
            let permit = capacity.acquire().await;
            if self.is_valid() {
                return permit;
            }
        }
    }
}

/// This instance's even share of `limit` among the instances with work
/// (sorted ids), the first ones taking the remainder.
pub(super) fn fair_share(limit: usize, active: &[&str], me: &str) -> usize {
    let Some(rank) = active.iter().position(|id| *id == me) else {
        return 0;
    };
    let n = active.len();
    limit / n + usize::from(rank < limit % n)
}

/// What this instance asks for, given who has work.
fn target(limit: usize, me: &str, i_have_work: bool, others_with_work: &[&str]) -> usize {
    if !i_have_work && others_with_work.is_empty() {
        // Alone and idle: keep it all, so the next job starts at once.
        return limit;
    }
    let mut active: Vec<&str> = others_with_work.to_vec();
    if i_have_work {
        active.push(me);
    }
    active.sort_unstable();
    fair_share(limit, &active, me)
}

pub(super) struct Registry {
    pub db: DatabaseConnection,
    pub id: String,
    pub host: String,
    pub lease: Duration,
    pub limits: Arc<Limits>,
}

struct Share {
    kind: LimitKind,
    /// What the database grants this instance (what it last grew to or published).
    granted: usize,
}

impl Registry {
    /// Keeps the registration and the shares up to date until aborted.
    pub async fn run(self, has_work: impl Fn() -> bool) {
        let mut search = Share {
            kind: LimitKind::Search,
            granted: 0,
        };
        let mut llm = Share {
            kind: LimitKind::Llm,
            granted: 0,
        };
        let mut renewed_at: Option<Instant> = None;
        let mut published: Option<Registration> = None;
        loop {
            if let Err(error) = self
                .tick(
                    &has_work,
                    &mut search,
                    &mut llm,
                    &mut renewed_at,
                    &mut published,
                )
                .await
            {
                tracing::warn!(%error, "could not update this instance's share of the upstream limits");
            }
            tokio::select! {
                () = tokio::time::sleep(TICK) => {}
                () = self.limits.wake.notified() => {}
            }
        }
    }

    async fn tick(
        &self,
        has_work: &impl Fn() -> bool,
        search: &mut Share,
        llm: &mut Share,
        renewed_at: &mut Option<Instant>,
        published: &mut Option<Registration>,
    ) -> Result<(), DbErr> {
        let limits = &self.limits;
        let started = Instant::now();
        let me = Registration {
            id: self.id.clone(),
            host: self.host.clone(),
            active: has_work(),
            // A shrink is published once its permits are out of use.
            search_share: search.granted.min(limits.search.existing()) as i32,
            llm_share: llm.granted.min(limits.llm.existing()) as i32,
        };
        let due = renewed_at.is_none_or(|at| started.duration_since(at) >= self.lease / 4);
        if due || published.as_ref() != Some(&me) {
            match instances::publish(&self.db, &me, self.lease).await? {
                Renewal::Renewed => {
                    search.granted = me.search_share as usize;
                    llm.granted = me.llm_share as usize;
                }
                Renewal::Lapsed => {
                    if renewed_at.is_some() {
                        tracing::warn!(
                            "this instance's registration had run out; its share of the limits starts again from nothing"
                        );
                    }
                    search.granted = 0;
                    llm.granted = 0;
                    limits.search.resize(0);
                    limits.llm.resize(0);
                }
            }
            *renewed_at = Some(started);
            *published = Some(me.clone());
            *limits.valid_until.lock().expect("validity") = started + self.lease * 3 / 4;
            limits.registered.notify_waiters();
        }

        let live = instances::live(&self.db).await?;
        let others_with_work: Vec<&str> = live
            .iter()
            .filter(|i| i.id != self.id && i.active)
            .map(|i| i.id.as_str())
            .collect();
        for (share, capacity, limit) in [
            (&mut *search, &limits.search, limits.search_limit),
            (&mut *llm, &limits.llm, limits.llm_limit),
        ] {
            let want = target(limit, &self.id, me.active, &others_with_work);
            if want < share.granted || want < capacity.target() {
                capacity.resize(want);
                continue;
            }
            let others: usize = live
                .iter()
                .filter(|i| i.id != self.id)
                .map(|i| match share.kind {
                    LimitKind::Search => i.search_share.max(0) as usize,
                    LimitKind::Llm => i.llm_share.max(0) as usize,
                })
                .sum();
            let room = limit.saturating_sub(others).min(want);
            if room > share.granted
                && instances::grow(&self.db, &self.id, share.kind, room as i32, limit as i32)
                    .await?
            {
                share.granted = room;
            }
            capacity.resize(share.granted.min(want));
        }
        *published = published.take().map(|mut p| {
            p.search_share = search.granted as i32;
            p.llm_share = llm.granted as i32;
            p
        });
        limits
            .admission
            .resize(window(limits.search.target(), limits.llm.target()));
        Ok(())
    }

    /// Gives the shares up at once (a clean shutdown).
    pub async fn leave(db: &DatabaseConnection, id: &str) {
        if let Err(error) = instances::remove(db, id).await {
            tracing::warn!(%error, "could not give up this instance's share of the limits");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_with_work_split_a_limit_evenly_and_never_exceed_it() {
        for limit in [1, 2, 3, 7, 10, 50] {
            for n in 1..=5 {
                let ids: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
                let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                let shares: Vec<usize> =
                    refs.iter().map(|me| fair_share(limit, &refs, me)).collect();
                assert_eq!(shares.iter().sum::<usize>(), limit, "{limit} over {n}");
                assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
            }
        }
    }

    #[test]
    fn an_idle_instance_keeps_its_share_only_when_alone() {
        assert_eq!(target(10, "a", false, &[]), 10);
        assert_eq!(target(10, "a", false, &["b"]), 0);
        assert_eq!(target(10, "a", true, &["b"]), 5);
        assert_eq!(target(9, "a", true, &["b"]), 5);
        assert_eq!(target(9, "b", true, &["a"]), 4);
        assert_eq!(target(10, "a", true, &[]), 10);
    }
}
