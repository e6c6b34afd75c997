//! A vendor's messaging at a glance, for the admin's Vendors overview: messages sent
//! this month (against the allowance) and how quickly customers get an answer.
//!
//! Response time is measured per customer question: from the first customer message
//! after the vendor's last answer to the vendor's next answer in that conversation
//! (answers seen through the vendor's linked session, `echo`, count as much as
//! messages sent through the API, `outbound`).

use std::collections::HashMap;

use serde::Serialize;

use crate::messaging::{self, MessagingError};
use crate::store::{Store, StoreError};

/// The period response metrics cover.
pub const RESPONSE_WINDOW_SECONDS: i64 = 30 * 86_400;

/// Why the overview could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Counting this month's messages failed.
    #[error(transparent)]
    Messaging(#[from] MessagingError),
}

impl From<rusqlite::Error> for OverviewError {
    fn from(e: rusqlite::Error) -> Self {
        OverviewError::Store(e.into())
    }
}

/// One vendor's messaging figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Messages sent this calendar month (UTC), as the allowance counts them.
    pub messages_this_month: u64,
    /// Customer questions in the last 30 days.
    pub questions: u64,
    /// Of those, how many got an answer.
    pub answered: u64,
    /// Questions still waiting for an answer.
    pub waiting: u64,
    /// Median time to answer, in seconds; `None` without answered questions.
    pub median_response_seconds: Option<i64>,
    /// Mean time to answer, in seconds; `None` without answered questions.
    pub average_response_seconds: Option<i64>,
}

/// The vendor's figures as of `now`.
pub fn activity(store: &Store, vendor_id: u64, now: i64) -> Result<Activity, OverviewError> {
    let messages_this_month = messaging::sent_this_month(store, vendor_id, now)?;
    let mut stmt = store.conn().prepare_cached(
        "SELECT conversation_id, direction, sent_at FROM message
         WHERE vendor_id = ?1 AND sent_at >= ?2 ORDER BY conversation_id, sent_at, id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![vendor_id as i64, now - RESPONSE_WINDOW_SECONDS],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    let mut waiting_since: HashMap<i64, i64> = HashMap::new();
    let mut times = Vec::new();
    let mut questions = 0;
    for row in rows {
        let (conversation, direction, at) = row?;
        if direction == "inbound" {
            waiting_since.entry(conversation).or_insert_with(|| {
                questions += 1;
                at
            });
        } else if let Some(since) = waiting_since.remove(&conversation) {
            times.push((at - since).max(0));
        }
    }
    times.sort_unstable();
    let answered = times.len() as u64;
    let median_response_seconds = match times.len() {
        0 => None,
        n if n % 2 == 1 => Some(times[n / 2]),
        n => Some((times[n / 2 - 1] + times[n / 2]) / 2),
    };
    let average_response_seconds =
        (!times.is_empty()).then(|| times.iter().sum::<i64>() / times.len() as i64);
    Ok(Activity {
        messages_this_month,
        questions,
        answered,
        waiting: waiting_since.len() as u64,
        median_response_seconds,
        average_response_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(store: &Store, conversation: i64, vendor: i64, direction: &str, at: i64) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        store
            .conn()
            .execute(
                "INSERT OR IGNORE INTO conversation (id, vendor_id, customer, last_message_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                rusqlite::params![conversation, vendor, format!("1555000{conversation}"), at],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, sent_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, 'text', ?5, ?5)",
                rusqlite::params![format!("wamid.{n}"), conversation, vendor, direction, at],
            )
            .unwrap();
    }

    #[test]
    fn measures_answers_per_question_and_counts_this_months_sends() {
        let store = Store::open_in_memory().unwrap();
        let now = crate::clock::now();
        // Conversation 1: two customer messages, answered 60 s after the first.
        message(&store, 1, 7, "inbound", now - 1000);
        message(&store, 1, 7, "inbound", now - 990);
        message(&store, 1, 7, "echo", now - 940);
        // Then a new question answered through the API after 300 s.
        message(&store, 1, 7, "inbound", now - 900);
        message(&store, 1, 7, "outbound", now - 600);
        // Conversation 2: a question still waiting; another vendor's traffic.
        message(&store, 2, 7, "inbound", now - 100);
        message(&store, 3, 8, "inbound", now - 100);
        message(&store, 3, 8, "outbound", now - 50);
        // Older than the window: not counted.
        message(&store, 4, 7, "inbound", now - RESPONSE_WINDOW_SECONDS - 10);

        let a = activity(&store, 7, now).unwrap();
        assert_eq!(a.questions, 3);
        assert_eq!(a.answered, 2);
        assert_eq!(a.waiting, 1);
        assert_eq!(a.median_response_seconds, Some(180));
        assert_eq!(a.average_response_seconds, Some(180));
        assert_eq!(a.messages_this_month, 1, "only outbound sends count");

        let none = activity(&store, 9, now).unwrap();
        assert_eq!(none.questions, 0);
        assert_eq!(none.median_response_seconds, None);
    }
}
