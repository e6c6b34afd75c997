//! A customer's data through the privacy functions, on a store filled the way
//! production fills it: webhooks ingested, statuses applied, vendor answers recorded.

use serde_json::json;
use wpwa::conversation;
use wpwa::privacy::{self, Removed};
use wpwa::response;
use wpwa::routing::{Fallback, RoutingConfig, VendorEntry};
use wpwa::store::Store;

const DANA: &str = "15550001234";
const ERIK: &str = "4917012345678";
const DAY: i64 = 86_400;

fn vendors() -> Vec<VendorEntry> {
    [(11, "ACME", "Acme Store"), (12, "BOLT", "Bolt Gadgets")]
        .into_iter()
        .map(|(vendor_id, code, name)| VendorEntry {
            vendor_id,
            code: code.into(),
            store_name: name.into(),
        })
        .collect()
}

fn menu_routing() -> RoutingConfig {
    RoutingConfig {
        fallback: Fallback::Menu,
        ..RoutingConfig::default()
    }
}

fn webhook(
    customer: &str,
    name: &str,
    messages: serde_json::Value,
    statuses: serde_json::Value,
) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": "100000000000001"}, "contacts": [{"profile": {"name": name}, "wa_id": customer}],
        "messages": messages, "statuses": statuses}}]}]})
    .to_string()
    .into_bytes()
}

fn writes(store: &Store, customer: &str, name: &str, id: &str, text: &str, at: i64) {
    let message = json!([{"from": customer, "id": id, "timestamp": at.to_string(), "type": "text", "text": {"body": text}}]);
    conversation::ingest(
        store,
        &webhook(customer, name, message, json!([])),
        &vendors(),
        &menu_routing(),
        at,
    )
    .unwrap();
}

fn status(store: &Store, customer: &str, id: &str, state: &str, at: i64) {
    let statuses =
        json!([{"id": id, "status": state, "timestamp": at.to_string(), "recipient_id": customer}]);
    conversation::ingest(
        store,
        &webhook(customer, "", json!([]), statuses),
        &vendors(),
        &menu_routing(),
        at,
    )
    .unwrap();
}

/// The store as a file, read back over a connection of its own, as an auditor would.
struct StoreFile(std::path::PathBuf);

/// Rows per table in which any text holds `text`, in tables where some do.
type Mentions = Vec<(String, u64)>;

impl StoreFile {
    fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("wpwa-privacy-{}-{test}.sqlite", std::process::id()));
        Self(path)
    }

    /// Every table's rows that mention `text` anywhere in a text column.
    fn mentions(&self, text: &str) -> Mentions {
        Store::open(&self.0)
            .unwrap()
            .privacy()
            .mentions(text)
            .unwrap()
    }
}

impl Drop for StoreFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// Dana first writes without naming a shop (and is asked which one), then to two
/// shops; Erik writes to Acme.
fn marketplace(now: i64, file: &StoreFile) -> Store {
    let store = Store::open(&file.0).unwrap();
    writes(&store, DANA, "Dana", "wamid.d0", "hello?", now - 5 * DAY);
    writes(
        &store,
        DANA,
        "Dana",
        "wamid.d1",
        "#ACME is the blue mug in stock?",
        now - 3 * DAY,
    );
    writes(
        &store,
        DANA,
        "Dana",
        "wamid.d2",
        "#BOLT do you ship to Berlin?",
        now - 2 * DAY,
    );
    status(&store, DANA, "wamid.d1", "read", now - 3 * DAY + 60);
    response::record_reply(
        &store,
        11,
        "true_15550001234@c.us_A1",
        DANA,
        now - 3 * DAY + 120,
    )
    .unwrap();
    writes(
        &store,
        ERIK,
        "Erik",
        "wamid.e1",
        "#ACME invoice please",
        now - DAY,
    );
    response::record_reply(
        &store,
        11,
        "true_4917012345678@c.us_B1",
        ERIK,
        now - DAY + 30,
    )
    .unwrap();
    store
}

#[test]
fn an_export_holds_every_conversation_and_message_of_the_customer_and_nobody_else() {
    let now = 1_800_000_000;
    let file = StoreFile::new("export");
    let store = marketplace(now, &file);

    let dana = privacy::customer_data(&store, DANA).unwrap();
    let mut vendors: Vec<u64> = dana.conversations.iter().map(|c| c.vendor_id).collect();
    vendors.sort_unstable();
    assert_eq!(
        vendors,
        [0, 11, 12],
        "the marketplace team's while she chose, then one per shop"
    );
    let texts: Vec<&str> = dana
        .conversations
        .iter()
        .flat_map(|c| c.messages.iter().filter_map(|m| m.text.as_deref()))
        .collect();
    for text in [
        "#ACME is the blue mug in stock?",
        "#BOLT do you ship to Berlin?",
        "hello?",
    ] {
        assert!(texts.contains(&text), "{text:?} exported: {texts:?}");
    }
    assert!(
        !texts.iter().any(|t| t.contains("invoice")),
        "Erik's message is not in Dana's export"
    );
    let acme = dana
        .conversations
        .iter()
        .find(|c| c.vendor_id == 11)
        .unwrap();
    assert_eq!(acme.customer_name.as_deref(), Some("Dana"));
    assert_eq!(acme.messages[0].direction, "inbound");
    assert_eq!(
        acme.messages[0].status.as_deref(),
        Some("read"),
        "the delivery state is exported"
    );
    assert_eq!(dana.vendor_replies, 1);
    assert_eq!(dana.asked_for_shop_at, Some(now - 5 * DAY));

    let erik = privacy::customer_data(&store, ERIK).unwrap();
    assert_eq!(erik.conversations.len(), 1);
    assert_eq!(erik.conversations[0].messages.len(), 1);
    assert_eq!(
        privacy::customer_data(&store, "15559999999").unwrap(),
        Default::default()
    );
}

#[test]
fn an_erasure_removes_the_customer_everywhere_and_leaves_others_whole() {
    let now = 1_800_000_000;
    let file = StoreFile::new("erase");
    let store = marketplace(now, &file);
    let erik_before = privacy::customer_data(&store, ERIK).unwrap();
    assert!(
        file.mentions("wamid.d1")
            .contains(&("message_status".to_owned(), 1)),
        "her message's delivery state is stored"
    );
    let tables: Vec<String> = file.mentions(DANA).into_iter().map(|(t, _)| t).collect();
    for table in [
        "conversation",
        "message",
        "vendor_menu",
        "vendor_reply",
        "customer_identity",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} names her: {tables:?}"
        );
    }

    let removed = privacy::erase_customer(&store, DANA).unwrap();
    assert_eq!(
        removed,
        Removed {
            conversations: 3,
            messages: 3,
            other: 3
        },
        "her 3 conversations and messages, the vendor answer to her, the shop menu she was sent and her identity"
    );

    assert_eq!(
        privacy::customer_data(&store, DANA).unwrap(),
        Default::default()
    );
    assert_eq!(
        file.mentions(DANA),
        Mentions::new(),
        "no row of any table names her: conversations, vendor answers, shop menus, stored payloads"
    );
    assert_eq!(
        file.mentions("wamid.d"),
        Mentions::new(),
        "her messages and their delivery states went too"
    );
    assert_eq!(
        privacy::customer_data(&store, ERIK).unwrap(),
        erik_before,
        "Erik keeps everything"
    );

    assert_eq!(
        privacy::erase_customer(&store, DANA).unwrap(),
        Removed::default(),
        "a second erasure finds nothing"
    );
}

#[test]
fn the_retention_purge_drops_quiet_conversations_whole_and_keeps_recent_ones_whole() {
    let now = 1_800_000_000;
    let file = StoreFile::new("purge");
    let store = marketplace(now, &file);
    let erik_before = privacy::customer_data(&store, ERIK).unwrap();

    // Dana's last words are 2 days old, Erik's 1 day: a 36-hour cut-off takes Dana's only.
    let removed = privacy::purge_conversations(&store, now - 36 * 3600).unwrap();
    assert_eq!(
        removed,
        Removed {
            conversations: 3,
            messages: 3,
            other: 2
        }
    );
    assert_eq!(
        privacy::customer_data(&store, DANA).unwrap().conversations,
        vec![]
    );
    assert_eq!(privacy::customer_data(&store, ERIK).unwrap(), erik_before);

    // A thread that goes on keeps its beginning.
    writes(&store, ERIK, "Erik", "wamid.e2", "#ACME thanks!", now);
    privacy::purge_conversations(&store, now - 12 * 3600).unwrap();
    let erik = privacy::customer_data(&store, ERIK).unwrap();
    assert_eq!(erik.conversations[0].messages.len(), 2, "{erik:?}");
}
