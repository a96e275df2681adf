//! A semaphore whose size changes while it is in use: growing adds permits at
//! once; shrinking takes permits out as they come back, in the semaphore's
//! own first-come queue, so it never waits behind a flood of newcomers.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use tokio::sync::{Semaphore, SemaphorePermit};

pub(super) struct Capacity {
    permits: Arc<Semaphore>,
    /// Permits that exist: free, in use, or waiting to be taken out.
    existing: Arc<AtomicUsize>,
    /// What the size should become.
    target: AtomicUsize,
    shrinking: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Capacity {
    pub fn new(size: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(size)),
            existing: Arc::new(AtomicUsize::new(size)),
            target: AtomicUsize::new(size),
            shrinking: Mutex::new(None),
        }
    }

    /// Permits that exist now; in use never exceeds this.
    pub fn existing(&self) -> usize {
        self.existing.load(Ordering::SeqCst)
    }

    pub fn target(&self) -> usize {
        self.target.load(Ordering::SeqCst)
    }

    pub async fn acquire(&self) -> SemaphorePermit<'_> {
        self.permits.acquire().await.expect("never closed")
    }

    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.permits
    }

    /// Moves the size towards `size`: up at once, down as permits come back.
    pub fn resize(&self, size: usize) {
        let mut shrinking = self.shrinking.lock().expect("shrinker");
        let busy = shrinking.as_ref().is_some_and(|task| !task.is_finished());
        if busy && size == self.target() {
            // Already on its way there; a restart would lose its place in the queue.
            return;
        }
        if let Some(task) = shrinking.take() {
            // Dropping its acquire hands back what it had gathered.
            task.abort();
        }
        self.target.store(size, Ordering::SeqCst);
        let existing = self.existing.load(Ordering::SeqCst);
        if size > existing {
            self.existing.store(size, Ordering::SeqCst);
            self.permits.add_permits(size - existing);
            return;
        }
        let mut excess = existing - size;
        let forgotten = self.permits.forget_permits(excess);
        self.existing.fetch_sub(forgotten, Ordering::SeqCst);
        excess -= forgotten;
        if excess == 0 {
            return;
        }
        let permits = self.permits.clone();
        let existing = self.existing.clone();
        *shrinking = Some(tokio::spawn(async move {
            if let Ok(taken) = permits.acquire_many(excess as u32).await {
                taken.forget();
                existing.fetch_sub(excess, Ordering::SeqCst);
            }
        }));
    }
}

impl Drop for Capacity {
    fn drop(&mut self) {
        if let Some(task) = self.shrinking.lock().expect("shrinker").take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shrinks_as_permits_come_back_and_grows_at_once() {
        let capacity = Capacity::new(3);
        let a = capacity.acquire().await;
        let b = capacity.acquire().await;
        capacity.resize(1);
        // The free one went at once; the two in use go when they come back.
        assert_eq!(capacity.existing(), 2);
        drop(a);
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        assert_eq!(capacity.existing(), 1);
        assert_eq!(capacity.semaphore().available_permits(), 0);
        drop(b);
        assert_eq!(capacity.semaphore().available_permits(), 1);
        capacity.resize(4);
        assert_eq!(capacity.existing(), 4);
        assert_eq!(capacity.semaphore().available_permits(), 4);
    }

    #[tokio::test]
    async fn a_grow_during_a_shrink_gives_back_what_the_shrink_held() {
        let capacity = Capacity::new(2);
        let a = capacity.acquire().await;
        let b = capacity.acquire().await;
        capacity.resize(0);
        drop(a);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        assert_eq!(
            capacity.semaphore().available_permits(),
            0,
            "held by the shrink"
        );
        capacity.resize(2);
        drop(b);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        assert_eq!(capacity.existing(), 2);
        assert_eq!(capacity.semaphore().available_permits(), 2);
    }
}
