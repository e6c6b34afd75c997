//! The sandbox's Cloud API messaging, driven over HTTP on loopback: the send endpoint
//! (auth, every message type, validation, rate limits, failure injection), status
//! webhooks and the 24-hour window, and customer message injection, with every
//! webhook verified and parsed by the core's own code.
//!
//! Timings are made small through the configuration; assertions never depend on how
//! fast the machine is beyond "eventually, within a generous bound".

#![cfg(feature = "sandbox")]
mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Hit, Receiver, Sandbox, eventually};
use wpwa::inbound::{Direction, Notification};
use wpwa::sandbox::SandboxConfig;

const TOKEN: &str = "test-token";
const SECRET: &str = "test-app-secret";
const PHONE_ID: &str = "100000000000777";
const SEND: &str = "/v21.0/100000000000777/messages";

/// Statuses at once, limits out of the way, unless a test says otherwise.
fn fast(webhook_url: &str) -> SandboxConfig {
    SandboxConfig {
        cloud_token: TOKEN.into(),
        messages_per_second: 0,
        pair_interval_ms: 0,
        status_delays_ms: [0, 0, 0],
        webhook_retry_ms: 20,
        cloud_webhook_url: webhook_url.into(),
        cloud_app_secret: SECRET.into(),
        phone_number_id: PHONE_ID.into(),
        display_phone_number: "15550100777".into(),
        ..SandboxConfig::default()
    }
}

/// The Cloud API's calls.
impl Sandbox {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = support::answer(request, body).await;
        (answer.status, answer.body)
    }

    async fn send(&self, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, SEND, Some(body), Some(TOKEN)).await
    }

    /// Sends and expects acceptance; returns the wamid.
    async fn accepted(&self, body: Value) -> String {
        let (status, answer) = self.send(body).await;
        assert_eq!(status, 200, "{answer}");
        answer["messages"][0]["id"].as_str().unwrap().to_owned()
    }

    async fn sandbox(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call(method, &format!("/sandbox{path}"), body, None)
            .await
    }

    async fn configure(&self, settings: Value) {
        let (status, body) = self.sandbox(Method::PUT, "/config", Some(settings)).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn inject(&self, body: Value) -> Value {
        let (status, answer) = self
            .sandbox(Method::POST, "/messages/inject", Some(body))
            .await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    async fn sent(&self) -> Vec<Value> {
        let (_, body) = self.sandbox(Method::GET, "/messages/sent", None).await;
        body["messages"].as_array().cloned().unwrap_or_default()
    }
}

fn text_to(to: &str, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
        "type": "text", "text": {"preview_url": false, "body": body}})
}

fn template_to(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "template",
        "template": {"name": "order_update", "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "42"}]}]}})
}

fn product_list(sections: usize, per_section: usize) -> Value {
    let sections: Vec<Value> = (0..sections)
        .map(|s| {
            json!({"title": format!("Section {s}"), "product_items": (0..per_section)
                .map(|i| json!({"product_retailer_id": format!("sku-{s}-{i}")}))
                .collect::<Vec<_>>()})
        })
        .collect();
    json!({"messaging_product": "whatsapp", "to": "15550001", "type": "interactive",
        "interactive": {"type": "product_list", "header": {"type": "text", "text": "Picks"},
            "body": {"text": "Our picks"},
            "action": {"catalog_id": "123456", "sections": sections}}})
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Hit {
    /// Verifies the signature with the core's verifier, then parses with its parser.
    fn parse(&self) -> Notification {
        let header = self.header("x-hub-signature-256");
        wpwa::signature::verify_sha256_header(SECRET.as_bytes(), &self.body, header.as_deref())
            .expect("a valid signature");
        wpwa::inbound::parse(&self.body).expect("a Cloud API notification")
    }
}

/// A loopback receiver at the plugin's Cloud API webhook path.
async fn receiver() -> Receiver {
    Receiver::at("/wp-json/wpwa/v1/cloud").await
}

impl Receiver {
    /// Every status received for `wamid`, in arrival order, once `until` is among them.
    async fn statuses_of(&self, wamid: &str, until: &str) -> Vec<wpwa::inbound::Status> {
        eventually(&format!("status {until} of {wamid}"), async || {
            let statuses: Vec<_> = self
                .hits()
                .iter()
                .flat_map(|h| h.parse().statuses)
                .filter(|s| s.message_id == wamid)
                .collect();
            statuses
                .iter()
                .any(|s| s.status == until)
                .then_some(statuses)
        })
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_need_a_valid_token() {
    let sandbox = Sandbox::start(fast("")).await;
    for token in [None, Some("wrong"), Some("")] {
        let (status, body) = sandbox
            .call(Method::POST, SEND, Some(text_to("15550001", "hi")), token)
            .await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], 190);
        assert_eq!(body["error"]["type"], "OAuthException");
        assert!(body["error"]["fbtrace_id"].is_string());
    }
    sandbox
        .configure(json!({"messages_fail_mode": "token_expired"}))
        .await;
    let (status, body) = sandbox.send(text_to("15550001", "hi")).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], 190);
    assert_eq!(body["error"]["error_subcode"], 463);
    assert!(sandbox.sent().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_type_is_accepted_with_the_exact_shape() {
    let sandbox = Sandbox::start(fast("")).await;
    let interactive = |interactive: Value| {
        json!({"messaging_product": "whatsapp", "to": "+1 555-0001", "type": "interactive",
            "interactive": interactive})
    };
    let sends = [
        text_to("+1 555-0001", "Hello"),
        template_to("+1 555-0001"),
        interactive(json!({"type": "product", "body": {"text": "Look"},
            "action": {"catalog_id": "123456", "product_retailer_id": "sku-1"}})),
        product_list(2, 3)
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o["to"] = json!("+1 555-0001");
                Value::Object(o)
            })
            .unwrap(),
        interactive(json!({"type": "list", "body": {"text": "Choose a shop"},
            "action": {"button": "Shops", "sections": [{"title": "Shops",
                "rows": [{"id": "v-1", "title": "Acme"}, {"id": "v-2", "title": "Bolt"}]}]}})),
        interactive(json!({"type": "button", "body": {"text": "Still there?"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}}]}})),
        interactive(
            json!({"type": "catalog_message", "body": {"text": "Browse"},
            "action": {"name": "catalog_message"}}),
        ),
    ];
    let mut ids = Vec::new();
    for body in &sends {
        let (status, answer) = sandbox.send(body.clone()).await;
        assert_eq!(status, 200, "{body} → {answer}");
        let id = answer["messages"][0]["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("wamid."), "{id}");
        assert_eq!(
            answer,
            json!({"messaging_product": "whatsapp",
                "contacts": [{"input": "+1 555-0001", "wa_id": "15550001"}],
                "messages": [{"id": id}]})
        );
        ids.push(id);
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sends.len(), "wamids are unique");

    let sent = sandbox.sent().await;
    let summary: Vec<(String, Value, Value)> = sent
        .iter()
        .map(|m| {
            (
                m["wamid"].as_str().unwrap().to_owned(),
                m["type"].clone(),
                m["interactive_type"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, Value, Value)> = ids
        .iter()
        .zip([
            ("text", Value::Null),
            ("template", Value::Null),
            ("interactive", json!("product")),
            ("interactive", json!("product_list")),
            ("interactive", json!("list")),
            ("interactive", json!("button")),
            ("interactive", json!("catalog_message")),
        ])
        .map(|(id, (kind, itype))| (id.clone(), json!(kind), itype))
        .collect();
    assert_eq!(summary, expected);
    assert_eq!(sent[0]["body"], "Hello");
    assert_eq!(sent[0]["to"], "+1 555-0001");
    assert_eq!(sent[1]["template"], "order_update");
    assert_eq!(sent[0]["request"], sends[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sends_get_400_with_code_100() {
    let sandbox = Sandbox::start(fast("")).await;
    let mut no_name = template_to("15550001");
    no_name["template"].as_object_mut().unwrap().remove("name");
    let mut no_product = product_list(1, 1);
    no_product["interactive"]["action"]["sections"][0]["product_items"][0] = json!({});
    for (body, needle) in [
        (text_to("not-a-number", "hi"), "Param to"),
        (text_to("12", "hi"), "Param to"),
        (
            json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}),
            "parameter to",
        ),
        (
            json!({"to": "15550001", "type": "text", "text": {"body": "x"}}),
            "messaging_product",
        ),
        (product_list(2, 16), "at most 30 product items"),
        (product_list(11, 1), "between 1 and 10"),
        (no_product, "product_retailer_id"),
        (no_name, "template['name']"),
        (
            json!({"messaging_product": "whatsapp", "to": "15550001", "type": "hologram"}),
            "Param type",
        ),
    ] {
        let (status, answer) = sandbox.send(body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], 100, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("(#100) "), "{message}");
        assert!(message.contains(needle), "{needle:?} in {message}");
    }
    // Exactly 30 items in 10 sections is fine.
    sandbox.accepted(product_list(10, 3)).await;
    // Not JSON at all.
    let response = sandbox
        .http()
        .post(format!("{}{SEND}", sandbox.base()))
        .bearer_auth(TOKEN)
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(sandbox.sent().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throughput_limit_130429_then_recovery() {
    let sandbox = Sandbox::start(SandboxConfig {
        messages_per_second: 3,
        ..fast("")
    })
    .await;
    let mut accepted = 0;
    let refusal = loop {
        assert!(accepted < 500, "never hit the throughput limit");
        let (status, answer) = sandbox
            .send(text_to(&format!("1555000{accepted:04}"), "hi"))
            .await;
        if status == 200 {
            accepted += 1;
            continue;
        }
        break (status, answer);
    };
    assert!(accepted >= 3, "the first 3 in a second pass");
    assert_eq!(refusal.0, 400);
    assert_eq!(refusal.1["error"]["code"], 130429, "{}", refusal.1);
    assert!(refusal.1["error"]["error_data"]["details"].is_string());
    eventually("the throughput window to reopen", || async {
        (sandbox.send(text_to("15559999", "again")).await.0 == 200).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pair_rate_131056_then_recovery() {
    let sandbox = Sandbox::start(SandboxConfig {
        pair_interval_ms: 2_000,
        ..fast("")
    })
    .await;
    sandbox.accepted(text_to("15550001", "one")).await;
    // On a slow machine the interval may pass between two sends: try a few times.
    let mut refusal = None;
    for _ in 0..20 {
        let (status, answer) = sandbox.send(text_to("15550001", "two")).await;
        if status == 400 {
            refusal = Some(answer);
            break;
        }
    }
    let refusal = refusal.expect("a second send right away is refused");
    assert_eq!(refusal["error"]["code"], 131056, "{refusal}");
    // Another customer is not affected.
    sandbox.accepted(text_to("15550002", "hello")).await;
    eventually("the pair interval to pass", || async {
        (sandbox.send(text_to("15550001", "three")).await.0 == 200).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spam_limit_and_server_errors_are_injected() {
    let sandbox = Sandbox::start(fast("")).await;
    sandbox
        .configure(json!({"messages_fail_mode": "spam_limit"}))
        .await;
    let (status, answer) = sandbox.send(text_to("15550001", "hi")).await;
    assert_eq!(
        (status.as_u16(), answer["error"]["code"].clone()),
        (400, json!(131048))
    );
    sandbox
        .configure(json!({"messages_fail_mode": "5xx"}))
        .await;
    let (status, answer) = sandbox.send(text_to("15550001", "hi")).await;
    assert_eq!(status, 500);
    assert_eq!(answer["error"]["code"], 131000);
    sandbox
        .configure(json!({"cloud_fail_mode": "5xx", "messages_fail_mode": "none"}))
        .await;
    let (status, _) = sandbox.send(text_to("15550001", "hi")).await;
    assert_eq!(status, 500);
    sandbox.configure(json!({"cloud_fail_mode": "none"})).await;
    sandbox.accepted(text_to("15550001", "hi")).await;
    let (status, _) = sandbox
        .sandbox(
            Method::PUT,
            "/config",
            Some(json!({"messages_fail_mode": "down"})),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_arrive_signed_sent_delivered_read() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    sandbox
        .inject(json!({"from": "15550001", "name": "Dana", "text": "Is it in stock?"}))
        .await;
    let wamid = sandbox.accepted(text_to("15550001", "Yes!")).await;
    let statuses = hook.statuses_of(&wamid, "read").await;
    let names: Vec<&str> = statuses.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(names, ["sent", "delivered", "read"]);
    for status in &statuses {
        assert_eq!(status.phone_number_id, PHONE_ID);
        assert_eq!(status.recipient, "15550001");
        assert_eq!(status.category.as_deref(), Some("service"));
        assert!(status.errors.is_empty());
        assert!((status.timestamp - now_secs()).abs() < 3_600);
    }
    // The envelope, field for field.
    let raw = hook
        .hits()
        .into_iter()
        .map(|h| h.json())
        .find(|b| b.pointer("/entry/0/changes/0/value/statuses/0/status") == Some(&json!("sent")))
        .unwrap();
    assert_eq!(raw["object"], "whatsapp_business_account");
    let change = &raw["entry"][0]["changes"][0];
    assert_eq!(change["field"], "messages");
    assert_eq!(change["value"]["messaging_product"], "whatsapp");
    assert_eq!(
        change["value"]["metadata"],
        json!({"display_phone_number": "15550100777", "phone_number_id": PHONE_ID})
    );
    let sent = &change["value"]["statuses"][0];
    assert!(sent["timestamp"].is_string());
    assert!(sent["conversation"]["id"].is_string());
    assert!(sent["conversation"]["expiration_timestamp"].is_string());
    assert_eq!(sent["conversation"]["origin"]["type"], "service");
    // Per-message pricing: free-form inside the window is free.
    assert_eq!(
        sent["pricing"],
        json!({"billable": false, "pricing_model": "PMP", "category": "service", "type": "free_customer_service"})
    );
    assert!(statuses.iter().all(|s| s.pricing.billable == Some(false)
        && s.pricing.pricing_type.as_deref() == Some("free_customer_service")));
    // The sent list keeps the history; the log shows each delivery's answer.
    let record = sandbox.sent().await.pop().unwrap();
    assert_eq!(record["status"], "read");
    let history: Vec<&str> = record["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["sent", "delivered", "read"]);
    let log = eventually("four deliveries logged", || async {
        let (_, log) = sandbox.sandbox(Method::GET, "/cloud/webhooks", None).await;
        let log = log["deliveries"].as_array().cloned().unwrap_or_default();
        (log.len() >= 4).then_some(log)
    })
    .await;
    assert_eq!(log.len(), 4, "one message and three statuses");
    assert!(
        log.iter()
            .all(|d| d["ok"] == true && d["response_status"] == 200)
    );

    // Without auto_read, no read.
    sandbox.configure(json!({"auto_read": false})).await;
    let second = sandbox.accepted(text_to("15550001", "More?")).await;
    hook.statuses_of(&second, "delivered").await;
    eventually("the second message to settle", || async {
        let sent = sandbox.sent().await;
        (sent.last()?["status"] == "delivered").then_some(())
    })
    .await;
    assert!(
        !hook
            .hits()
            .iter()
            .flat_map(|h| h.parse().statuses)
            .any(|s| s.message_id == second && s.status == "read")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_text_outside_24_hours_fails_later_with_131047_templates_do_not() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let long_ago = now_secs() - 25 * 60 * 60;
    sandbox
        .inject(json!({"from": "15550001", "text": "old question",
            "timestamp": long_ago.to_string()}))
        .await;
    let late = sandbox
        .accepted(text_to("15550001", "sorry for the wait"))
        .await;
    let statuses = hook.statuses_of(&late, "failed").await;
    assert_eq!(statuses.len(), 1, "failed is the only status");
    let error = &statuses[0].errors[0];
    assert_eq!(error.code, 131047);
    assert_eq!(error.title, "Re-engagement message");
    assert_eq!(
        error.details.as_deref(),
        Some(
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
        )
    );
    // A customer who never wrote is outside the window too.
    let cold = sandbox.accepted(text_to("15550002", "hello")).await;
    hook.statuses_of(&cold, "failed").await;

    let template = sandbox.accepted(template_to("15550001")).await;
    let statuses = hook.statuses_of(&template, "read").await;
    assert!(
        statuses
            .iter()
            .all(|s| s.status != "failed" && s.errors.is_empty())
    );
    assert_eq!(statuses[0].category.as_deref(), Some("utility"));
    // Outside the window a utility template is billed.
    assert_eq!(statuses[0].pricing.billable, Some(true));
    assert_eq!(statuses[0].pricing.pricing_type.as_deref(), Some("regular"));
    assert_eq!(statuses[0].pricing.pricing_model.as_deref(), Some("PMP"));

    // The customer writes again: free text goes through.
    sandbox
        .inject(json!({"from": "15550001", "text": "still there?"}))
        .await;
    let fresh = sandbox.accepted(text_to("15550001", "yes")).await;
    let statuses = hook.statuses_of(&fresh, "read").await;
    assert!(statuses.iter().all(|s| s.status != "failed"));
    // Inside it, the utility template is free.
    let inside = sandbox.accepted(template_to("15550001")).await;
    let statuses = hook.statuses_of(&inside, "read").await;
    assert_eq!(
        (
            statuses[0].pricing.category.as_deref(),
            statuses[0].pricing.billable,
            statuses[0].pricing.pricing_type.as_deref()
        ),
        (Some("utility"), Some(false), Some("free_customer_service"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_from_the_business_app_arrives_as_an_echo_and_opens_no_window() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let answer = sandbox
        .inject(json!({"echo": true, "to": "15550003", "text": "Sent from the app"}))
        .await;
    let id = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    let hits = hook.wait_for(1).await;
    let raw: Value = serde_json::from_slice(&hits[0].body).unwrap();
    assert_eq!(raw["entry"][0]["changes"][0]["field"], "smb_message_echoes");
    let echoed = &raw["entry"][0]["changes"][0]["value"]["message_echoes"][0];
    assert_eq!(
        (echoed["to"].as_str(), echoed["id"].as_str()),
        (Some("15550003"), Some(id.as_str()))
    );
    assert!(
        echoed["from"]
            .as_str()
            .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    );
    let parsed = hits[0].parse().messages;
    assert_eq!(
        (
            parsed[0].direction,
            parsed[0].customer.as_str(),
            parsed[0].text.as_deref()
        ),
        (Direction::Echo, "15550003", Some("Sent from the app"))
    );

    // The app's message opens no window: free text from the API to that customer fails.
    let late = sandbox
        .accepted(text_to("15550003", "and from the API"))
        .await;
    let statuses = hook.statuses_of(&late, "failed").await;
    assert_eq!(statuses[0].errors[0].code, 131047);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_messages_arrive_signed_and_parse() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let answer = sandbox
        .inject(json!({"from": "+15550001", "name": "Dana", "text": "Hi there"}))
        .await;
    let text_id = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    assert!(text_id.starts_with("wamid."));
    sandbox
        .inject(json!({"from": "15550001", "name": "Dana", "message": {
            "type": "order",
            "order": {"catalog_id": "123456", "text": "these two",
                "product_items": [
                    {"product_retailer_id": "sku-1", "quantity": 2, "item_price": 9.5, "currency": "USD"},
                    {"product_retailer_id": "sku-2", "quantity": "1", "item_price": "20", "currency": "USD"}]}}}))
        .await;
    sandbox
        .inject(json!({"from": "15550001", "message": {
            "id": "wamid.given", "timestamp": "1700000000",
            "type": "text", "text": {"body": "Is this available?"},
            "context": {"from": "15550100777", "id": "wamid.product-msg",
                "referred_product": {"catalog_id": "123456", "product_retailer_id": "sku-9"}}}}))
        .await;
    sandbox
        .inject(json!({"from": "15550001", "message": {
            "type": "interactive", "context": {"from": "15550100777", "id": "wamid.list"},
            "interactive": {"type": "list_reply",
                "list_reply": {"id": "vendor-7", "title": "Acme", "description": "Shop"}}}}))
        .await;
    sandbox
        .inject(json!({"from": "15550001", "message": {
            "type": "image", "image": {"id": "1234", "mime_type": "image/jpeg", "sha256": "x"}}}))
        .await;
    let hits = hook.wait_for(5).await;
    let messages: Vec<_> = hits
        .iter()
        .flat_map(|h| {
            assert_eq!(h.headers.get("content-type").unwrap(), "application/json");
            h.parse().messages
        })
        .collect();
    assert_eq!(messages.len(), 5);
    for m in &messages {
        assert_eq!(m.direction, Direction::Inbound);
        assert_eq!(m.customer, "15550001");
        assert_eq!(m.phone_number_id, PHONE_ID);
    }
    let text = &messages[0];
    assert_eq!(
        (text.id.as_str(), text.kind.as_str()),
        (text_id.as_str(), "text")
    );
    assert_eq!(text.text.as_deref(), Some("Hi there"));
    assert_eq!(text.customer_name.as_deref(), Some("Dana"));
    assert!((text.timestamp - now_secs()).abs() < 3_600);

    let order = &messages[1];
    assert_eq!(order.kind, "order");
    assert_eq!(order.order_catalog_id.as_deref(), Some("123456"));
    let lines: Vec<(&str, i64)> = order
        .order
        .iter()
        .map(|l| (l.retailer_id.as_str(), l.quantity))
        .collect();
    assert_eq!(lines, [("sku-1", 2), ("sku-2", 1)]);

    let referred = &messages[2];
    assert_eq!(referred.id, "wamid.given");
    assert_eq!(referred.timestamp, 1_700_000_000);
    let product = referred.referred_product.as_ref().unwrap();
    assert_eq!(product.retailer_id, "sku-9");
    assert_eq!(product.catalog_id.as_deref(), Some("123456"));
    assert_eq!(referred.reply_to.as_deref(), Some("wamid.product-msg"));

    let reply = &messages[3];
    assert_eq!(reply.kind, "interactive");
    assert_eq!(reply.reply_id.as_deref(), Some("vendor-7"));
    assert_eq!(reply.text.as_deref(), Some("Acme"));

    let image = &messages[4];
    assert_eq!(image.media.as_ref().map(|m| m.id.as_str()), Some("1234"));

    // Bad injections are refused.
    for bad in [
        json!({"from": "nobody", "text": "x"}),
        json!({"from": "15550001"}),
        json!({"from": "15550001", "text": "x", "count": 0}),
        json!({"from": "15550001", "text": "x", "duplicate": "yes"}),
    ] {
        let (status, _) = sandbox
            .sandbox(Method::POST, "/messages/inject", Some(bad.clone()))
            .await;
        assert_eq!(status, 422, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_can_duplicate_and_reorder() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let answer = sandbox
        .inject(json!({"from": "15550001", "text": "twice", "duplicate": true}))
        .await;
    let id = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    let hits = hook.wait_for(2).await;
    assert_eq!(hits[0].body, hits[1].body, "the same bytes twice");
    assert_eq!(hits[0].parse().messages[0].id, id);

    let answer = sandbox
        .inject(json!({"from": "15550001", "text": "pair", "reorder": true, "count": 2}))
        .await;
    let ids: Vec<String> = answer["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    let hits = hook.wait_for(4).await;
    let arrived: Vec<String> = hits[2..]
        .iter()
        .map(|h| h.parse().messages[0].id.clone())
        .collect();
    assert_eq!(
        arrived,
        [ids[1].clone(), ids[0].clone()],
        "the second first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried() {
    let hook = receiver().await;
    hook.fail_first(2);
    let sandbox = Sandbox::start(fast(hook.url())).await;
    sandbox
        .inject(json!({"from": "15550001", "text": "retry me"}))
        .await;
    let hits = hook.wait_for(3).await;
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    let log = eventually("three attempts logged", || async {
        let (_, log) = sandbox.sandbox(Method::GET, "/cloud/webhooks", None).await;
        let log = log["deliveries"].as_array().cloned().unwrap_or_default();
        (log.len() >= 3).then_some(log)
    })
    .await;
    let codes: Vec<&Value> = log.iter().map(|d| &d["response_status"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(200)]);
    assert_eq!(log[2]["attempt"], 3);
    assert_eq!(log[0]["kind"], "message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_urls_are_loopback_only_and_reset_clears_everything() {
    let sandbox = Sandbox::start(fast("")).await;
    let (status, _) = sandbox
        .sandbox(
            Method::POST,
            "/messages/inject",
            Some(json!({"from": "15550001", "text": "x"})),
        )
        .await;
    assert_eq!(status, 409, "no webhook URL yet");
    for bad in [
        "http://example.com/hook",
        "http://10.0.0.1/hook",
        "ftp://127.0.0.1/",
    ] {
        let (status, body) = sandbox
            .sandbox(
                Method::PUT,
                "/config",
                Some(json!({"cloud_webhook_url": bad})),
            )
            .await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
    let (_, config) = sandbox.sandbox(Method::GET, "/config", None).await;
    assert_eq!(config["cloud_webhook_url"], "");
    assert_eq!(config["cloud_app_secret"], SECRET);
    assert_eq!(config["phone_number_id"], PHONE_ID);
    assert_eq!(config["status_delays_ms"], json!([0, 0, 0]));

    let hook = receiver().await;
    sandbox
        .configure(json!({"cloud_webhook_url": hook.url(), "pair_interval_ms": 60_000}))
        .await;
    sandbox
        .inject(json!({"from": "15550001", "text": "hi"}))
        .await;
    sandbox.accepted(text_to("15550001", "hello")).await;
    assert_eq!(sandbox.sent().await.len(), 1);
    let (status, config) = sandbox.sandbox(Method::POST, "/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(config["cloud_webhook_url"], "");
    assert!(sandbox.sent().await.is_empty());
    let (_, log) = sandbox.sandbox(Method::GET, "/cloud/webhooks", None).await;
    assert_eq!(log["deliveries"], json!([]));
    // The pair limit was forgotten too.
    sandbox.accepted(text_to("15550001", "again")).await;
}

/// A catalog item with a price (and an optional sale price), for carts.
fn catalog_item(id: &str, price: &str, sale_price: Option<&str>) -> Value {
    let mut data = json!({"id": id, "title": format!("Product {id}"), "description": "A fine product.",
        "availability": "in stock", "condition": "new", "price": price,
        "link": format!("https://shop.test/p/{id}"), "image_link": format!("https://shop.test/img/{id}.jpg"),
        "brand": "Acme"});
    if let Some(sale) = sale_price {
        data["sale_price"] = json!(sale);
    }
    json!({"method": "CREATE", "data": data})
}

#[tokio::test]
async fn an_injected_cart_carries_the_catalog_prices_as_whatsapp_does() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(SandboxConfig {
        batch_processing_ms: 0,
        ..fast(hook.url())
    })
    .await;
    let (status, answer) = sandbox
        .call(
            Method::POST,
            "/v21.0/777000/items_batch",
            Some(
                json!({"item_type": "PRODUCT_ITEM", "allow_upsert": true, "requests": [
                catalog_item("ACME-1", "12.50 USD", None),
                catalog_item("BOLT-1", "99.00 USD", Some("79.90 USD"))]}),
            ),
            Some(TOKEN),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    eventually("the catalog to hold both items", || async {
        let (_, items) = sandbox
            .sandbox(Method::GET, "/catalogs/777000/items", None)
            .await;
        (items["items"].as_array().map_or(0, Vec::len) == 2).then_some(())
    })
    .await;

    let answer = sandbox
        .inject(json!({"from": "15550002", "name": "Dana", "cart": {"catalog_id": "777000", "id": "wamid.cart-1", "text": "both please",
            "items": [{"retailer_id": "ACME-1", "quantity": 2},
                      {"retailer_id": "BOLT-1"},
                      {"retailer_id": "GHOST-9", "quantity": 3, "item_price": 4.25, "currency": "EUR"}]}}))
        .await;
    assert_eq!(answer["messages"][0]["id"], "wamid.cart-1");
    let hits = hook.wait_for(1).await;
    let message = hits[0].parse().messages.remove(0);
    assert_eq!(
        (
            message.kind.as_str(),
            message.id.as_str(),
            message.customer.as_str()
        ),
        ("order", "wamid.cart-1", "15550002")
    );
    assert_eq!(message.order_catalog_id.as_deref(), Some("777000"));
    assert_eq!(message.text.as_deref(), Some("both please"));
    let lines: Vec<(String, i64, String)> = message
        .order
        .iter()
        .map(|l| {
            (
                l.retailer_id.clone(),
                l.quantity,
                format!("{:.2} {}", l.item_price, l.currency),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("ACME-1".into(), 2, "12.50 USD".into()),
            ("BOLT-1".into(), 1, "79.90 USD".into()),
            ("GHOST-9".into(), 3, "4.25 EUR".into())
        ],
        "catalog prices (the sale price while there is one); an unknown id keeps the given price"
    );

    for bad in [
        json!({"from": "15550002", "cart": {"items": [{"retailer_id": "A"}]}}),
        json!({"from": "15550002", "cart": {"catalog_id": "777000", "items": []}}),
        json!({"from": "15550002", "cart": {"catalog_id": "777000", "items": [{"retailer_id": "A", "quantity": 0}]}}),
        json!({"from": "15550002", "text": "hi", "cart": {"catalog_id": "777000", "items": [{"retailer_id": "A"}]}}),
    ] {
        let (status, _) = sandbox
            .sandbox(Method::POST, "/messages/inject", Some(bad.clone()))
            .await;
        assert_eq!(status, 422, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_updates_arrive_signed_field_for_field_and_move_the_account_state() {
    use wpwa::business_account::{AccountEventKind, AccountState};
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let post = async |body: Value| {
        sandbox
            .sandbox(Method::POST, "/cloud/account-update", Some(body))
            .await
    };
    let (status, answer) =
        post(json!({"event": "ACCOUNT_OFFBOARDED", "waba_id": "555000111", "time": 1_000})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["webhooks"], json!(["account_update"]));
    let (status, _) = post(
        json!({"event": "PARTNER_REMOVED", "waba_id": "555000111", "time": 2_000,
        "reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"}),
    )
    .await;
    assert_eq!(status, 200);
    // The default account, now.
    let (status, _) = post(json!({"event": "ACCOUNT_RECONNECTED"})).await;
    assert_eq!(status, 200);
    // What the contract does not have is refused.
    for body in [
        json!({"event": "NOPE"}),
        json!({"event": "ACCOUNT_OFFBOARDED", "reason": "X"}),
    ] {
        let (status, answer) = post(body).await;
        assert_eq!(status, 422, "{answer}");
    }

    let hits = hook.wait_for(3).await;
    let raw: Vec<Value> = hits.iter().map(Hit::json).collect();
    assert_eq!(
        raw[0]["entry"][0],
        json!({"id": "555000111", "time": 1_000,
            "changes": [{"value": {"event": "ACCOUNT_OFFBOARDED"}, "field": "account_update"}]})
    );
    assert_eq!(
        raw[1]["entry"][0]["changes"][0]["value"],
        json!({"phone_number": "15550100777", "event": "PARTNER_REMOVED",
            "disconnection_info": {"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"}})
    );
    let events: Vec<_> = hits.iter().flat_map(|h| h.parse().account_events).collect();
    assert_eq!(
        events.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
        [
            AccountEventKind::Offboarded,
            AccountEventKind::PartnerRemoved,
            AccountEventKind::Reconnected
        ]
    );
    assert_eq!(events[2].waba_id, "100000000000009");

    // Through the core as the plugin's webhook route calls it: each delivery once.
    let store = wpwa::store::Store::open_in_memory().unwrap();
    let config = wpwa::routing::RoutingConfig::default();
    let mut changes = Vec::new();
    for hit in hits.iter().chain(hits.iter()) {
        let signature = hit.header("x-hub-signature-256");
        let report = wpwa::conversation::receive(
            &store,
            &hit.body,
            signature.as_deref(),
            SECRET.as_bytes(),
            &[],
            &config,
            now_secs(),
        )
        .unwrap();
        changes.extend(report.account_changes);
    }
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.waba_id.as_str(), c.from, c.to))
            .collect::<Vec<_>>(),
        [
            (
                "555000111",
                AccountState::Connected,
                AccountState::Offboarded
            ),
            (
                "555000111",
                AccountState::Offboarded,
                AccountState::Disconnected
            ),
        ],
        "the reconnection of an account never seen offboarded, and every redelivery, change nothing"
    );
    let sandbox_url_refused = Sandbox::start(fast("")).await;
    let (status, _) = sandbox_url_refused
        .sandbox(
            Method::POST,
            "/cloud/account-update",
            Some(json!({"event": "ACCOUNT_OFFBOARDED"})),
        )
        .await;
    assert_eq!(status, 409);
}
