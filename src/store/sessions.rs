//! Vendor WhatsApp sessions: the per-vendor record (`vendor_session`), its event
//! history (`session_event`) and the starts the hourly limit counts (`session_start`).

use super::sql::{Db, OptionalExtension, Row as SqlRow, params};

use super::{Store, StoreError, WriteTx, text_column};
use crate::session::{HistoryEntry, Reason, Row, SessionState, Source};

text_column!(SessionState: SessionState::as_str, SessionState::parse);
text_column!(Reason: Reason::as_str, Reason::parse);
text_column!(Source {
    Source::Vendor => "vendor",
    Source::Webhook => "webhook",
    Source::Poll => "poll",
    Source::System => "system",
});

/// One entry to add to a vendor's session history.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionEventRecord<'e> {
    /// The vendor.
    pub vendor_id: u64,
    /// The gateway's event id, for deduplication.
    pub event_id: Option<&'e str>,
    /// Where the input came from.
    pub source: Source,
    /// What happened (`connect`, `gateway:WORKING`, …).
    pub input: &'e str,
    /// State before.
    pub from: SessionState,
    /// State after (equal to before when not applied).
    pub to: SessionState,
    /// Whether it changed the session.
    pub applied: bool,
    /// When it happened (Unix ms).
    pub occurred_ms: i64,
    /// When it was recorded (Unix seconds).
    pub recorded_at: i64,
}

/// Vendor sessions, inside or outside a transaction.
pub struct SessionRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Vendor sessions.
    pub fn sessions(&self) -> SessionRepo<'_> {
        SessionRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Vendor sessions, inside this transaction.
    pub fn sessions(&self) -> SessionRepo<'_> {
        SessionRepo { conn: self.conn() }
    }
}

fn vendor(vendor_id: u64) -> i64 {
    i64::try_from(vendor_id).unwrap_or(i64::MAX)
}

const ROW_SELECT: &str =
    "SELECT vendor_id, session_name, state, reason, phone, push_name, since, updated_at,
        last_event_ms, phone_seen_at, qr_value, qr_seq, qr_issued_at,
        pairing_code, pairing_phone, pairing_issued_at
 FROM vendor_session";

fn row_from(r: &SqlRow<'_>) -> Result<Row, StoreError> {
    Ok(Row {
        vendor_id: r.get::<_, i64>(0)?.max(0) as u64,
        session_name: r.get(1)?,
        state: r.get(2)?,
        // A reason this build does not know reads as none.
        reason: r
            .get::<_, Option<String>>(3)?
            .as_deref()
            .and_then(Reason::parse),
        phone: r.get(4)?,
        push_name: r.get(5)?,
        since: r.get(6)?,
        updated_at: r.get(7)?,
        last_event_ms: r.get(8)?,
        phone_seen_at: r.get(9)?,
        qr_value: r.get(10)?,
        qr_seq: r.get(11)?,
        qr_issued_at: r.get(12)?,
        pairing_code: r.get(13)?,
        pairing_phone: r.get(14)?,
        pairing_issued_at: r.get(15)?,
    })
}

impl SessionRepo<'_> {
    /// The vendor's session record.
    pub(crate) fn load(&self, vendor_id: u64) -> Result<Option<Row>, StoreError> {
        self.conn
            .query_row(
                &format!("{ROW_SELECT} WHERE vendor_id = ?1"),
                [vendor(vendor_id)],
                row_from,
            )
            .optional()
    }

    /// The session record with this gateway session name.
    pub(crate) fn load_by_name(&self, session_name: &str) -> Result<Option<Row>, StoreError> {
        self.conn
            .query_row(
                &format!("{ROW_SELECT} WHERE session_name = ?1"),
                [session_name],
                row_from,
            )
            .optional()
    }

    /// Writes the vendor's session record.
    pub(crate) fn save(&self, row: &Row) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO vendor_session (vendor_id, session_name, state, reason, phone, push_name, since,
                                         updated_at, last_event_ms, phone_seen_at, qr_value, qr_seq, qr_issued_at,
                                         pairing_code, pairing_phone, pairing_issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (vendor_id) DO UPDATE SET
                 session_name = excluded.session_name, state = excluded.state, reason = excluded.reason,
                 phone = excluded.phone, push_name = excluded.push_name, since = excluded.since,
                 updated_at = excluded.updated_at, last_event_ms = excluded.last_event_ms,
                 phone_seen_at = excluded.phone_seen_at, qr_value = excluded.qr_value,
                 qr_seq = excluded.qr_seq, qr_issued_at = excluded.qr_issued_at,
                 pairing_code = excluded.pairing_code, pairing_phone = excluded.pairing_phone,
                 pairing_issued_at = excluded.pairing_issued_at",
            params![
                vendor(row.vendor_id),
                row.session_name,
                row.state,
                row.reason,
                row.phone,
                row.push_name,
                row.since,
                row.updated_at,
                row.last_event_ms,
                row.phone_seen_at,
                row.qr_value,
                row.qr_seq,
                row.qr_issued_at,
                row.pairing_code,
                row.pairing_phone,
                row.pairing_issued_at,
            ],
        )?;
        Ok(())
    }

    /// Whether the gateway event `event_id` was recorded before.
    pub fn event_seen(&self, event_id: &str) -> Result<bool, StoreError> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM session_event WHERE event_id = ?1)",
            [event_id],
            |r| r.get(0),
        )
    }

    /// Adds an entry to the vendor's session history.
    pub(crate) fn record_event(&self, event: &SessionEventRecord<'_>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO session_event (vendor_id, event_id, source, input, from_state, to_state, applied, occurred_ms, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                vendor(event.vendor_id),
                event.event_id,
                event.source,
                event.input,
                event.from,
                event.to,
                event.applied,
                event.occurred_ms,
                event.recorded_at,
            ],
        )?;
        Ok(())
    }

    /// The vendor other than `except_vendor` whose connected session has `phone`.
    pub fn phone_owner(&self, phone: &str, except_vendor: u64) -> Result<Option<u64>, StoreError> {
        let owner: Option<i64> = self
            .conn
            .query_row(
                "SELECT vendor_id FROM vendor_session WHERE phone = ?1 AND state = ?3 AND vendor_id != ?2",
                params![phone, vendor(except_vendor), SessionState::Connected],
                |r| r.get(0),
            )
            .optional()?;
        Ok(owner.map(|v| v.max(0) as u64))
    }

    /// The vendor's session starts within the hour before `now`: how many, and when the
    /// oldest was. Older starts are forgotten on the way.
    pub fn starts_in_last_hour(
        &self,
        vendor_id: u64,
        now: i64,
    ) -> Result<(u32, Option<i64>), StoreError> {
        self.conn.execute(
            "DELETE FROM session_start WHERE started_at <= ?1",
            [now - 3600],
        )?;
        self.conn.query_row(
            "SELECT COUNT(*), MIN(started_at) FROM session_start WHERE vendor_id = ?1",
            [vendor(vendor_id)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Counts a session start.
    pub fn record_start(&self, vendor_id: u64, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO session_start (vendor_id, started_at) VALUES (?1, ?2)",
            [vendor(vendor_id), now],
        )?;
        Ok(())
    }

    /// The vendor's `limit` most recent session events, newest first.
    pub fn history(&self, vendor_id: u64, limit: u32) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT input, source, from_state, to_state, applied, recorded_at FROM session_event
             WHERE vendor_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![vendor(vendor_id), limit], |r| {
            Ok(HistoryEntry {
                input: r.get(0)?,
                source: r.get(1)?,
                from_state: r.get(2)?,
                to_state: r.get(3)?,
                applied: r.get(4)?,
                recorded_at: r.get(5)?,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }
}
