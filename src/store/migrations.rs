//! Ordered schema migrations, one list for both engines. Each entry moves the schema
//! from version `index` to `index + 1`; `PRAGMA user_version` (SQLite) or the `schema`
//! table (MariaDB) records how far a store has come. Entries are
//! append-only: a released migration is never edited.

use super::StoreError;
use super::sql::{Db, Engine, params};

const SQLITE: &[&str] = &[
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
    // 12: sends under way: a send reserves its place in the vendor's monthly
    // allowance and the customer's pacing inside the write transaction, before the API
    // call, so two workers (on one web server or several) cannot both take the last
    // place; the reservation goes when the send is recorded or fails.
    "CREATE TABLE send_reservation (
         id          INTEGER PRIMARY KEY,
         vendor_id   INTEGER NOT NULL CHECK (vendor_id >= 0),
         customer    TEXT    NOT NULL,
         reserved_at INTEGER NOT NULL
     );
     CREATE INDEX send_reservation_vendor ON send_reservation (vendor_id, reserved_at);
     CREATE INDEX send_reservation_customer ON send_reservation (customer, reserved_at);",
    // 13: the pairing code a vendor types on the phone instead of scanning, with the
    // number it links and when it was issued (it expires like a QR code).
    "ALTER TABLE vendor_session ADD COLUMN pairing_code TEXT;
     ALTER TABLE vendor_session ADD COLUMN pairing_phone TEXT;
     ALTER TABLE vendor_session ADD COLUMN pairing_issued_at INTEGER;",
    // 14: what each outbound message costs: its pricing category as classified when it
    // was sent, replaced by the `pricing` object of its latest status (`billable`,
    // `type`, `pricing_model`; `pricing_at` is that status's time, so a status that
    // arrives late does not undo a newer one). Sends under way carry the category they
    // are expected to be billed under, so a cost cap counts them at their price. The
    // index serves the month's usage per vendor.
    "ALTER TABLE message ADD COLUMN pricing_category TEXT;
     ALTER TABLE message ADD COLUMN billable INTEGER;
     ALTER TABLE message ADD COLUMN pricing_type TEXT;
     ALTER TABLE message ADD COLUMN pricing_model TEXT;
     ALTER TABLE message ADD COLUMN pricing_at INTEGER;
     ALTER TABLE send_reservation ADD COLUMN pricing_category TEXT;
     CREATE INDEX message_vendor_month ON message (vendor_id, received_at);",
    // 15: the state of each WhatsApp Business account as its `account_update`
    // webhooks (coexistence) set it, with the event it came from: `event_at` orders
    // the events (a redelivered or older one changes nothing).
    "CREATE TABLE business_account (
         waba_id      TEXT    PRIMARY KEY,
         state        TEXT    NOT NULL CHECK (state IN ('connected','offboarded','disconnected')),
         last_event   TEXT    NOT NULL,
         reason       TEXT,
         initiated_by TEXT,
         phone_number TEXT,
         event_at     INTEGER NOT NULL,
         changed_at   INTEGER NOT NULL
     );",
    // 16: who each customer is: the key every other table names them by (`customer`:
    // the phone digits of a customer first seen with a phone, else their BSUID), and
    // every identifier WhatsApp gives for them since 2026, each nullable and each
    // matched on: phone, business-scoped user id (BSUID), parent BSUID, username. The
    // key never changes, so a new BSUID or phone number moves no rows.
    "CREATE TABLE customer_identity (
         customer     TEXT    PRIMARY KEY,
         phone        TEXT    UNIQUE,
         bsuid        TEXT    UNIQUE,
         parent_bsuid TEXT,
         username     TEXT,
         created_at   INTEGER NOT NULL,
         updated_at   INTEGER NOT NULL
     );
     CREATE INDEX customer_identity_username ON customer_identity (username);
     CREATE INDEX customer_identity_parent ON customer_identity (parent_bsuid);",
    // 17: verified Cloud API webhooks the early ingest path queued for WordPress,
    // keyed by their signature (one row per delivery, whatever Meta redelivers); a
    // drain leases a row until `claimed_until` and deletes it once processed; a row
    // with `failed_at` is a dead letter kept for the administrator.
    "CREATE TABLE webhook_queue (
         id            INTEGER PRIMARY KEY,
         delivery_key  TEXT    NOT NULL UNIQUE,
         body          BLOB    NOT NULL,
         received_at   INTEGER NOT NULL,
         claimed_until INTEGER NOT NULL DEFAULT 0,
         attempts      INTEGER NOT NULL DEFAULT 0,
         last_error    TEXT,
         failed_at     INTEGER
     );
     CREATE INDEX webhook_queue_waiting ON webhook_queue (failed_at, claimed_until, id);",
    // 18: incremental catalog syncs. `catalog_change` lists the products that changed
    // since a vendor's last sync plan (product 0: all of them, after a bulk change),
    // in the order noted; a plan consumes the rows up to the one it read from. A full
    // plan records the rules fingerprint it was made under, so that a later sync
    // under the same rules may read only what changed.
    "CREATE TABLE catalog_change (
         seq        INTEGER PRIMARY KEY,
         vendor_id  INTEGER NOT NULL,
         product_id INTEGER NOT NULL
     );
     CREATE INDEX catalog_change_vendor ON catalog_change (vendor_id, seq);
     ALTER TABLE sync_job ADD COLUMN full_rules TEXT;",
    // 19: what each product was when a full read last read it for a catalog: a
    // fingerprint of its database rows, and when a scheduled sale of its starts or
    // ends. A full read leaves a product with the same fingerprint unread.
    "CREATE TABLE catalog_source (
         catalog_id      TEXT    NOT NULL,
         product_id      INTEGER NOT NULL,
         vendor_id       INTEGER NOT NULL,
         fingerprint     TEXT    NOT NULL,
         price_change_at INTEGER,
         PRIMARY KEY (catalog_id, product_id)
     );",
    // 20: a job planned page by page sends the pages planned while the next are read;
    // until its planner closes the plan (or stops renewing this), the job is not done
    // when its queued batches are.
    "ALTER TABLE sync_job ADD COLUMN planning_until_ms INTEGER NOT NULL DEFAULT 0;",
];
/// The same steps for MariaDB/MySQL, entry for entry: InnoDB tables in the binary
/// utf8mb4 collation (text compares byte for byte, as in SQLite), every table with a
/// primary key (Galera replicates only those), and statements safe to repeat
/// (`IF NOT EXISTS`), because Galera does not share the lock nodes take to migrate.
/// Table names are written bare and gain the site's prefix on the way (`sql::translate`).
/// SQLite's partial unique indexes become unique indexes on a generated column (NULL
/// where the condition is false; unique indexes allow many NULLs).
const MARIADB: &[&str] = &[
    // 1
    "CREATE TABLE IF NOT EXISTS activity_log (
         id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id  BIGINT NOT NULL DEFAULT 0 CHECK (vendor_id >= 0),
         level      VARCHAR(16) NOT NULL CHECK (level IN ('debug','info','notice','warning','error')),
         kind       VARCHAR(191) NOT NULL,
         message    TEXT NOT NULL,
         context    MEDIUMTEXT NOT NULL DEFAULT '{}',
         created_at BIGINT NOT NULL,
         INDEX activity_log_vendor (vendor_id, id),
         INDEX activity_log_created (created_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS vendor_session (
         vendor_id     BIGINT NOT NULL PRIMARY KEY CHECK (vendor_id > 0),
         session_name  VARCHAR(191) NOT NULL UNIQUE,
         state         VARCHAR(32) NOT NULL,
         reason        TEXT,
         phone         VARCHAR(64),
         push_name     TEXT,
         since         BIGINT NOT NULL,
         updated_at    BIGINT NOT NULL,
         last_event_ms BIGINT NOT NULL DEFAULT 0,
         phone_seen_at BIGINT,
         qr_value      TEXT,
         qr_seq        BIGINT NOT NULL DEFAULT 0,
         qr_issued_at  BIGINT,
         connected_phone VARCHAR(64) AS (IF(state = 'connected', phone, NULL)) VIRTUAL,
         UNIQUE INDEX vendor_session_phone (connected_phone)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS session_event (
         id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id   BIGINT NOT NULL,
         event_id    VARCHAR(191),
         source      VARCHAR(64) NOT NULL,
         input       TEXT NOT NULL,
         from_state  VARCHAR(32) NOT NULL,
         to_state    VARCHAR(32) NOT NULL,
         applied     BIGINT NOT NULL,
         occurred_ms BIGINT NOT NULL,
         recorded_at BIGINT NOT NULL,
         UNIQUE INDEX session_event_dedupe (event_id),
         INDEX session_event_vendor (vendor_id, id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS session_start (
         id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id  BIGINT NOT NULL,
         started_at BIGINT NOT NULL,
         INDEX session_start_vendor (vendor_id, started_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 2
    "CREATE TABLE IF NOT EXISTS catalog_item (
         catalog_id   VARCHAR(128) NOT NULL,
         retailer_id  VARCHAR(191) NOT NULL,
         vendor_id    BIGINT NOT NULL,
         product_id   BIGINT NOT NULL,
         state        VARCHAR(16) NOT NULL CHECK (state IN ('pending','synced','rejected','invalid','deleting')),
         problems     MEDIUMTEXT NOT NULL DEFAULT '[]',
         want_hash    VARCHAR(128),
         sent_hash    VARCHAR(128),
         updated_at   BIGINT NOT NULL,
         synced_at    BIGINT,
         PRIMARY KEY (catalog_id, retailer_id),
         INDEX catalog_item_vendor (vendor_id, catalog_id, state)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS sync_job (
         id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id      BIGINT NOT NULL,
         catalog_id     VARCHAR(128) NOT NULL,
         state          VARCHAR(16) NOT NULL CHECK (state IN ('running','done','failed')),
         total          BIGINT NOT NULL,
         error          TEXT,
         wait_until_ms  BIGINT NOT NULL DEFAULT 0,
         attempts       BIGINT NOT NULL DEFAULT 0,
         lease_until_ms BIGINT NOT NULL DEFAULT 0,
         created_at     BIGINT NOT NULL,
         updated_at     BIGINT NOT NULL,
         finished_at    BIGINT,
         INDEX sync_job_vendor (vendor_id, id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS sync_batch (
         job_id     BIGINT NOT NULL,
         batch_no   BIGINT NOT NULL,
         state      VARCHAR(16) NOT NULL CHECK (state IN ('queued','sent','finished')),
         handle     VARCHAR(191),
         polled_ms  BIGINT NOT NULL DEFAULT 0,
         PRIMARY KEY (job_id, batch_no),
         FOREIGN KEY (job_id) REFERENCES sync_job (id) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS sync_op (
         job_id      BIGINT NOT NULL,
         seq         BIGINT NOT NULL,
         batch_no    BIGINT NOT NULL,
         retailer_id VARCHAR(191) NOT NULL,
         method      VARCHAR(8) NOT NULL CHECK (method IN ('CREATE','UPDATE','DELETE')),
         data        MEDIUMTEXT NOT NULL,
         hash        VARCHAR(128),
         state       VARCHAR(16) NOT NULL CHECK (state IN ('queued','done','rejected')),
         error       TEXT,
         PRIMARY KEY (job_id, seq),
         INDEX sync_op_batch (job_id, batch_no),
         FOREIGN KEY (job_id) REFERENCES sync_job (id) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 3
    "CREATE TABLE IF NOT EXISTS conversation (
         id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id       BIGINT NOT NULL CHECK (vendor_id >= 0),
         customer        VARCHAR(191) NOT NULL,
         customer_name   TEXT,
         product         TEXT,
         last_text       TEXT,
         last_message_at BIGINT NOT NULL,
         last_inbound_at BIGINT,
         unread          BIGINT NOT NULL DEFAULT 0,
         created_at      BIGINT NOT NULL,
         UNIQUE INDEX conversation_vendor_customer (vendor_id, customer),
         INDEX conversation_customer (customer, last_message_at),
         INDEX conversation_vendor (vendor_id, last_message_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS message (
         id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         wamid           VARCHAR(191) NOT NULL,
         conversation_id BIGINT NOT NULL,
         vendor_id       BIGINT NOT NULL,
         direction       VARCHAR(16) NOT NULL CHECK (direction IN ('inbound','echo','outbound')),
         kind            VARCHAR(64) NOT NULL,
         text            TEXT,
         rule            VARCHAR(191),
         route           MEDIUMTEXT NOT NULL DEFAULT '{}',
         status          VARCHAR(32),
         error_code      BIGINT,
         error_title     TEXT,
         raw             MEDIUMTEXT NOT NULL DEFAULT '{}',
         sent_at         BIGINT NOT NULL,
         received_at     BIGINT NOT NULL,
         UNIQUE INDEX message_wamid_vendor (wamid, vendor_id),
         INDEX message_conversation (conversation_id, id),
         FOREIGN KEY (conversation_id) REFERENCES conversation (id) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS message_status (
         wamid      VARCHAR(191) NOT NULL,
         status     VARCHAR(32) NOT NULL,
         at         BIGINT NOT NULL,
         PRIMARY KEY (wamid, status)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS vendor_menu (
         customer  VARCHAR(191) NOT NULL PRIMARY KEY,
         asked_at  BIGINT NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 4
    "CREATE TABLE IF NOT EXISTS vendor_reply (
         vendor_id  BIGINT NOT NULL CHECK (vendor_id > 0),
         gateway_id VARCHAR(191) NOT NULL,
         customer   VARCHAR(191) NOT NULL,
         sent_at    BIGINT NOT NULL,
         PRIMARY KEY (vendor_id, gateway_id),
         INDEX vendor_reply_customer (vendor_id, customer, sent_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 5
    "ALTER TABLE sync_job ADD COLUMN IF NOT EXISTS reported_at BIGINT;
     UPDATE sync_job SET reported_at = finished_at WHERE state IN ('done','failed') AND reported_at IS NULL",
    // 6
    "ALTER TABLE activity_log ADD COLUMN IF NOT EXISTS code VARCHAR(191);
     ALTER TABLE activity_log ADD COLUMN IF NOT EXISTS params MEDIUMTEXT NOT NULL DEFAULT '{}'",
    // 7
    "CREATE TABLE IF NOT EXISTS vendor_listing (
         vendor_id   BIGINT NOT NULL PRIMARY KEY CHECK (vendor_id > 0),
         chosen_code VARCHAR(191) NOT NULL DEFAULT '',
         store_name  TEXT NOT NULL DEFAULT ''
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 8
    "CREATE TABLE IF NOT EXISTS catalog_check (
         product_id  BIGINT NOT NULL PRIMARY KEY CHECK (product_id > 0),
         parent_id   BIGINT NOT NULL,
         vendor_id   BIGINT NOT NULL CHECK (vendor_id > 0),
         retailer_id VARCHAR(191) NOT NULL,
         status      VARCHAR(16) NOT NULL CHECK (status IN ('ready','invalid','not_listed')),
         problems    MEDIUMTEXT NOT NULL DEFAULT '[]',
         checked_at  BIGINT NOT NULL,
         INDEX catalog_check_vendor (vendor_id, status, product_id),
         INDEX catalog_check_parent (parent_id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS catalog_check_pass (
         vendor_id  BIGINT NOT NULL PRIMARY KEY CHECK (vendor_id > 0),
         rules_key  VARCHAR(191) NOT NULL,
         checked_at BIGINT NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 9
    "CREATE TABLE IF NOT EXISTS message_template (
         waba_id             VARCHAR(64) NOT NULL,
         name                VARCHAR(191) NOT NULL,
         language            VARCHAR(32) NOT NULL,
         template_id         VARCHAR(64) NOT NULL DEFAULT '',
         category            VARCHAR(32) NOT NULL,
         status              VARCHAR(32) NOT NULL,
         components          MEDIUMTEXT NOT NULL DEFAULT '[]',
         parameter_count     BIGINT NOT NULL DEFAULT 0,
         previous_category   VARCHAR(32),
         category_changed_at BIGINT,
         previous_status     VARCHAR(32),
         status_changed_at   BIGINT,
         flagged             BIGINT NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
         refreshed_at        BIGINT NOT NULL,
         PRIMARY KEY (waba_id, name, language)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS template_account (
         phone_number_id VARCHAR(64) NOT NULL PRIMARY KEY,
         waba_id         VARCHAR(64) NOT NULL,
         refreshed_at    BIGINT NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 10
    "CREATE TABLE IF NOT EXISTS cart (
         wamid           VARCHAR(191) NOT NULL PRIMARY KEY,
         phone_number_id VARCHAR(64) NOT NULL,
         customer        VARCHAR(191) NOT NULL,
         customer_name   TEXT,
         catalog_id      VARCHAR(128),
         note            TEXT,
         lines           MEDIUMTEXT NOT NULL,
         state           VARCHAR(16) NOT NULL CHECK (state IN ('received','claimed','ordered','refused')),
         order_id        BIGINT,
         refusal         VARCHAR(64),
         problems        MEDIUMTEXT NOT NULL DEFAULT '[]',
         received_at     BIGINT NOT NULL,
         claimed_at      BIGINT,
         finished_at     BIGINT,
         INDEX cart_customer (customer, received_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS cart_part (
         wamid      VARCHAR(191) NOT NULL,
         vendor_id  BIGINT NOT NULL CHECK (vendor_id >= 0),
         order_id   BIGINT NOT NULL CHECK (order_id > 0),
         created_at BIGINT NOT NULL,
         PRIMARY KEY (wamid, vendor_id),
         INDEX cart_part_vendor (vendor_id, created_at),
         FOREIGN KEY (wamid) REFERENCES cart (wamid) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 11
    "CREATE TABLE IF NOT EXISTS consent (
         id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         customer   VARCHAR(191) NOT NULL,
         purpose    VARCHAR(32) NOT NULL CHECK (purpose IN ('order_updates','marketing')),
         granted    BIGINT NOT NULL CHECK (granted IN (0,1)),
         source     VARCHAR(16) NOT NULL CHECK (source IN ('checkout','whatsapp','admin')),
         text       TEXT NOT NULL,
         order_id   BIGINT,
         created_at BIGINT NOT NULL,
         INDEX consent_customer (customer, purpose, id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS consent_invitation (
         customer   VARCHAR(191) NOT NULL PRIMARY KEY,
         order_id   BIGINT,
         text       TEXT NOT NULL,
         invited_at BIGINT NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     CREATE TABLE IF NOT EXISTS order_update (
         order_id   BIGINT NOT NULL CHECK (order_id > 0),
         event      VARCHAR(16) NOT NULL CHECK (event IN ('processing','completed','refunded','cancelled','failed','on_hold','shipped')),
         vendor_id  BIGINT NOT NULL DEFAULT 0 CHECK (vendor_id >= 0),
         customer   VARCHAR(191) NOT NULL,
         template   VARCHAR(191) NOT NULL,
         language   VARCHAR(32) NOT NULL,
         state      VARCHAR(16) NOT NULL CHECK (state IN ('sending','sent','retry','waiting','failed','skipped')),
         attempts   BIGINT NOT NULL DEFAULT 0,
         wamid      VARCHAR(191),
         error      TEXT,
         created_at BIGINT NOT NULL,
         updated_at BIGINT NOT NULL,
         PRIMARY KEY (order_id, event),
         INDEX order_update_vendor (vendor_id, updated_at),
         INDEX order_update_customer (customer)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 12
    "CREATE TABLE IF NOT EXISTS send_reservation (
         id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id   BIGINT NOT NULL CHECK (vendor_id >= 0),
         customer    VARCHAR(191) NOT NULL,
         reserved_at BIGINT NOT NULL,
         INDEX send_reservation_vendor (vendor_id, reserved_at),
         INDEX send_reservation_customer (customer, reserved_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 13
    "ALTER TABLE vendor_session ADD COLUMN IF NOT EXISTS pairing_code VARCHAR(16);
     ALTER TABLE vendor_session ADD COLUMN IF NOT EXISTS pairing_phone VARCHAR(64);
     ALTER TABLE vendor_session ADD COLUMN IF NOT EXISTS pairing_issued_at BIGINT",
    // 14
    "ALTER TABLE message ADD COLUMN IF NOT EXISTS pricing_category VARCHAR(64);
     ALTER TABLE message ADD COLUMN IF NOT EXISTS billable BIGINT;
     ALTER TABLE message ADD COLUMN IF NOT EXISTS pricing_type VARCHAR(64);
     ALTER TABLE message ADD COLUMN IF NOT EXISTS pricing_model VARCHAR(16);
     ALTER TABLE message ADD COLUMN IF NOT EXISTS pricing_at BIGINT;
     ALTER TABLE send_reservation ADD COLUMN IF NOT EXISTS pricing_category VARCHAR(64);
     ALTER TABLE message ADD INDEX IF NOT EXISTS message_vendor_month (vendor_id, received_at)",
    // 15
    "CREATE TABLE IF NOT EXISTS business_account (
         waba_id      VARCHAR(64) NOT NULL PRIMARY KEY,
         state        VARCHAR(16) NOT NULL CHECK (state IN ('connected','offboarded','disconnected')),
         last_event   VARCHAR(64) NOT NULL,
         reason       VARCHAR(191),
         initiated_by VARCHAR(32),
         phone_number VARCHAR(64),
         event_at     BIGINT NOT NULL,
         changed_at   BIGINT NOT NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 16
    "CREATE TABLE IF NOT EXISTS customer_identity (
         customer     VARCHAR(191) NOT NULL PRIMARY KEY,
         phone        VARCHAR(32),
         bsuid        VARCHAR(191),
         parent_bsuid VARCHAR(191),
         username     VARCHAR(191),
         created_at   BIGINT NOT NULL,
         updated_at   BIGINT NOT NULL,
         UNIQUE INDEX customer_identity_phone (phone),
         UNIQUE INDEX customer_identity_bsuid (bsuid),
         INDEX customer_identity_username (username),
         INDEX customer_identity_parent (parent_bsuid)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 17
    "CREATE TABLE IF NOT EXISTS webhook_queue (
         id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         delivery_key  VARCHAR(191) NOT NULL,
         body          LONGBLOB NOT NULL,
         received_at   BIGINT NOT NULL,
         claimed_until BIGINT NOT NULL DEFAULT 0,
         attempts      BIGINT NOT NULL DEFAULT 0,
         last_error    TEXT,
         failed_at     BIGINT,
         UNIQUE INDEX webhook_queue_key (delivery_key),
         INDEX webhook_queue_waiting (failed_at, claimed_until, id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 18
    "CREATE TABLE IF NOT EXISTS catalog_change (
         seq        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         vendor_id  BIGINT NOT NULL,
         product_id BIGINT NOT NULL,
         INDEX catalog_change_vendor (vendor_id, seq)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
     ALTER TABLE sync_job ADD COLUMN IF NOT EXISTS full_rules VARCHAR(64)",
    // 19
    "CREATE TABLE IF NOT EXISTS catalog_source (
         catalog_id      VARCHAR(128) NOT NULL,
         product_id      BIGINT NOT NULL,
         vendor_id       BIGINT NOT NULL,
         fingerprint     VARCHAR(128) NOT NULL,
         price_change_at BIGINT,
         PRIMARY KEY (catalog_id, product_id)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    // 20
    "ALTER TABLE sync_job ADD COLUMN IF NOT EXISTS planning_until_ms BIGINT NOT NULL DEFAULT 0",
];

/// Every table the migrations make, by its name without prefix.
pub(super) const TABLES: &[&str] = &[
    "activity_log",
    "vendor_session",
    "session_event",
    "session_start",
    "catalog_item",
    "sync_job",
    "sync_batch",
    "sync_op",
    "conversation",
    "message",
    "message_status",
    "vendor_menu",
    "vendor_reply",
    "vendor_listing",
    "catalog_check",
    "catalog_check_pass",
    "message_template",
    "template_account",
    "cart",
    "cart_part",
    "consent",
    "consent_invitation",
    "order_update",
    "send_reservation",
    "business_account",
    "customer_identity",
    "webhook_queue",
    "catalog_change",
    "catalog_source",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = SQLITE.len() as i64;

/// Brings a store up to [`SCHEMA_VERSION`], whichever engine holds it.
pub(super) fn migrate(db: &Db) -> Result<(), StoreError> {
    match db.engine() {
        Engine::Sqlite => migrate_sqlite(db),
        Engine::MariaDb => migrate_mariadb(db),
    }
}

/// The schema version a store is at.
pub(super) fn version(db: &Db) -> Result<i64, StoreError> {
    match db.engine() {
        Engine::Sqlite => db.query_row("PRAGMA user_version", params![], |row| row.get(0)),
        Engine::MariaDb => db.query_row(
            "SELECT version FROM schema WHERE id = 1",
            params![],
            |row| row.get(0),
        ),
    }
}

fn migrated(version: i64) {
    tracing::info!(
        kind = "store",
        code = "store_migrated",
        schema_version = version,
        "Store schema migrated to version {version}"
    );
}

/// Applies every migration the file has not seen yet, each in its own transaction, so a
/// worker killed half-way leaves the file at a consistent version.
fn migrate_sqlite(db: &Db) -> Result<(), StoreError> {
    let current = version(db)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in SQLITE.iter().enumerate().skip(current as usize) {
        let version_after = index as i64 + 1;
        // IMMEDIATE takes the write lock up front: two workers opening a fresh file at
        // once serialize here instead of both trying the same migration.
        db.begin_write()?;
        let step = (|| {
            if version(db)? >= version_after {
                return Ok(false);
            }
            db.execute_batch(sql)?;
            db.execute_batch(&format!("PRAGMA user_version = {version_after}"))?;
            Ok(true)
        })();
        match step {
            Ok(true) => {
                db.commit()?;
                migrated(version_after);
            }
            Ok(false) => db.rollback(),
            Err(e) => {
                db.rollback();
                return Err(e);
            }
        }
    }
    Ok(())
}

/// MariaDB runs DDL outside transactions, so each step is written to be safe to repeat;
/// a named lock makes nodes on one server take turns, and the version row moves only
/// forward (`WHERE version = before`), so nodes of a Galera cluster that both ran a step
/// record it once.
fn migrate_mariadb(db: &Db) -> Result<(), StoreError> {
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema (
             id      TINYINT NOT NULL PRIMARY KEY,
             version BIGINT NOT NULL
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
         CREATE TABLE IF NOT EXISTS write_lock (
             id TINYINT NOT NULL PRIMARY KEY,
             n  BIGINT NOT NULL
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    )?;
    db.execute(
        "INSERT IGNORE INTO schema (id, version) VALUES (1, 0)",
        params![],
    )?;
    db.execute(
        "INSERT IGNORE INTO write_lock (id, n) VALUES (1, 0)",
        params![],
    )?;
    if version(db)? >= SCHEMA_VERSION {
        return check_not_newer(db);
    }
    let lock = format!("wpwa_migrate_{}", db.table_name("schema"));
    db.with_server_lock(&lock, || {
        check_not_newer(db)?;
        let current = version(db)?;
        for (index, sql) in MARIADB.iter().enumerate().skip(current as usize) {
            let before = index as i64;
            db.execute_batch(sql)?;
            db.execute(
                "UPDATE schema SET version = ?1 WHERE id = 1 AND version = ?2",
                params![before + 1, before],
            )?;
            migrated(before + 1);
        }
        Ok(())
    })
}

fn check_not_newer(db: &Db) -> Result<(), StoreError> {
    let current = version(db)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_every_step_and_every_table() {
        assert_eq!(SQLITE.len(), MARIADB.len());
        let db = Db::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        migrate(&db).unwrap();
        assert_eq!(db.tables().unwrap(), {
            let mut t: Vec<String> = TABLES.iter().map(|s| s.to_string()).collect();
            t.sort();
            t
        });
        for (index, sql) in MARIADB.iter().enumerate() {
            for table in TABLES {
                let created = format!("CREATE TABLE IF NOT EXISTS {table} (");
                if sql.contains(&created) {
                    assert!(
                        SQLITE[index].contains(&format!("CREATE TABLE {table} (")),
                        "step {} creates {table} on MariaDB only",
                        index + 1
                    );
                }
            }
        }
    }

    #[test]
    fn nodes_opening_a_fresh_store_at_once_migrate_it_once() {
        let location = crate::store::testing::SharedLocation::fresh("migrate");
        let versions: Vec<i64> = std::thread::scope(|scope| {
            let nodes: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| location.open().and_then(|store| store.schema_version())))
                .collect();
            nodes
                .into_iter()
                .map(|node| node.join().unwrap().unwrap())
                .collect()
        });
        assert_eq!(versions, vec![SCHEMA_VERSION; 8]);
        let store = location.open().unwrap();
        assert_eq!(version(&store.db).unwrap(), SCHEMA_VERSION);
        let mut expected: Vec<&str> = TABLES.to_vec();
        expected.sort_unstable();
        assert_eq!(store.db.tables().unwrap(), expected);
    }
}
