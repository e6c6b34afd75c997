//! How well vendors answer their customers: the replies a vendor sends from their own
//! WhatsApp (seen as `message.any` events of their linked session) or through the
//! marketplace number, set against the messages customers sent them.
//!
//! A customer *turn* starts with the first inbound message after the vendor's last
//! answer to that customer. It is answered by the vendor's next reply; the response time
//! is the time between the two. A turn without a reply after [`ANSWER_DEADLINE_SECONDS`]
//! counts as unanswered; a younger one is still pending and counts in neither.

use rusqlite::params;
use serde::Serialize;

use crate::store::{Store, StoreError};

/// A turn older than this without a reply counts as unanswered (WhatsApp's customer
/// service window: after it the vendor can no longer answer freely).
pub const ANSWER_DEADLINE_SECONDS: i64 = 24 * 3600;

/// One vendor's response figures over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseMetrics {
    /// Customer turns that started in the period.
    pub turns: u32,
    /// Turns the vendor answered within the deadline.
    pub answered: u32,
    /// Turns still within the deadline without an answer.
    pub pending: u32,
    /// `answered / (turns - pending)`, `None` while no turn is decided.
    pub response_rate: Option<f64>,
    /// Mean seconds from a turn's first message to its answer, `None` without answers.
    pub average_response_seconds: Option<i64>,
}

/// Records a message the vendor sent from their linked session to `customer` (WhatsApp
/// id digits). Returns false when this gateway message was recorded before.
pub fn record_reply(
    store: &Store,
    vendor_id: u64,
    gateway_id: &str,
    customer: &str,
    sent_at: i64,
) -> Result<bool, StoreError> {
    let inserted = store
        .conn()
        .prepare_cached(
            "INSERT INTO vendor_reply (vendor_id, gateway_id, customer, sent_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (vendor_id, gateway_id) DO NOTHING",
        )?
        .execute(params![vendor_id as i64, gateway_id, customer, sent_at])?;
    Ok(inserted == 1)
}

/// The vendor's figures for turns that started at or after `since`.
pub fn metrics(
    store: &Store,
    vendor_id: u64,
    since: i64,
    now: i64,
) -> Result<ResponseMetrics, StoreError> {
    let vendor = vendor_id as i64;
    // Every inbound message and every human answer (automatic replies are not answers),
    // per customer in time order; answers from before `since` close earlier turns.
    let mut stmt = store.conn().prepare_cached(
        "SELECT c.customer, m.sent_at, 1 FROM message m JOIN conversation c ON c.id = m.conversation_id
          WHERE m.vendor_id = ?1 AND m.direction = 'inbound' AND m.sent_at >= ?2
         UNION ALL
         SELECT c.customer, m.received_at, 0 FROM message m JOIN conversation c ON c.id = m.conversation_id
          WHERE m.vendor_id = ?1 AND m.direction = 'outbound' AND COALESCE(m.rule, '') <> 'auto_reply' AND m.received_at >= ?3
         UNION ALL
         SELECT customer, sent_at, 0 FROM vendor_reply WHERE vendor_id = ?1 AND sent_at >= ?3
         ORDER BY 1, 2, 3",
    )?;
    let rows = stmt.query_map(
        params![vendor, since, since - ANSWER_DEADLINE_SECONDS],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)? == 1,
            ))
        },
    )?;

    let mut figures = Tally::default();
    let mut customer: Option<String> = None;
    let mut open_turn: Option<i64> = None;
    for row in rows {
        let (who, at, inbound) = row?;
        if customer.as_deref() != Some(who.as_str()) {
            if let Some(start) = open_turn.take() {
                figures.unanswered(start, now);
            }
            customer = Some(who);
        }
        match (inbound, open_turn) {
            (true, None) => open_turn = Some(at),
            (true, Some(_)) => {}
            (false, Some(start)) => {
                open_turn = None;
                figures.answered(start, at, now);
            }
            (false, None) => {}
        }
    }
    if let Some(start) = open_turn {
        figures.unanswered(start, now);
    }
    Ok(figures.finish())
}

#[derive(Default)]
struct Tally {
    turns: u32,
    answered: u32,
    pending: u32,
    total_seconds: i64,
}

impl Tally {
    fn answered(&mut self, start: i64, answer: i64, now: i64) {
        let seconds = (answer - start).max(0);
        if seconds <= ANSWER_DEADLINE_SECONDS {
            self.turns += 1;
            self.answered += 1;
            self.total_seconds += seconds;
        } else {
            // Answered too late to help the customer: counts as unanswered.
            self.unanswered(start, now);
        }
    }

    fn unanswered(&mut self, start: i64, now: i64) {
        self.turns += 1;
        if now - start < ANSWER_DEADLINE_SECONDS {
            self.pending += 1;
        }
    }

    fn finish(self) -> ResponseMetrics {
        let decided = self.turns - self.pending;
        ResponseMetrics {
            turns: self.turns,
            answered: self.answered,
            pending: self.pending,
            response_rate: (decided > 0).then(|| f64::from(self.answered) / f64::from(decided)),
            average_response_seconds: (self.answered > 0)
                .then(|| self.total_seconds / i64::from(self.answered)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_503_600;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    fn inbound(store: &Store, vendor: i64, customer: &str, wamid: &str, at: i64) {
        let conn = store.conn();
        conn.execute(
            "INSERT INTO conversation (vendor_id, customer, last_message_at, created_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (vendor_id, customer) DO NOTHING",
            params![vendor, customer, at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, sent_at, received_at)
             SELECT ?1, id, ?2, 'inbound', 'text', ?4, ?4 FROM conversation WHERE vendor_id = ?2 AND customer = ?3",
            params![wamid, vendor, customer, at],
        )
        .unwrap();
    }

    #[test]
    fn a_reply_answers_the_whole_turn_from_its_first_message() {
        let store = store();
        inbound(&store, 7, "15550001", "w1", NOW - 3600);
        inbound(&store, 7, "15550001", "w2", NOW - 3000);
        assert!(record_reply(&store, 7, "true_15550001@c.us_A", "15550001", NOW - 1800).unwrap());
        let m = metrics(&store, 7, NOW - 86_400 * 30, NOW).unwrap();
        assert_eq!((m.turns, m.answered, m.pending), (1, 1, 0));
        assert_eq!(m.response_rate, Some(1.0));
        assert_eq!(m.average_response_seconds, Some(1800));
    }

    #[test]
    fn duplicate_gateway_events_count_once() {
        let store = store();
        assert!(record_reply(&store, 7, "g1", "15550001", NOW).unwrap());
        assert!(!record_reply(&store, 7, "g1", "15550001", NOW).unwrap());
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM vendor_reply", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn pending_unanswered_and_late_turns_are_told_apart() {
        let store = store();
        // Answered after 10 minutes.
        inbound(&store, 7, "15550001", "a1", NOW - 7200);
        record_reply(&store, 7, "r1", "15550001", NOW - 6600).unwrap();
        // Never answered, two days old.
        inbound(&store, 7, "15550002", "b1", NOW - 2 * 86_400);
        // Answered 30 hours later: too late.
        inbound(&store, 7, "15550003", "c1", NOW - 3 * 86_400);
        record_reply(&store, 7, "r2", "15550003", NOW - 3 * 86_400 + 30 * 3600).unwrap();
        // Waiting for an hour: pending.
        inbound(&store, 7, "15550004", "d1", NOW - 3600);
        // Another vendor's customer does not count.
        inbound(&store, 8, "15550005", "e1", NOW - 3600);

        let m = metrics(&store, 7, NOW - 86_400 * 30, NOW).unwrap();
        assert_eq!((m.turns, m.answered, m.pending), (4, 1, 1));
        assert_eq!(m.response_rate, Some(1.0 / 3.0));
        assert_eq!(m.average_response_seconds, Some(600));
    }

    #[test]
    fn a_second_turn_starts_after_an_answer() {
        let store = store();
        inbound(&store, 7, "15550001", "a1", NOW - 10_000);
        record_reply(&store, 7, "r1", "15550001", NOW - 9_000).unwrap();
        inbound(&store, 7, "15550001", "a2", NOW - 5_000);
        record_reply(&store, 7, "r2", "15550001", NOW - 2_000).unwrap();
        let m = metrics(&store, 7, NOW - 86_400, NOW).unwrap();
        assert_eq!((m.turns, m.answered), (2, 2));
        assert_eq!(m.average_response_seconds, Some(2_000));
    }

    #[test]
    fn automatic_replies_are_not_answers_but_marketplace_sends_are() {
        let store = store();
        inbound(&store, 7, "15550001", "a1", NOW - 5_000);
        let conn = store.conn();
        conn.execute(
            "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, rule, sent_at, received_at)
             SELECT 'auto', id, 7, 'outbound', 'text', 'auto_reply', ?1, ?1 FROM conversation WHERE customer = '15550001'",
            [NOW - 4_990],
        )
        .unwrap();
        let m = metrics(&store, 7, NOW - 86_400, NOW).unwrap();
        assert_eq!((m.turns, m.answered, m.pending), (1, 0, 1));
        assert_eq!(m.response_rate, None, "nothing decided yet");
        conn.execute(
            "INSERT INTO message (wamid, conversation_id, vendor_id, direction, kind, sent_at, received_at)
             SELECT 'human', id, 7, 'outbound', 'text', ?1, ?1 FROM conversation WHERE customer = '15550001'",
            [NOW - 4_000],
        )
        .unwrap();
        let m = metrics(&store, 7, NOW - 86_400, NOW).unwrap();
        assert_eq!((m.turns, m.answered), (1, 1));
        assert_eq!(m.average_response_seconds, Some(1_000));
    }

    #[test]
    fn no_traffic_means_no_figures() {
        let m = metrics(&store(), 7, 0, NOW).unwrap();
        assert_eq!(
            m,
            ResponseMetrics {
                turns: 0,
                answered: 0,
                pending: 0,
                response_rate: None,
                average_response_seconds: None
            }
        );
    }
}
