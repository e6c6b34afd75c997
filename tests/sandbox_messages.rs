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

    // A message to another business number (a vendor's own, under model 2).
    sandbox
        .inject(json!({"from": "15550001", "text": "to the shop's own number", "phone_number_id": "900900"}))
        .await;
    let own = hook.wait_for(6).await[5].parse().messages.remove(0);
    assert_eq!(own.phone_number_id, "900900");

    // Bad injections are refused.
    for bad in [
        json!({"from": "nobody", "text": "x"}),
        json!({"from": "15550001"}),
        json!({"from": "15550001", "text": "x", "count": 0}),
        json!({"from": "15550001", "text": "x", "duplicate": "yes"}),
        json!({"from": "15550001", "text": "x", "phone_number_id": "+1 555"}),
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

// Business-scoped user ids (BSUIDs), docs/whatsapp-contracts.md: customers written to
// and heard from by BSUID, the ids in every webhook, and a BSUID changing.

/// A BSUID as Meta's examples write it, and a parent BSUID.
const BSUID: &str = "US.13491208655302741918";
const PARENT: &str = "US.ENT.11815799212886844830";

/// The BSUID the sandbox derives for a phone number's digits, computed here as its
/// module documentation says: `US.` and the 64-bit FNV-1a hash, 20 digits.
fn derived_bsuid(digits: &str) -> String {
    let hash = digits
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("US.{hash:020}")
}

/// A text message addressed by `recipient` (a BSUID) instead of `to`.
fn text_by_id(recipient: &str, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual",
        "recipient": recipient, "type": "text", "text": {"body": body}})
}

/// The `login_code` authentication template, addressed as `address` says.
fn login_code(address: Value) -> Value {
    let mut body = json!({"messaging_product": "whatsapp", "type": "template",
        "template": {"name": "login_code", "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "123456"}]}]}});
    body.as_object_mut()
        .unwrap()
        .extend(address.as_object().unwrap().clone());
    body
}

impl Hit {
    /// The first change's field and value, after checking the signature.
    fn change(&self) -> (String, Value) {
        self.parse();
        let raw = self.json();
        let change = &raw["entry"][0]["changes"][0];
        (
            change["field"].as_str().unwrap_or_default().to_owned(),
            change["value"].clone(),
        )
    }
}

impl Receiver {
    /// Every status entry received for `wamid` with its webhook's `contacts` (null
    /// when there is none), in arrival order, once `until` is among them.
    async fn raw_statuses(&self, wamid: &str, until: &str) -> Vec<(Value, Value)> {
        eventually(&format!("status {until} of {wamid}"), async || {
            let statuses: Vec<(Value, Value)> = self
                .hits()
                .iter()
                .map(|h| h.change().1)
                .filter(|v| v["statuses"][0]["id"] == wamid)
                .map(|v| (v["statuses"][0].clone(), v["contacts"].clone()))
                .collect();
            statuses
                .iter()
                .any(|(s, _)| s["status"] == until)
                .then_some(statuses)
        })
        .await
    }

    /// The value of the first change under `field` received, waiting for it.
    async fn change_of(&self, field: &str) -> Value {
        eventually(&format!("a {field} webhook"), async || {
            self.hits()
                .iter()
                .map(Hit::change)
                .find(|(f, _)| f == field)
                .map(|(_, value)| value)
        })
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_username_customer_writes_by_bsuid_alone() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let answer = sandbox
        .inject(
            json!({"user_id": BSUID, "parent_user_id": PARENT, "username": "dana.k",
            "name": "Dana", "text": "Hi, it's me"}),
        )
        .await;
    let id = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        answer["messages"][0].as_object().unwrap().get("from"),
        None,
        "{answer}"
    );
    assert_eq!(answer["messages"][0]["from_user_id"], BSUID);
    let hits = hook.wait_for(1).await;
    let (field, value) = hits[0].change();
    assert_eq!(field, "messages");
    // The core reads the customer from it as the plugin will.
    let identity = hits[0].parse().messages.remove(0).identity;
    assert_eq!(
        (
            identity.phone,
            identity.bsuid.as_deref(),
            identity.parent_bsuid.as_deref(),
            identity.username.as_deref()
        ),
        (None, Some(BSUID), Some(PARENT), Some("dana.k"))
    );
    // No phone number anywhere: no `wa_id`, no `from`.
    assert_eq!(
        value["contacts"],
        json!([{"profile": {"name": "Dana", "username": "dana.k"},
            "user_id": BSUID, "parent_user_id": PARENT}])
    );
    let message = value["messages"][0].as_object().unwrap();
    let mut keys: Vec<&str> = message.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["from_user_id", "id", "text", "timestamp", "type"]);
    assert_eq!(
        (&message["from_user_id"], &message["id"], &message["text"]),
        (&json!(BSUID), &json!(id), &json!({"body": "Hi, it's me"}))
    );

    // The business answers from its app: the echo names the customer by BSUID only.
    let answer = sandbox
        .inject(json!({"echo": true, "to_user_id": BSUID, "text": "From the app"}))
        .await;
    assert_eq!(answer["messages"][0]["to_user_id"], BSUID);
    let hits = hook.wait_for(2).await;
    let (field, value) = hits[1].change();
    assert_eq!(field, "smb_message_echoes");
    let echo = value["message_echoes"][0].as_object().unwrap();
    assert_eq!(
        (&echo["to_user_id"], &echo["from"]),
        (&json!(BSUID), &json!("15550100777"))
    );
    assert!(!echo.contains_key("to"), "{echo:?}");

    // Without any id the injection is refused, and malformed ids too.
    let (status, refusal) = sandbox
        .sandbox(
            Method::POST,
            "/messages/inject",
            Some(json!({"text": "who am I?"})),
        )
        .await;
    assert_eq!(status, 400, "{refusal}");
    let message = refusal["message"].as_str().unwrap();
    assert!(
        message.contains("from") && message.contains("user_id"),
        "{message}"
    );
    for (bad, expected) in [
        (json!({"echo": true, "text": "x"}), 400),
        (json!({"user_id": "us.1", "text": "x"}), 422),
        (json!({"user_id": PARENT, "text": "x"}), 422),
        (
            json!({"user_id": BSUID, "parent_user_id": "US.42", "text": "x"}),
            422,
        ),
        (json!({"user_id": BSUID, "username": "", "text": "x"}), 422),
        (json!({"user_id": 42, "text": "x"}), 422),
    ] {
        let (status, answer) = sandbox
            .sandbox(Method::POST, "/messages/inject", Some(bad.clone()))
            .await;
        assert_eq!(status, expected, "{bad}: {answer}");
    }

    // Later the customer shows the number: it joins the same person, once and for all.
    sandbox
        .inject(json!({"from": "15550009", "user_id": BSUID, "text": "my number"}))
        .await;
    let hits = hook.wait_for(3).await;
    let (_, value) = hits[2].change();
    assert_eq!(value["contacts"][0]["wa_id"], "15550009");
    assert_eq!(value["contacts"][0]["parent_user_id"], PARENT, "remembered");
    assert_eq!(
        value["contacts"][0]["profile"],
        json!({"name": "Sandbox Customer"})
    );
    assert_eq!(
        (
            &value["messages"][0]["from"],
            &value["messages"][0]["from_user_id"]
        ),
        (&json!("15550009"), &json!(BSUID))
    );
    for taken in [
        json!({"from": "15550008", "user_id": BSUID, "text": "x"}),
        json!({"from": "15550009", "user_id": "US.1", "text": "x"}),
    ] {
        let (status, answer) = sandbox
            .sandbox(Method::POST, "/messages/inject", Some(taken.clone()))
            .await;
        assert_eq!(status, 409, "{taken}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_customer_carries_a_stable_derived_bsuid() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let mut answers = Vec::new();
    for body in [
        json!({"from": "+1 555-0001", "name": "Ana", "text": "one"}),
        json!({"from": "15550001", "name": "Ana", "text": "two"}),
        json!({"from": "15550002", "text": "three"}),
    ] {
        answers.push(sandbox.inject(body).await);
    }
    let values: Vec<Value> = hook
        .wait_for(3)
        .await
        .iter()
        .map(|h| h.change().1)
        .collect();
    let derived = derived_bsuid("15550001");
    assert!(
        derived.len() == 23 && derived[3..].bytes().all(|b| b.is_ascii_digit()),
        "{derived}"
    );
    for value in &values[..2] {
        assert_eq!(
            value["contacts"],
            json!([{"profile": {"name": "Ana"}, "wa_id": "15550001", "user_id": derived}])
        );
        assert_eq!(value["messages"][0]["from"], "15550001");
        assert_eq!(value["messages"][0]["from_user_id"], derived.as_str());
    }
    assert_eq!(
        (
            &answers[0]["messages"][0]["from"],
            &answers[0]["messages"][0]["from_user_id"]
        ),
        (&json!("15550001"), &json!(derived))
    );
    let other = derived_bsuid("15550002");
    assert_ne!(other, derived);
    assert_eq!(values[2]["contacts"][0]["user_id"], other.as_str());
    assert_eq!(values[2]["messages"][0]["from_user_id"], other.as_str());

    // A send by number: its statuses name the number and the BSUID.
    let by_phone = sandbox.accepted(text_to("15550001", "by number")).await;
    let statuses = hook.raw_statuses(&by_phone, "read").await;
    assert_eq!(statuses.len(), 3);
    for (status, contacts) in &statuses {
        assert_eq!(status["recipient_id"], "15550001");
        assert_eq!(status["recipient_user_id"], derived.as_str());
        assert_eq!(
            contacts,
            &json!([{"wa_id": "15550001", "user_id": derived}])
        );
    }
    // The derived BSUID reaches the same person: inside the window the number opened.
    let by_id = sandbox.accepted(text_by_id(&derived, "by id")).await;
    let statuses = hook.raw_statuses(&by_id, "read").await;
    assert!(
        statuses
            .iter()
            .all(|(s, _)| s["status"] != "failed" && s["pricing"]["billable"] == false),
        "{statuses:?}"
    );
    // Sent to the BSUID: the number stays out though the sandbox knows it.
    for (status, contacts) in &statuses {
        assert!(status.get("recipient_id").is_none(), "{status}");
        assert_eq!(status["recipient_user_id"], derived.as_str());
        assert_eq!(contacts, &json!([{"user_id": derived}]));
    }
    let sent = sandbox.sent().await;
    assert_eq!(
        (
            &sent[1]["wa_id"],
            &sent[1]["user_id"],
            &sent[1]["recipient"]
        ),
        (&json!("15550001"), &json!(derived), &json!(derived)),
        "the person's number is known though the send used the BSUID"
    );

    // An echo to the number carries its BSUID too.
    sandbox
        .inject(json!({"echo": true, "to": "15550001", "text": "From the app"}))
        .await;
    let echo = eventually("the echo", async || {
        hook.hits()
            .iter()
            .map(Hit::change)
            .find(|(field, _)| field == "smb_message_echoes")
            .map(|(_, value)| value["message_echoes"][0].clone())
    })
    .await;
    assert_eq!(
        (&echo["to"], &echo["to_user_id"]),
        (&json!("15550001"), &json!(derived))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_by_recipient_reaches_the_bsuid_inside_the_window() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    sandbox
        .inject(json!({"user_id": BSUID, "username": "dana.k", "text": "Is it in stock?"}))
        .await;
    let (status, answer) = sandbox.send(text_by_id(BSUID, "Yes!")).await;
    assert_eq!(status, 200, "{answer}");
    let wamid = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        answer,
        json!({"messaging_product": "whatsapp",
            "contacts": [{"input": BSUID, "user_id": BSUID}],
            "messages": [{"id": wamid}]})
    );
    let statuses = hook.raw_statuses(&wamid, "read").await;
    let names: Vec<&Value> = statuses.iter().map(|(s, _)| &s["status"]).collect();
    assert_eq!(names, [&json!("sent"), &json!("delivered"), &json!("read")]);
    for (status, contacts) in &statuses {
        assert_eq!(status["recipient_user_id"], BSUID, "{status}");
        assert!(status.get("recipient_id").is_none(), "{status}");
        assert!(status.get("errors").is_none(), "{status}");
        assert_eq!(
            status["pricing"],
            json!({"billable": false, "pricing_model": "PMP", "category": "service",
                "type": "free_customer_service"})
        );
        // The username on delivered and read only.
        let expected = if status["status"] == "sent" {
            json!([{"user_id": BSUID}])
        } else {
            json!([{"user_id": BSUID, "profile": {"username": "dana.k"}}])
        };
        assert_eq!(contacts, &expected, "{status}");
    }
    // The request log shows the reply went to the BSUID.
    let record = eventually("the reply to be read", async || {
        let record = sandbox.sent().await.pop()?;
        (record["status"] == "read").then_some(record)
    })
    .await;
    assert_eq!(
        (
            &record["recipient"],
            &record["user_id"],
            &record["to"],
            &record["wa_id"]
        ),
        (&json!(BSUID), &json!(BSUID), &Value::Null, &Value::Null)
    );
    assert_eq!(record["in_service_window"], true);

    // A BSUID never seen is accepted like an unknown number: outside any window.
    let cold = sandbox.accepted(text_by_id("US.99", "hello?")).await;
    let statuses = hook.raw_statuses(&cold, "failed").await;
    assert_eq!(statuses.len(), 1, "failed is the only status");
    let (failed, contacts) = &statuses[0];
    assert_eq!(failed["recipient_user_id"], "US.99");
    assert!(failed.get("recipient_id").is_none(), "{failed}");
    assert_eq!(failed["errors"][0]["code"], 131047);
    assert_eq!(contacts, &Value::Null, "a failed status has no contacts");

    // A parent BSUID addresses a send as well.
    let (status, answer) = sandbox.send(text_by_id(PARENT, "parent")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["contacts"],
        json!([{"input": PARENT, "parent_user_id": PARENT}])
    );

    // Neither `to` nor `recipient`, or a malformed recipient: code 100 in Graph's words.
    for (body, expected) in [
        (
            json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}),
            "(#100) The parameter to is required.",
        ),
        (
            text_by_id("US-13491208655302741918", "x"),
            "(#100) Param recipient must be a valid business-scoped user ID, got \"US-13491208655302741918\".",
        ),
        (
            json!({"messaging_product": "whatsapp", "recipient": 7, "text": {"body": "x"}}),
            "(#100) Param recipient must be a string.",
        ),
    ] {
        let (status, answer) = sandbox.send(body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], 100, "{answer}");
        assert_eq!(answer["error"]["message"], expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_both_to_and_recipient_to_wins() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    // The BSUID's customer is inside the window; the number's never wrote.
    sandbox
        .inject(json!({"user_id": BSUID, "text": "hello"}))
        .await;
    let mut body = text_to("+1 555-0002", "which one?");
    body["recipient"] = json!(BSUID);
    let (status, answer) = sandbox.send(body).await;
    assert_eq!(status, 200, "{answer}");
    let wamid = answer["messages"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        answer["contacts"],
        json!([{"input": "+1 555-0002", "wa_id": "15550002"}])
    );
    let record = sandbox.sent().await.pop().unwrap();
    assert_eq!(
        (
            &record["to"],
            &record["recipient"],
            &record["wa_id"],
            &record["user_id"]
        ),
        (
            &json!("+1 555-0002"),
            &Value::Null,
            &json!("15550002"),
            &json!(derived_bsuid("15550002"))
        )
    );
    // It went to the number: outside its window, so it fails, naming the number alone.
    let statuses = hook.raw_statuses(&wamid, "failed").await;
    let (failed, contacts) = &statuses[0];
    assert_eq!(failed["recipient_id"], "15550002");
    assert!(failed.get("recipient_user_id").is_none(), "{failed}");
    assert_eq!(contacts, &Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_templates_to_a_bsuid_are_refused_with_131062() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    sandbox
        .inject(json!({"from": "15550001", "user_id": BSUID, "parent_user_id": PARENT, "text": "code?"}))
        .await;
    for recipient in [BSUID, PARENT] {
        let (status, answer) = sandbox
            .send(login_code(json!({"recipient": recipient})))
            .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["code"], 131062, "{answer}");
        assert_eq!(
            answer["error"]["message"],
            "(#131062) Business-scoped User ID recipients are not supported for this message"
        );
        assert!(answer["error"]["error_data"]["details"].is_string());
    }
    assert!(
        sandbox.sent().await.is_empty(),
        "refused sends are not sent"
    );
    // The same template to the number goes, and a utility template to the BSUID.
    sandbox
        .accepted(login_code(json!({"to": "15550001"})))
        .await;
    let mut utility = template_to("15550001");
    utility.as_object_mut().unwrap().remove("to");
    utility["recipient"] = json!(BSUID);
    sandbox.accepted(utility).await;
    let sent: Vec<(Value, Value)> = sandbox
        .sent()
        .await
        .iter()
        .map(|m| (m["template"].clone(), m["recipient"].clone()))
        .collect();
    assert_eq!(
        sent,
        [
            (json!("login_code"), Value::Null),
            (json!("order_update"), json!(BSUID))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bsuid_change_arrives_as_user_id_update_and_the_person_keeps_window_and_pacing() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(SandboxConfig {
        pair_interval_ms: 60_000,
        ..fast(hook.url())
    })
    .await;
    sandbox
        .inject(json!({"from": "15550003", "name": "Dana", "username": "dana.k", "text": "hello"}))
        .await;
    let old = derived_bsuid("15550003");
    let current = "US.20000000000000000001";
    sandbox.accepted(text_to("15550003", "hi Dana")).await;

    let (status, answer) = sandbox
        .sandbox(
            Method::POST,
            "/customers/user-id-update",
            Some(json!({"previous": old, "current": current})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"webhooks": ["user_id_update"], "user_id": {"previous": old, "current": current},
            "wa_id": "15550003", "url": hook.url()})
    );
    let value = hook.change_of("user_id_update").await;
    let timestamp = value["user_id_update"][0]["timestamp"].clone();
    let seconds: i64 = timestamp.as_str().unwrap().parse().unwrap();
    assert!((seconds - now_secs()).abs() < 3_600);
    assert_eq!(
        value,
        json!({"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550100777", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Dana", "username": "dana.k"}, "wa_id": "15550003"}],
            "user_id_update": [{"wa_id": "15550003", "detail": "User id for Dana has been updated.",
                "user_id": {"previous": old, "current": current}, "timestamp": timestamp}]})
    );
    let hit = hook
        .hits()
        .into_iter()
        .find(|hit| hit.change().0 == "user_id_update")
        .unwrap();
    let envelope = hit.json();
    assert_eq!(envelope["object"], "whatsapp_business_account");
    assert_eq!(envelope["entry"][0]["id"], "100000000000009");
    // The core reads the change as the plugin will.
    let change = hit.parse().identity_changes.remove(0);
    assert_eq!(
        (
            change.previous_bsuid.as_deref(),
            change.current_bsuid.as_deref(),
            change.phone.as_deref(),
            change.username.as_deref()
        ),
        (
            Some(old.as_str()),
            Some(current),
            Some("15550003"),
            Some("dana.k")
        )
    );

    // Pacing carries over: the send by number a moment ago paces the new BSUID.
    let (status, refusal) = sandbox.send(text_by_id(current, "again")).await;
    assert_eq!(status, 400, "{refusal}");
    assert_eq!(refusal["error"]["code"], 131056);
    sandbox.configure(json!({"pair_interval_ms": 0})).await;
    // So does the window the number opened.
    let inside = sandbox
        .accepted(text_by_id(current, "inside the old window"))
        .await;
    let statuses = hook.raw_statuses(&inside, "read").await;
    assert!(
        statuses.iter().all(|(s, _)| s["status"] != "failed"
            && s["recipient_user_id"] == current
            && s.get("recipient_id").is_none()),
        "{statuses:?}"
    );
    // The old BSUID names nobody now: a stranger outside any window.
    let stale = sandbox.accepted(text_by_id(&old, "anyone?")).await;
    let statuses = hook.raw_statuses(&stale, "failed").await;
    assert_eq!(statuses[0].0["errors"][0]["code"], 131047);
    // The number still reaches the person, known by the new BSUID.
    let by_phone = sandbox.accepted(text_to("15550003", "by number")).await;
    let statuses = hook.raw_statuses(&by_phone, "read").await;
    assert!(
        statuses
            .iter()
            .all(|(s, _)| s["recipient_user_id"] == current && s["recipient_id"] == "15550003")
    );
    // And the customer's next message carries it.
    let answer = sandbox
        .inject(json!({"from": "15550003", "text": "new id?"}))
        .await;
    let id = answer["messages"][0]["id"].clone();
    let message = eventually("the new message", async || {
        hook.hits()
            .iter()
            .map(|h| h.change().1)
            .find(|v| v["messages"][0]["id"] == id)
    })
    .await;
    assert_eq!(message["messages"][0]["from_user_id"], current);
    assert_eq!(message["contacts"][0]["user_id"], current);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bsuid_change_for_an_unknown_customer_is_404() {
    let hook = receiver().await;
    let sandbox = Sandbox::start(fast(hook.url())).await;
    let update = async |body: Value| {
        sandbox
            .sandbox(Method::POST, "/customers/user-id-update", Some(body))
            .await
    };
    let (status, answer) = update(json!({"previous": "US.404404", "current": "US.1"})).await;
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("US.404404")),
        "{answer}"
    );
    for body in [
        json!({"previous": "nope", "current": "US.1"}),
        json!({"previous": "US.1"}),
        json!({"previous": "US.1", "current": "US.1"}),
        json!({"previous": "US.1", "current": "US.2", "wa_id": "x"}),
    ] {
        let (status, answer) = update(body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
    }
    // A BSUID that is someone else's is not taken.
    sandbox
        .inject(json!({"user_id": "US.1", "text": "one"}))
        .await;
    sandbox
        .inject(json!({"user_id": "US.2", "text": "two"}))
        .await;
    let (status, answer) = update(json!({"previous": "US.1", "current": "US.2"})).await;
    assert_eq!(status, 409, "{answer}");
    hook.wait_for(2).await;
    assert!(
        hook.hits().iter().all(|h| h.change().0 != "user_id_update"),
        "no refused change was told"
    );
    let no_url = Sandbox::start(fast("")).await;
    let (status, _) = no_url
        .sandbox(
            Method::POST,
            "/customers/user-id-update",
            Some(json!({"previous": "US.1", "current": "US.2"})),
        )
        .await;
    assert_eq!(status, 409);
}
