//! Message templates against the sandbox's Cloud API: the account's list read through
//! every page into the store, a category change (by webhook and by refresh) recorded
//! and flagged, marketing templates sent through `/marketing_messages` and the rest
//! through `/messages`, and templates that may not go refused, before any call when
//! the list is known and with the API's 132xxx codes when it is not.

#![cfg(feature = "sandbox")]

mod support;

use serde_json::{Value, json};
use support::{Receiver, Sandbox, eventually};
use wpwa::cloud::CloudClient;
use wpwa::consent;
use wpwa::conversation;
use wpwa::messaging::{self, Limits, MessagingError, Outbound};
use wpwa::routing::RoutingConfig;
use wpwa::sandbox::SandboxConfig;
use wpwa::store::Store;
use wpwa::templates;

const TOKEN: &str = "templates-test-token";
const APP_SECRET: &str = "templates-app-secret";
const PHONE_ID: &str = "100000000000001";
const WABA_ID: &str = "100000000000009";
const CUSTOMER: &str = "15550001234";

async fn sandbox(webhook_url: &str) -> (Sandbox, CloudClient) {
    let sandbox = Sandbox::start(SandboxConfig {
        cloud_token: TOKEN.into(),
        cloud_app_secret: APP_SECRET.into(),
        cloud_webhook_url: webhook_url.into(),
        pair_interval_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let client = CloudClient::new(sandbox.base(), "v21.0", TOKEN).unwrap();
    (sandbox, client)
}

fn template(name: &str, params: &[&str]) -> Outbound {
    let parameters: Vec<Value> = params
        .iter()
        .map(|p| json!({"type": "text", "text": p}))
        .collect();
    Outbound::Template {
        name: name.into(),
        language: "en_US".into(),
        components: json!([{"type": "body", "parameters": parameters}]),
    }
}

async fn send(
    store: &Store,
    client: &CloudClient,
    message: &Outbound,
) -> Result<messaging::Sent, MessagingError> {
    messaging::send(
        store,
        client,
        PHONE_ID,
        0,
        CUSTOMER,
        message,
        &Limits {
            monthly_allowance: 1000,
            pacing_seconds: 0,
            ..Limits::default()
        },
        wpwa::clock::now(),
    )
    .await
}

fn refusal_code(result: Result<messaging::Sent, MessagingError>) -> &'static str {
    match result {
        Err(MessagingError::Template(refusal)) => refusal.code(),
        other => panic!("expected a template refusal, got {other:?}"),
    }
}

#[test]
fn the_list_is_read_through_every_page_into_the_store() {
    support::runtime(2).block_on(async {
        let (sandbox, client) = sandbox("").await;
        let all = sandbox.get("/sandbox/templates").await["templates"]
            .as_array()
            .unwrap()
            .len();
        assert!(all > 10, "a realistic set: {all}");
        // Five per page: several pages, the same templates as one big page.
        let paged = client.message_templates_paged(WABA_ID, 5).await.unwrap();
        let whole = client.message_templates(WABA_ID).await.unwrap();
        assert_eq!(paged.len(), all);
        assert_eq!(paged, whole);

        let store = Store::open_in_memory().unwrap();
        let report = templates::refresh(&store, &client, WABA_ID, PHONE_ID, 1_000)
            .await
            .unwrap();
        assert_eq!((report.count, report.removed), (all, 0));
        assert!(report.changes.is_empty());
        let listed = templates::list(&store, Some(WABA_ID)).unwrap();
        let find = |name: &str| {
            listed
                .iter()
                .find(|t| t.name == name && t.language == "en_US")
                .unwrap()
        };
        let placed = find("order_placed");
        assert_eq!(
            (placed.category.as_str(), placed.status.as_str()),
            ("UTILITY", "APPROVED")
        );
        assert_eq!(
            placed.parameter_count, 5,
            "header {{1}} and body {{1}}..{{4}}: each component is numbered on its own"
        );
        assert_eq!(
            find("delivery_window").parameter_count,
            2,
            "named parameters"
        );
        assert_eq!(find("spring_sale").category, "MARKETING");
        assert_eq!(find("login_code").category, "AUTHENTICATION");
        assert_eq!(find("winter_promo").status, "PAUSED");
        assert!(listed.iter().any(|t| t.language == "es"));
        assert!(listed.iter().all(|t| !t.flagged));

        // No account id: nothing to list.
        assert!(matches!(
            templates::refresh(&store, &client, "", PHONE_ID, 1_000).await,
            Err(templates::TemplatesError::NoAccount)
        ));
    });
}

#[test]
fn a_category_change_is_flagged_by_webhook_and_by_refresh() {
    support::runtime(2).block_on(async {
        let hook = Receiver::at("/wp-json/wpwa/v1/cloud").await;
        let (sandbox, client) = sandbox(hook.url()).await;
        let store = Store::open_in_memory().unwrap();
        templates::refresh(&store, &client, WABA_ID, PHONE_ID, 1_000)
            .await
            .unwrap();

        // WhatsApp's review moves order_shipped to MARKETING: a signed webhook.
        let answer = sandbox
            .http()
            .post(format!("{}/sandbox/templates/update", sandbox.base()))
            .json(&json!({"name": "order_shipped", "language": "en_US", "category": "MARKETING"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(answer["webhooks"], json!(["template_category_update"]));
        let hit = eventually("the category webhook", async || {
            hook.hits().into_iter().next()
        })
        .await;
        assert_eq!(
            hit.json()["entry"][0]["changes"][0]["field"],
            "template_category_update"
        );
        let report = conversation::receive(
            &store,
            &hit.body,
            hit.header("x-hub-signature-256").as_deref(),
            APP_SECRET.as_bytes(),
            &[],
            &RoutingConfig::default(),
            2_000,
        )
        .unwrap();
        assert_eq!(report.template_changes.len(), 1);
        let shipped = |store: &Store| {
            templates::list(store, Some(WABA_ID))
                .unwrap()
                .into_iter()
                .find(|t| t.name == "order_shipped")
                .unwrap()
        };
        let changed = shipped(&store);
        assert_eq!(changed.category, "MARKETING");
        assert_eq!(changed.previous_category.as_deref(), Some("UTILITY"));
        assert_eq!(changed.category_changed_at, Some(2_000));
        assert!(changed.flagged);

        // A second store that only refreshes sees the same change, flagged.
        let other = Store::open_in_memory().unwrap();
        templates::refresh(&other, &client, WABA_ID, PHONE_ID, 1_000)
            .await
            .unwrap();
        sandbox
            .http()
            .post(format!("{}/sandbox/templates/update", sandbox.base()))
            .json(&json!({"name": "order_shipped", "category": "UTILITY", "status": "PAUSED"}))
            .send()
            .await
            .unwrap();
        let report = templates::refresh(&other, &client, WABA_ID, PHONE_ID, 3_000)
            .await
            .unwrap();
        let fields: Vec<(&str, &str, &str)> = report
            .changes
            .iter()
            .map(|c| (c.field, c.from.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("category", "MARKETING", "UTILITY"),
                ("status", "APPROVED", "PAUSED")
            ],
            "this store first listed it as MARKETING"
        );
        let refreshed = shipped(&other);
        assert_eq!(
            (
                refreshed.status.as_str(),
                refreshed.previous_status.as_deref()
            ),
            ("PAUSED", Some("APPROVED"))
        );
        assert!(refreshed.flagged);
        // The webhook store refreshes too: category back to UTILITY, from MARKETING.
        let report = templates::refresh(&store, &client, WABA_ID, PHONE_ID, 3_000)
            .await
            .unwrap();
        assert!(
            report
                .changes
                .iter()
                .any(|c| c.field == "category" && c.from == "MARKETING" && c.to == "UTILITY")
        );
        // The status webhook the sandbox emitted is a repeat by then: nothing new.
        let status_hit = eventually("the status webhook", async || {
            hook.hits().into_iter().find(|h| {
                h.json()["entry"][0]["changes"][0]["field"] == "message_template_status_update"
            })
        })
        .await;
        let repeat = conversation::receive(
            &store,
            &status_hit.body,
            status_hit.header("x-hub-signature-256").as_deref(),
            APP_SECRET.as_bytes(),
            &[],
            &RoutingConfig::default(),
            4_000,
        )
        .unwrap();
        assert!(repeat.template_changes.is_empty());
    });
}

#[test]
fn marketing_templates_go_to_marketing_messages_the_rest_to_messages() {
    support::runtime(2).block_on(async {
        let (sandbox, client) = sandbox("").await;
        let store = Store::open_in_memory().unwrap();
        templates::refresh(&store, &client, WABA_ID, PHONE_ID, 1_000)
            .await
            .unwrap();
        // A marketing template waits for the customer's marketing consent: refused
        // before any call while they have not agreed.
        let refused = send(&store, &client, &template("spring_sale", &["Dana", "20%"])).await;
        assert!(
            matches!(
                refused,
                Err(MessagingError::Template(templates::Refusal::NoMarketingConsent { .. }))
            ),
            "{refused:?}"
        );
        assert_eq!(
            sandbox.get("/sandbox/messages/sent").await["messages"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        consent::record(
            &store,
            consent::Record {
                customer: CUSTOMER.into(),
                purpose: consent::Purpose::Marketing,
                granted: true,
                source: consent::Source::Admin,
                text: "Offers from the shop on WhatsApp".into(),
                order_id: None,
                at: 1_000,
            },
        )
        .unwrap();
        let marketing = send(&store, &client, &template("spring_sale", &["Dana", "20%"]))
            .await
            .unwrap();
        let utility = send(&store, &client, &template("order_processing", &["#1001", "12.00 USD", "1 × Lamp"]))
            .await
            .unwrap();
        let authentication = send(&store, &client, &template("login_code", &["123456"]))
            .await
            .unwrap();
        let sent = sandbox.get("/sandbox/messages/sent").await;
        let endpoint_of = |wamid: &str| {
            sent["messages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["wamid"] == wamid)
                .map(|m| m["endpoint"].as_str().unwrap().to_owned())
                .unwrap()
        };
        assert_eq!(endpoint_of(&marketing.wamid), "marketing_messages");
        assert_eq!(endpoint_of(&utility.wamid), "messages");
        assert_eq!(endpoint_of(&authentication.wamid), "messages");

        // The Marketing Messages API takes marketing templates only, as the real one.
        let answer = support::answer(
            sandbox
                .request(reqwest::Method::POST, &format!("/v21.0/{PHONE_ID}/marketing_messages"))
                .bearer_auth(TOKEN),
            Some(json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template",
                "template": {"name": "order_cancelled", "language": {"code": "en_US"},
                    "components": [{"type": "body", "parameters": [{"type": "text", "text": "1"}]}]}})),
        )
        .await;
        assert_eq!(
            (answer.status.as_u16(), answer.body["error"]["code"].as_i64()),
            (400, Some(100)),
            "{}",
            answer.body
        );
    });
}

#[test]
fn templates_that_may_not_go_are_refused_before_any_call_once_the_list_is_known() {
    support::runtime(2).block_on(async {
        let (_sandbox, client) = sandbox("").await;
        let store = Store::open_in_memory().unwrap();
        templates::refresh(&store, &client, WABA_ID, PHONE_ID, 1_000)
            .await
            .unwrap();
        // A client that cannot reach anything: a refusal, not "unreachable", proves no
        // call was made.
        let dead = CloudClient::new("http://127.0.0.1:9", "v21.0", TOKEN).unwrap();
        for (name, expected) in [
            ("no_such_template", "template_unknown"),
            ("back_in_stock", "template_not_approved"),
            ("review_request", "template_not_approved"),
            ("winter_promo", "template_paused"),
            ("clearance_blast", "template_disabled"),
        ] {
            assert_eq!(
                refusal_code(send(&store, &dead, &template(name, &["x"])).await),
                expected,
                "{name}"
            );
        }
        // Approved and known: it is attempted (and the dead API cannot be reached).
        assert!(matches!(
            send(
                &store,
                &dead,
                &template("order_processing", &["a", "b", "c"])
            )
            .await,
            Err(MessagingError::Cloud(
                wpwa::cloud::CloudError::Unreachable { .. }
            ))
        ));
    });
}

#[test]
fn the_api_codes_become_the_same_refusals_when_the_list_is_not_known() {
    support::runtime(2).block_on(async {
        let (_sandbox, client) = sandbox("").await;
        // Never refreshed: the core does not judge, the API does.
        let store = Store::open_in_memory().unwrap();
        for (message, expected, graph) in [
            (
                template("no_such_template", &[]),
                "template_unknown",
                132_001,
            ),
            (
                template("back_in_stock", &["x"]),
                "template_not_approved",
                132_001,
            ),
            (template("winter_promo", &["x"]), "template_paused", 132_015),
            (
                template("clearance_blast", &[]),
                "template_disabled",
                132_016,
            ),
            (
                template("order_processing", &["only one"]),
                "template_parameters",
                132_000,
            ),
        ] {
            match send(&store, &client, &message).await {
                Err(MessagingError::Template(refusal)) => {
                    let code = if expected == "template_not_approved" {
                        "template_unknown"
                    } else {
                        expected
                    };
                    assert_eq!(refusal.code(), code, "{message:?}");
                    assert_eq!(refusal.graph_code(), graph);
                }
                other => panic!("{message:?}: {other:?}"),
            }
        }
        assert!(
            send(
                &store,
                &client,
                &template("order_processing", &["a", "b", "c"])
            )
            .await
            .is_ok()
        );
    });
}
