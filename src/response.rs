//! How well vendors answer their customers: the replies a vendor sends from their own
//! WhatsApp (seen as `message.any` events of their linked session) or through the
//! marketplace number, set against the messages customers sent them.
//!
//! A customer *turn* starts with the first inbound message after the vendor's last
//! answer to that customer. It is answered by the vendor's next reply; the response time
//! is the time between the two. A turn without a reply after [`ANSWER_DEADLINE_SECONDS`]
//! counts as unanswered; a younger one is still pending and counts in neither.

use serde::Serialize;

use crate::store::{Store, StoreError, TurnEvent};

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
    store
        .responses()
        .record_reply(vendor_id, gateway_id, customer, sent_at)
}

/// The vendor's figures for turns that started at or after `since`.
pub fn metrics(
    store: &Store,
    vendor_id: u64,
    since: i64,
    now: i64,
) -> Result<ResponseMetrics, StoreError> {
    // Answers from before `since` close earlier turns.
    let rows = store
        .responses()
        .timeline(vendor_id, since, since - ANSWER_DEADLINE_SECONDS)?;

    let mut figures = Tally::default();
    let mut customer: Option<String> = None;
    let mut open_turn: Option<i64> = None;
    for TurnEvent {
        customer: who,
        at,
        inbound,
    } in rows
    {
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
    use crate::store::{SentRecord, testing};

    const NOW: i64 = 1_795_503_600;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    fn inbound(store: &Store, vendor: u64, customer: &str, wamid: &str, at: i64) {
        testing::customer_message(store, vendor, customer, wamid, at);
    }

    /// A text sent to the customer through the marketplace number, as `messaging::send`
    /// records it; an automatic reply is then marked as `messaging::auto` marks it.
    fn sent(store: &Store, vendor_id: u64, customer: &str, wamid: &str, at: i64, automatic: bool) {
        store
            .messages()
            .record_sent(
                None,
                &SentRecord {
                    vendor_id,
                    customer,
                    wamid,
                    kind: "text",
                    preview: "",
                    raw: "{}",
                    at,
                    pricing_category: "service",
                },
            )
            .unwrap();
        if automatic {
            store.messages().mark_auto_reply(vendor_id, wamid).unwrap();
        }
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
        assert_eq!(testing::vendor_replies(&store).len(), 1);
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
        sent(&store, 7, "15550001", "auto", NOW - 4_990, true);
        let m = metrics(&store, 7, NOW - 86_400, NOW).unwrap();
        assert_eq!((m.turns, m.answered, m.pending), (1, 0, 1));
        assert_eq!(m.response_rate, None, "nothing decided yet");
        sent(&store, 7, "15550001", "human", NOW - 4_000, false);
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
