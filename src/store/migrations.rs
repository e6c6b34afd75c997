//! Ordered schema migrations. Each entry moves the schema from version `index` to
//! `index + 1`; `PRAGMA user_version` records how far a file has come. Entries are
//! append-only: a released migration is never edited.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: the activity log, the per-vendor session record with its event history, and
    // the session starts that the start limit counts.
    "CREATE TABLE activity_log (
         id         INTEGER PRIMARY KEY,
         vendor_id  INTEGER NOT NULL DEFAULT 0 CHECK (vendor_id >= 0),
         level      TEXT    NOT NULL CHECK (level IN ('debug','info','notice','warning','error')),
         kind       TEXT    NOT NULL,
         message    TEXT    NOT NULL,
         context    TEXT    NOT NULL DEFAULT '{}',
         created_at INTEGER NOT NULL
     );
     CREATE INDEX activity_log_vendor ON activity_log (vendor_id, id);
     CREATE INDEX activity_log_created ON activity_log (created_at);

     CREATE TABLE vendor_session (
         vendor_id     INTEGER PRIMARY KEY CHECK (vendor_id > 0),
         session_name  TEXT    NOT NULL UNIQUE,
         state         TEXT    NOT NULL,
         reason        TEXT,
         phone         TEXT,
         push_name     TEXT,
         since         INTEGER NOT NULL,
         updated_at    INTEGER NOT NULL,
         last_event_ms INTEGER NOT NULL DEFAULT 0,
         phone_seen_at INTEGER,
         qr_value      TEXT,
         qr_seq        INTEGER NOT NULL DEFAULT 0,
         qr_issued_at  INTEGER
     );
     -- A phone number links to one vendor at a time.
     CREATE UNIQUE INDEX vendor_session_phone ON vendor_session (phone)
         WHERE phone IS NOT NULL AND state = 'connected';

     CREATE TABLE session_event (
         id          INTEGER PRIMARY KEY,
         vendor_id   INTEGER NOT NULL,
         event_id    TEXT,
         source      TEXT    NOT NULL,
         input       TEXT    NOT NULL,
         from_state  TEXT    NOT NULL,
         to_state    TEXT    NOT NULL,
         applied     INTEGER NOT NULL,
         occurred_ms INTEGER NOT NULL,
         recorded_at INTEGER NOT NULL
     );
     CREATE UNIQUE INDEX session_event_dedupe ON session_event (event_id) WHERE event_id IS NOT NULL;
     CREATE INDEX session_event_vendor ON session_event (vendor_id, id);

     CREATE TABLE session_start (
         vendor_id  INTEGER NOT NULL,
         started_at INTEGER NOT NULL
     );
     CREATE INDEX session_start_vendor ON session_start (vendor_id, started_at);",
    // 2: the catalog as last sent per retailer id, and resumable sync jobs.
    "CREATE TABLE catalog_item (
         catalog_id   TEXT    NOT NULL,
         retailer_id  TEXT    NOT NULL,
         vendor_id    INTEGER NOT NULL,
         product_id   INTEGER NOT NULL,
         state        TEXT    NOT NULL CHECK (state IN ('pending','synced','rejected','invalid','deleting')),
         problems     TEXT    NOT NULL DEFAULT '[]',
         want_hash    TEXT,
         sent_hash    TEXT,
         updated_at   INTEGER NOT NULL,
         synced_at    INTEGER,
         PRIMARY KEY (catalog_id, retailer_id)
     );
     CREATE INDEX catalog_item_vendor ON catalog_item (vendor_id, catalog_id, state);

     CREATE TABLE sync_job (
         id            INTEGER PRIMARY KEY,
         vendor_id     INTEGER NOT NULL,
         catalog_id    TEXT    NOT NULL,
         state         TEXT    NOT NULL CHECK (state IN ('running','done','failed')),
         total         INTEGER NOT NULL,
         error         TEXT,
         wait_until_ms INTEGER NOT NULL DEFAULT 0,
         attempts      INTEGER NOT NULL DEFAULT 0,
         lease_until_ms INTEGER NOT NULL DEFAULT 0,
         created_at    INTEGER NOT NULL,
         updated_at    INTEGER NOT NULL,
         finished_at   INTEGER
     );
     CREATE INDEX sync_job_vendor ON sync_job (vendor_id, id);

     CREATE TABLE sync_batch (
         job_id     INTEGER NOT NULL REFERENCES sync_job (id) ON DELETE CASCADE,
         batch_no   INTEGER NOT NULL,
         state      TEXT    NOT NULL CHECK (state IN ('queued','sent','finished')),
         handle     TEXT,
         polled_ms  INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY (job_id, batch_no)
     );

     CREATE TABLE sync_op (
         job_id      INTEGER NOT NULL REFERENCES sync_job (id) ON DELETE CASCADE,
         seq         INTEGER NOT NULL,
         batch_no    INTEGER NOT NULL,
         retailer_id TEXT    NOT NULL,
         method      TEXT    NOT NULL CHECK (method IN ('CREATE','UPDATE','DELETE')),
         data        TEXT    NOT NULL,
         hash        TEXT,
         state       TEXT    NOT NULL CHECK (state IN ('queued','done','rejected')),
         error       TEXT,
         PRIMARY KEY (job_id, seq)
     );
     CREATE INDEX sync_op_batch ON sync_op (job_id, batch_no);",
    // 3: customer conversations and messages per vendor, delivery statuses, pending
    // vendor menus.
    "CREATE TABLE conversation (
         id              INTEGER PRIMARY KEY,
         vendor_id       INTEGER NOT NULL CHECK (vendor_id >= 0),
         customer        TEXT    NOT NULL,
         customer_name   TEXT,
         product         TEXT,
         last_text       TEXT,
         last_message_at INTEGER NOT NULL,
         last_inbound_at INTEGER,
         unread          INTEGER NOT NULL DEFAULT 0,
         created_at      INTEGER NOT NULL,
         UNIQUE (vendor_id, customer)
     );
     CREATE INDEX conversation_customer ON conversation (customer, last_message_at);
     CREATE INDEX conversation_vendor ON conversation (vendor_id, last_message_at);

     CREATE TABLE message (
         id              INTEGER PRIMARY KEY,
         wamid           TEXT    NOT NULL,
         conversation_id INTEGER NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
         vendor_id       INTEGER NOT NULL,
         direction       TEXT    NOT NULL CHECK (direction IN ('inbound','echo','outbound')),
         kind            TEXT    NOT NULL,
         text            TEXT,
         rule            TEXT,
         route           TEXT    NOT NULL DEFAULT '{}',
         status          TEXT,
         error_code      INTEGER,
         error_title     TEXT,
         raw             TEXT    NOT NULL DEFAULT '{}',
         sent_at         INTEGER NOT NULL,
         received_at     INTEGER NOT NULL,
         UNIQUE (wamid, vendor_id)
     );
     CREATE INDEX message_conversation ON message (conversation_id, id);

     CREATE TABLE message_status (
         wamid      TEXT    NOT NULL,
         status     TEXT    NOT NULL,
         at         INTEGER NOT NULL,
         PRIMARY KEY (wamid, status)
     );

     CREATE TABLE vendor_menu (
         customer  TEXT    PRIMARY KEY,
         asked_at  INTEGER NOT NULL
     );",
    // 4: vendors' answers seen through their linked sessions (response metrics).
    "CREATE TABLE vendor_reply (
         vendor_id  INTEGER NOT NULL CHECK (vendor_id > 0),
         gateway_id TEXT    NOT NULL,
         customer   TEXT    NOT NULL,
         sent_at    INTEGER NOT NULL,
         PRIMARY KEY (vendor_id, gateway_id)
     );
     CREATE INDEX vendor_reply_customer ON vendor_reply (vendor_id, customer, sent_at);",
    // 5: when a sync job's end was reported (the activity-log line is written once,
    // whichever worker sees the job finish first). Jobs already finished count as
    // reported.
    "ALTER TABLE sync_job ADD COLUMN reported_at INTEGER;
     UPDATE sync_job SET reported_at = finished_at WHERE state IN ('done','failed');",
    // 6: activity-log events as a code plus params the plugin words in the reader's
    // language. Older rows keep only their stored message (code NULL).
    "ALTER TABLE activity_log ADD COLUMN code TEXT;
     ALTER TABLE activity_log ADD COLUMN params TEXT NOT NULL DEFAULT '{}';",
    // 7: the vendor directory customer messages are routed with, kept by the plugin
    // (user, profile and marketplace hooks), so a webhook reads it from here instead of
    // having WordPress list every vendor first.
    "CREATE TABLE vendor_listing (
         vendor_id   INTEGER PRIMARY KEY CHECK (vendor_id > 0),
         chosen_code TEXT    NOT NULL DEFAULT '',
         store_name  TEXT    NOT NULL DEFAULT ''
     );",
    // 8: each product's catalog check (ready, invalid with its problems, not listed),
    // stored when the product changes, so the dashboard reads counts instead of
    // validating the whole catalog on every view; and the rules each vendor's last
    // whole pass was made under.
    "CREATE TABLE catalog_check (
         product_id  INTEGER PRIMARY KEY CHECK (product_id > 0),
         parent_id   INTEGER NOT NULL,
         vendor_id   INTEGER NOT NULL CHECK (vendor_id > 0),
         retailer_id TEXT    NOT NULL,
         status      TEXT    NOT NULL CHECK (status IN ('ready','invalid','not_listed')),
         problems    TEXT    NOT NULL DEFAULT '[]',
         checked_at  INTEGER NOT NULL
     );
     CREATE INDEX catalog_check_vendor ON catalog_check (vendor_id, status, product_id);
     CREATE INDEX catalog_check_parent ON catalog_check (parent_id);
     CREATE TABLE catalog_check_pass (
         vendor_id  INTEGER PRIMARY KEY CHECK (vendor_id > 0),
         rules_key  TEXT    NOT NULL,
         checked_at INTEGER NOT NULL
     );",
    // The WhatsApp Business account's message templates, as last listed or changed by
    // a webhook (a changed category or status keeps the previous value and is flagged
    // until an administrator acknowledges it), and the account each business number
    // belongs to, so sends from it are checked against that account's list.
    "CREATE TABLE message_template (
         waba_id             TEXT    NOT NULL,
         name                TEXT    NOT NULL,
         language            TEXT    NOT NULL,
         template_id         TEXT    NOT NULL DEFAULT '',
         category            TEXT    NOT NULL,
         status              TEXT    NOT NULL,
         components          TEXT    NOT NULL DEFAULT '[]',
         parameter_count     INTEGER NOT NULL DEFAULT 0,
         previous_category   TEXT,
         category_changed_at INTEGER,
         previous_status     TEXT,
         status_changed_at   INTEGER,
         flagged             INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
         refreshed_at        INTEGER NOT NULL,
         PRIMARY KEY (waba_id, name, language)
     );
     CREATE TABLE template_account (
         phone_number_id TEXT    PRIMARY KEY,
         waba_id         TEXT    NOT NULL,
         refreshed_at    INTEGER NOT NULL
     );",
    // 10: carts customers sent from the catalog (`order` messages), once per wamid, with
    // the state that makes one cart at most one order (received → claimed → ordered |
    // refused), what the order rule found, and the order (or sub-order) each vendor's
    // part became.
    "CREATE TABLE cart (
         wamid           TEXT    PRIMARY KEY,
         phone_number_id TEXT    NOT NULL,
         customer        TEXT    NOT NULL,
         customer_name   TEXT,
         catalog_id      TEXT,
         note            TEXT,
         lines           TEXT    NOT NULL,
         state           TEXT    NOT NULL CHECK (state IN ('received','claimed','ordered','refused')),
         order_id        INTEGER,
         refusal         TEXT,
         problems        TEXT    NOT NULL DEFAULT '[]',
         received_at     INTEGER NOT NULL,
         claimed_at      INTEGER,
         finished_at     INTEGER
     );
     CREATE INDEX cart_customer ON cart (customer, received_at);
     CREATE TABLE cart_part (
         wamid      TEXT    NOT NULL REFERENCES cart (wamid) ON DELETE CASCADE,
         vendor_id  INTEGER NOT NULL CHECK (vendor_id >= 0),
         order_id   INTEGER NOT NULL CHECK (order_id > 0),
         created_at INTEGER NOT NULL,
         PRIMARY KEY (wamid, vendor_id)
     );
     CREATE INDEX cart_part_vendor ON cart_part (vendor_id, created_at);",
    // 11: customers' consent to WhatsApp messages (append-only; the latest record per
    // customer and purpose is the current state), their open invitations to opt in by
    // replying on WhatsApp, and order updates: one row per (order, event), whose key
    // makes each update go out at most once.
    "CREATE TABLE consent (
         id         INTEGER PRIMARY KEY,
         customer   TEXT    NOT NULL,
         purpose    TEXT    NOT NULL CHECK (purpose IN ('order_updates','marketing')),
         granted    INTEGER NOT NULL CHECK (granted IN (0,1)),
         source     TEXT    NOT NULL CHECK (source IN ('checkout','whatsapp','admin')),
         text       TEXT    NOT NULL,
         order_id   INTEGER,
         created_at INTEGER NOT NULL
     );
     CREATE INDEX consent_customer ON consent (customer, purpose, id);
     CREATE TABLE consent_invitation (
         customer   TEXT    PRIMARY KEY,
         order_id   INTEGER,
         text       TEXT    NOT NULL,
         invited_at INTEGER NOT NULL
     );
     CREATE TABLE order_update (
         order_id   INTEGER NOT NULL CHECK (order_id > 0),
         event      TEXT    NOT NULL CHECK (event IN ('processing','completed','refunded','cancelled','failed','on_hold','shipped')),
         vendor_id  INTEGER NOT NULL DEFAULT 0 CHECK (vendor_id >= 0),
         customer   TEXT    NOT NULL,
         template   TEXT    NOT NULL,
         language   TEXT    NOT NULL,
         state      TEXT    NOT NULL CHECK (state IN ('sending','sent','retry','waiting','failed','skipped')),
         attempts   INTEGER NOT NULL DEFAULT 0,
         wamid      TEXT,
         error      TEXT,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL,
         PRIMARY KEY (order_id, event)
     );
     CREATE INDEX order_update_vendor ON order_update (vendor_id, updated_at);
     CREATE INDEX order_update_customer ON order_update (customer);",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration the file has not seen yet, each in its own transaction, so a
/// worker killed half-way leaves the file at a consistent version.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        // IMMEDIATE takes the write lock up front: two workers opening a fresh file at
        // once serialize here instead of both trying the same migration.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seen: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if seen >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(
            kind = "store",
            code = "store_migrated",
            schema_version = version,
            "Store schema migrated to version {version}"
        );
    }
    Ok(())
}
