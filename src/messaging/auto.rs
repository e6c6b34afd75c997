//! Automatic replies on a vendor's behalf: an acknowledgement naming the vendor while
//! they are open, and an away message outside their business hours. A customer gets at
//! most one automatic reply per [`QUIET_SECONDS`], and none while the vendor is already
//! talking to them, so a conversation never fills with robot answers.

use serde::Serialize;

use super::{Limits, MessagingError, Outbound, send};
use crate::cloud::CloudClient;
use crate::store::Store;

/// After any message to a customer (automatic or not), no automatic reply for this long.
pub const QUIET_SECONDS: i64 = 12 * 3600;

/// Minutes in a day.
const DAY_MINUTES: u16 = 24 * 60;

/// Opening hours of one day, in minutes since local midnight. A close at or before the
/// open runs past midnight into the next day (e.g. 18:00–02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    /// Opening minute (0–1439).
    pub open: u16,
    /// Closing minute (0–1440).
    pub close: u16,
}

/// A vendor's automatic-reply preferences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoReplies {
    /// Text acknowledging a new message while open (`None`: no acknowledgement).
    /// `{vendor}` is replaced by the vendor's store name.
    pub acknowledgement: Option<String>,
    /// Opening hours Monday (index 0) to Sunday; `None` for the whole week means the
    /// vendor set no hours (always open); `Some` with a `None` day means closed that day.
    pub hours: Option<[Option<DayHours>; 7]>,
    /// Text sent outside the hours (`None`: nothing). `{vendor}` as above.
    pub away_message: Option<String>,
}

/// The vendor's local time, as WordPress's timezone setting gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// Minutes since local midnight.
    pub minute: u16,
}

/// Which automatic reply applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoReplyKind {
    /// The vendor is open: "thanks, {vendor} will answer soon".
    Acknowledgement,
    /// The vendor is closed: the away message.
    Away,
}

/// An automatic reply that went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoReplySent {
    /// Which one.
    pub kind: AutoReplyKind,
    /// Its text.
    pub text: String,
    /// The API's message id.
    pub wamid: String,
}

/// Why no automatic reply went out, when none did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoAutoReply {
    /// The vendor turned the applicable reply off.
    Off,
    /// The customer heard from the vendor or the marketplace recently.
    Quiet,
}

impl AutoReplies {
    /// Whether the vendor is open at `at`.
    pub fn is_open(&self, at: LocalTime) -> bool {
        let Some(week) = &self.hours else {
            return true;
        };
        let day = usize::from(at.weekday % 7);
        let yesterday = (day + 6) % 7;
        let minute = at.minute.min(DAY_MINUTES - 1);
        let today_open = week[day].is_some_and(|h| {
            if h.close > h.open {
                (h.open..h.close).contains(&minute)
            } else {
                minute >= h.open
            }
        });
        let overnight_from_yesterday =
            week[yesterday].is_some_and(|h| h.close <= h.open && minute < h.close);
        today_open || overnight_from_yesterday
    }

    /// The reply that applies at `at`, with `{vendor}` filled in.
    pub fn choose(
        &self,
        at: LocalTime,
        vendor_name: &str,
    ) -> Result<(AutoReplyKind, String), NoAutoReply> {
        let (kind, template) = if self.is_open(at) {
            (AutoReplyKind::Acknowledgement, &self.acknowledgement)
        } else {
            (AutoReplyKind::Away, &self.away_message)
        };
        let text = template
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(NoAutoReply::Off)?;
        Ok((kind, text.replace("{vendor}", vendor_name.trim())))
    }
}

/// Sends the automatic reply that applies to a customer who just wrote to `vendor_id`,
/// unless the vendor turned it off or the customer heard from anyone recently. The reply
/// counts toward the vendor's allowance like any message sent on their behalf.
#[allow(clippy::too_many_arguments)]
pub async fn reply(
    store: &Store,
    client: &CloudClient,
    phone_number_id: &str,
    vendor_id: u64,
    customer: &str,
    replies: &AutoReplies,
    vendor_name: &str,
    at: LocalTime,
    limits: &Limits,
    now: i64,
) -> Result<Result<AutoReplySent, NoAutoReply>, MessagingError> {
    let (kind, text) = match replies.choose(at, vendor_name) {
        Ok(chosen) => chosen,
        Err(why) => return Ok(Err(why)),
    };
    let since = now - QUIET_SECONDS;
    if store
        .messages()
        .answered_since(vendor_id, customer, since)?
    {
        return Ok(Err(NoAutoReply::Quiet));
    }
    // A robot's answer is not the vendor reading the conversation.
    let unread = store.messages().unread(vendor_id, customer)?;
    let sent = send(
        store,
        client,
        phone_number_id,
        vendor_id,
        customer,
        &Outbound::Text(text.clone()),
        limits,
        now,
    )
    .await?;
    // Marked so that response metrics do not take it for the vendor's answer.
    let messages = store.messages();
    messages.mark_auto_reply(vendor_id, &sent.wamid)?;
    messages.set_unread(vendor_id, customer, unread.unwrap_or(0))?;
    tracing::info!(
        vendor_id,
        kind = "message",
        code = "auto_reply_sent",
        auto_reply = match kind {
            AutoReplyKind::Acknowledgement => "acknowledgement",
            AutoReplyKind::Away => "away",
        },
        "Sent an automatic {} to a customer",
        match kind {
            AutoReplyKind::Acknowledgement => "acknowledgement",
            AutoReplyKind::Away => "away message",
        }
    );
    Ok(Ok(AutoReplySent {
        kind,
        text,
        wamid: sent.wamid,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn hours(open: u16, close: u16) -> Option<DayHours> {
        Some(DayHours { open, close })
    }

    fn at(weekday: u8, h: u16, m: u16) -> LocalTime {
        LocalTime {
            weekday,
            minute: h * 60 + m,
        }
    }

    fn weekdays_nine_to_five() -> AutoReplies {
        AutoReplies {
            acknowledgement: Some("Thanks! {vendor} will reply soon.".into()),
            hours: Some([
                hours(540, 1020),
                hours(540, 1020),
                hours(540, 1020),
                hours(540, 1020),
                hours(540, 1020),
                None,
                None,
            ]),
            away_message: Some("{vendor} is closed now; we answer from 9:00.".into()),
        }
    }

    #[test]
    fn business_hours_decide_between_acknowledgement_and_away() {
        let r = weekdays_nine_to_five();
        assert_eq!(
            r.choose(at(0, 9, 0), " Acme Store "),
            Ok((
                AutoReplyKind::Acknowledgement,
                "Thanks! Acme Store will reply soon.".into()
            ))
        );
        assert_eq!(
            r.choose(at(4, 16, 59), "A").unwrap().0,
            AutoReplyKind::Acknowledgement
        );
        assert_eq!(
            r.choose(at(4, 17, 0), "Acme Store"),
            Ok((
                AutoReplyKind::Away,
                "Acme Store is closed now; we answer from 9:00.".into()
            ))
        );
        assert_eq!(r.choose(at(0, 8, 59), "A").unwrap().0, AutoReplyKind::Away);
        assert_eq!(
            r.choose(at(5, 12, 0), "A").unwrap().0,
            AutoReplyKind::Away,
            "closed on Saturday"
        );
    }

    #[test]
    fn hours_past_midnight_carry_into_the_next_day() {
        let mut week = [None; 7];
        week[4] = hours(18 * 60, 2 * 60); // Friday 18:00 – Saturday 02:00
        let r = AutoReplies {
            hours: Some(week),
            ..AutoReplies::default()
        };
        assert!(r.is_open(at(4, 23, 30)));
        assert!(r.is_open(at(5, 1, 59)));
        assert!(!r.is_open(at(5, 2, 0)));
        assert!(!r.is_open(at(4, 17, 59)));
        assert!(
            !r.is_open(at(3, 1, 0)),
            "Thursday night is not Friday night"
        );
    }

    #[test]
    fn no_hours_means_always_open_and_empty_texts_mean_off() {
        let r = AutoReplies {
            acknowledgement: Some("   ".into()),
            hours: None,
            away_message: Some("Closed".into()),
        };
        assert!(r.is_open(at(6, 3, 0)));
        assert_eq!(r.choose(at(6, 3, 0), "A"), Err(NoAutoReply::Off));
        assert_eq!(
            AutoReplies::default().choose(at(0, 0, 0), "A"),
            Err(NoAutoReply::Off)
        );
    }
}
