//! Verified Cloud API webhooks waiting for WordPress (`webhook_queue`): the early
//! ingest path puts a delivery here, keyed by its signature, and a drain takes it
//! out once it is processed. A row whose `failed_at` is set is a dead letter.

use super::sql::{OptionalExtension, params};

use super::{Store, StoreError};

/// A delivery taken from the queue to be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedDelivery {
    /// Row id, in order of arrival.
    pub id: i64,
    /// The raw webhook body, as signed.
    pub body: Vec<u8>,
    /// When it was queued (Unix seconds).
    pub received_at: i64,
    /// How many times it has been taken, this time included.
    pub attempts: i64,
}

/// The queue at a glance, for Site Health and the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct QueueStats {
    /// Deliveries waiting (or being processed).
    pub pending: i64,
    /// When the oldest waiting delivery was queued (Unix seconds).
    pub oldest_received_at: Option<i64>,
    /// Dead letters: deliveries that could not be processed.
    pub dead: i64,
    /// From when the first waiting delivery can be taken (Unix seconds): a time in the
    /// past means now; a later one means every waiting delivery is held by a drain's
    /// lease (perhaps a drain that died) or waits for a retry.
    pub next_due_at: Option<i64>,
}

/// The webhook queue.
pub struct WebhookQueueRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The webhook queue.
    pub fn webhook_queue(&self) -> WebhookQueueRepo<'_> {
        WebhookQueueRepo { store: self }
    }
}

impl WebhookQueueRepo<'_> {
    /// Queues `body` under `key` (unique per delivery); false when a delivery with the
    /// same key is already queued (Meta redelivered it before it was drained).
    pub fn push(&self, key: &str, body: &[u8], now: i64) -> Result<bool, StoreError> {
        let inserted = self.store.conn().execute(
            "INSERT INTO webhook_queue (delivery_key, body, received_at, claimed_until, attempts)
             VALUES (?1, ?2, ?3, 0, 0) ON CONFLICT (delivery_key) DO NOTHING",
            params![key, body.to_vec(), now],
        )?;
        Ok(inserted == 1)
    }

    /// Takes up to `limit` waiting deliveries, oldest first, for this drain until
    /// `lease_until`. Each row is taken by a conditional update, so two drains (on two
    /// web servers) never take the same one; a drain that dies leaves its rows to be
    /// taken again once the lease ends.
    pub fn claim(
        &self,
        limit: usize,
        now: i64,
        lease_until: i64,
    ) -> Result<Vec<QueuedDelivery>, StoreError> {
        let conn = self.store.conn();
        let ids: Vec<i64> = {
            let mut statement = conn.prepare_cached(
                "SELECT id FROM webhook_queue WHERE failed_at IS NULL AND claimed_until <= ?1
                 ORDER BY id LIMIT ?2",
            )?;
            let rows = statement.query_map(params![now, limit as i64], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut taken = Vec::with_capacity(ids.len());
        for id in ids {
            let won = conn.execute(
                "UPDATE webhook_queue SET claimed_until = ?1, attempts = attempts + 1
                 WHERE id = ?2 AND failed_at IS NULL AND claimed_until <= ?3",
                params![lease_until, id, now],
            )?;
            if won != 1 {
                continue;
            }
            let row = conn
                .query_row(
                    "SELECT id, body, received_at, attempts FROM webhook_queue WHERE id = ?1",
                    params![id],
                    |row| {
                        Ok(QueuedDelivery {
                            id: row.get(0)?,
                            body: row.get(1)?,
                            received_at: row.get(2)?,
                            attempts: row.get(3)?,
                        })
                    },
                )
                .optional()?;
            taken.extend(row);
        }
        Ok(taken)
    }

    /// Gives back a delivery this drain took until `lease_until` and did not process,
    /// so the next drain can take it at once rather than when the lease ends.
    pub fn release(&self, id: i64, lease_until: i64, now: i64) -> Result<(), StoreError> {
        self.store.conn().execute(
            "UPDATE webhook_queue SET claimed_until = ?1
             WHERE id = ?2 AND failed_at IS NULL AND claimed_until = ?3",
            params![now, id, lease_until],
        )?;
        Ok(())
    }

    /// Removes a processed delivery.
    pub fn finish(&self, id: i64) -> Result<(), StoreError> {
        self.store
            .conn()
            .execute("DELETE FROM webhook_queue WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// Leaves a delivery to be taken again from `retry_at`, noting why it failed.
    pub fn retry(&self, id: i64, error: &str, retry_at: i64) -> Result<(), StoreError> {
        self.store.conn().execute(
            "UPDATE webhook_queue SET claimed_until = ?1, last_error = ?2 WHERE id = ?3",
            params![retry_at, error, id],
        )?;
        Ok(())
    }

    /// Makes a delivery a dead letter: kept for the administrator, never taken again.
    pub fn bury(&self, id: i64, error: &str, now: i64) -> Result<(), StoreError> {
        self.store.conn().execute(
            "UPDATE webhook_queue SET failed_at = ?1, last_error = ?2 WHERE id = ?3",
            params![now, error, id],
        )?;
        Ok(())
    }

    /// Waiting deliveries, the oldest one's age and the dead letters.
    pub fn stats(&self) -> Result<QueueStats, StoreError> {
        self.store.conn().query_row(
            "SELECT
                 (SELECT COUNT(*) FROM webhook_queue WHERE failed_at IS NULL),
                 (SELECT MIN(received_at) FROM webhook_queue WHERE failed_at IS NULL),
                 (SELECT COUNT(*) FROM webhook_queue WHERE failed_at IS NOT NULL),
                 (SELECT MIN(claimed_until) FROM webhook_queue WHERE failed_at IS NULL)",
            params![],
            |row| {
                Ok(QueueStats {
                    pending: row.get(0)?,
                    oldest_received_at: row.get(1)?,
                    dead: row.get(2)?,
                    next_due_at: row.get(3)?,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_is_queued_once_per_key() {
        let store = Store::open_in_memory().unwrap();
        let queue = store.webhook_queue();
        assert!(queue.push("k1", b"{\"a\":1}", 100).unwrap());
        assert!(!queue.push("k1", b"{\"a\":1}", 101).unwrap());
        assert!(queue.push("k2", b"{\"a\":2}", 102).unwrap());
        let stats = queue.stats().unwrap();
        assert_eq!(stats.pending, 2);
        assert_eq!(stats.oldest_received_at, Some(100));
        assert_eq!(stats.dead, 0);
    }

    #[test]
    fn a_claimed_delivery_is_not_taken_again_until_its_lease_ends() {
        let store = Store::open_in_memory().unwrap();
        let queue = store.webhook_queue();
        queue.push("k1", b"one", 100).unwrap();
        queue.push("k2", b"two", 100).unwrap();
        let first = queue.claim(1, 100, 160).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].body, b"one");
        assert_eq!(first[0].attempts, 1);
        let second = queue.claim(10, 101, 161).unwrap();
        assert_eq!(
            second.iter().map(|d| &d.body[..]).collect::<Vec<_>>(),
            vec![b"two"]
        );
        assert!(queue.claim(10, 159, 219).unwrap().is_empty());
        let again = queue.claim(10, 160, 220).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].body, b"one");
        assert_eq!(again[0].attempts, 2);
    }

    #[test]
    fn finished_rows_go_and_buried_rows_stay_as_dead_letters() {
        let store = Store::open_in_memory().unwrap();
        let queue = store.webhook_queue();
        queue.push("k1", b"one", 100).unwrap();
        queue.push("k2", b"two", 100).unwrap();
        queue.push("k3", b"three", 100).unwrap();
        let taken = queue.claim(3, 100, 160).unwrap();
        queue.finish(taken[0].id).unwrap();
        queue.bury(taken[1].id, "unreadable", 101).unwrap();
        queue.retry(taken[2].id, "database gone", 130).unwrap();
        let stats = queue.stats().unwrap();
        assert_eq!((stats.pending, stats.dead), (1, 1));
        assert_eq!(stats.next_due_at, Some(130));
        assert!(queue.claim(3, 129, 189).unwrap().is_empty());
        let retried = queue.claim(3, 130, 190).unwrap();
        assert_eq!(retried.len(), 1);
        assert_eq!(retried[0].body, b"three");
        // A buried key still holds its place: a redelivery of a dead letter is not queued again.
        assert!(!queue.push("k2", b"two", 200).unwrap());
        // A finished key can be queued again; processing drops its messages by wamid.
        assert!(queue.push("k1", b"one", 200).unwrap());
    }

    #[test]
    fn a_released_delivery_is_due_at_once_and_only_the_drain_holding_it_releases_it() {
        let store = Store::open_in_memory().unwrap();
        let queue = store.webhook_queue();
        queue.push("k1", b"one", 100).unwrap();
        queue.push("k2", b"two", 100).unwrap();
        assert_eq!(queue.stats().unwrap().next_due_at, Some(0));
        let taken = queue.claim(2, 100, 160).unwrap();
        assert_eq!(queue.stats().unwrap().next_due_at, Some(160));
        // A stale release (another lease) changes nothing.
        queue.release(taken[0].id, 150, 101).unwrap();
        assert!(queue.claim(2, 101, 161).unwrap().is_empty());
        queue.release(taken[0].id, 160, 101).unwrap();
        assert_eq!(queue.stats().unwrap().next_due_at, Some(101));
        let again = queue.claim(2, 102, 162).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].body, b"one");
    }
}
