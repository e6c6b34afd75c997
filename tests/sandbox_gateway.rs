//! The sandbox's WAHA-compatible session gateway, driven over HTTP on loopback: auth,
//! session CRUD and lifecycle, QR rotation and expiry, the sandbox-only phone actions,
//! signed webhooks (retried, duplicated, reordered), failure injection and reset.
//!
//! Timings are made small through the configuration; assertions never depend on how
//! fast the machine is beyond "eventually, within a generous bound".

#![cfg(feature = "sandbox")]

mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Hit, Receiver, Sandbox, eventually};
use wpwa::sandbox::SandboxConfig;

const KEY: &str = "test-key";

/// Fast timings; the QR lives long unless a test says otherwise.
fn fast() -> SandboxConfig {
    SandboxConfig {
        api_key: KEY.into(),
        starting_ms: 20,
        qr_first_ms: 60_000,
        qr_next_ms: 60_000,
        webhook_retry_ms: 20,
        ..SandboxConfig::default()
    }
}

/// The gateway's calls.
impl Sandbox {
    /// An `/api/*` call with the right key; returns status and JSON body.
    async fn api(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(method, path, body, Some(KEY)).await
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(key) = key {
            request = request.header("X-Api-Key", key);
        }
        let answer = support::answer(request, body).await;
        (answer.status, answer.body)
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

    async fn create(&self, body: Value) -> Value {
        let (status, session) = self.api(Method::POST, "/api/sessions", Some(body)).await;
        assert_eq!(status, 201, "{session}");
        session
    }

    async fn status(&self, name: &str) -> String {
        let (_, session) = self
            .api(Method::GET, &format!("/api/sessions/{name}"), None)
            .await;
        session["status"].as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the session reports `status`.
    async fn wait_for(&self, name: &str, status: &str) {
        eventually(&format!("{name} to be {status}"), || async {
            (self.status(name).await == status).then_some(())
        })
        .await;
    }

    async fn qr(&self, name: &str) -> (StatusCode, Value) {
        self.api(
            Method::GET,
            &format!("/api/{name}/auth/qr?format=raw"),
            None,
        )
        .await
    }

    async fn scan(&self, name: &str, phone: &str) -> (StatusCode, Value) {
        self.sandbox(
            Method::POST,
            &format!("/sessions/{name}/scan"),
            Some(json!({"phone": phone, "pushName": "Acme Store"})),
        )
        .await
    }

    async fn deliveries(&self) -> Vec<Value> {
        let (_, log) = self.sandbox(Method::GET, "/webhooks", None).await;
        log["deliveries"].as_array().cloned().unwrap_or_default()
    }
}

impl Hit {
    /// The status a gateway webhook reports.
    fn status(&self) -> String {
        self.json()["payload"]["status"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// The gateway's view of a receiver.
impl Receiver {
    fn statuses(&self) -> Vec<String> {
        self.hits().iter().map(Hit::status).collect()
    }

    fn webhook(&self, hmac_key: Option<&str>) -> Value {
        json!({
            "url": self.url(),
            "events": ["session.status", "message", "message.any"],
            "hmac": hmac_key.map(|key| json!({"key": key})),
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_call_needs_the_api_key() {
    let sandbox = Sandbox::start(fast()).await;
    let unauthorized = json!({"statusCode": 401, "message": "Unauthorized"});
    for key in [None, Some("wrong-key"), Some("")] {
        let (status, body) = sandbox.call(Method::GET, "/api/sessions", None, key).await;
        assert_eq!(status, 401);
        assert_eq!(body, unauthorized);
    }
    let (status, body) = sandbox
        .call(
            Method::POST,
            "/api/sessions",
            Some(json!({"name": "x"})),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized));

    let (status, body) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    // The control API and health take no key.
    let (status, _) = sandbox.sandbox(Method::GET, "/config", None).await;
    assert_eq!(status, 200);
    let (status, _) = sandbox.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, 200);
    // Beyond the gateway, the Cloud API side still answers Graph-shaped 404s.
    let (status, body) = sandbox
        .call(Method::GET, "/v21.0/unknown", None, None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_created_read_updated_listed_and_deleted() {
    let sandbox = Sandbox::start(fast()).await;
    let config = json!({"metadata": {"vendor_id": "7"}, "webhooks": []});
    let created = sandbox
        .create(json!({"name": "vendor-7", "start": false, "config": config}))
        .await;
    assert_eq!(
        created,
        json!({
            "name": "vendor-7",
            "status": "STOPPED",
            "config": config,
            "me": null,
            "engine": {"engine": "WPWA-SANDBOX"},
        })
    );

    let (status, body) = sandbox
        .api(
            Method::POST,
            "/api/sessions",
            Some(json!({"name": "vendor-7"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["statusCode"], 422);
    assert_eq!(
        body["message"],
        "Session 'vendor-7' already exists. Use PUT to update it."
    );
    for bad in ["has space", "dot.ted", "", &"n".repeat(55)] {
        let (status, _) = sandbox
            .api(Method::POST, "/api/sessions", Some(json!({"name": bad})))
            .await;
        assert_eq!(status, 422, "name {bad:?}");
    }

    let (status, got) = sandbox
        .api(Method::GET, "/api/sessions/vendor-7", None)
        .await;
    assert_eq!((status, &got), (StatusCode::OK, &created));
    let (status, body) = sandbox.api(Method::GET, "/api/sessions/nobody", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["statusCode"], 404);
    assert_eq!(body["message"], "Session not found");

    let new_config = json!({"metadata": {"vendor_id": "7", "site": "a"}});
    let (status, updated) = sandbox
        .api(
            Method::PUT,
            "/api/sessions/vendor-7",
            Some(json!({"name": "vendor-7", "config": new_config})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["config"], new_config);
    let (status, _) = sandbox
        .api(
            Method::PUT,
            "/api/sessions/nobody",
            Some(json!({"config": {}})),
        )
        .await;
    assert_eq!(status, 404);

    // As WAHA: the list shows running sessions unless asked for all.
    sandbox.create(json!({"name": "running"})).await;
    let (_, running) = sandbox.api(Method::GET, "/api/sessions", None).await;
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&running), ["running"]);
    let (_, all) = sandbox
        .api(Method::GET, "/api/sessions?all=true", None)
        .await;
    assert_eq!(names(&all), ["running", "vendor-7"]);

    let (status, _) = sandbox
        .api(Method::DELETE, "/api/sessions/vendor-7", None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = sandbox
        .api(Method::GET, "/api/sessions/vendor-7", None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = sandbox
        .api(Method::DELETE, "/api/sessions/vendor-7", None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_session_shows_a_qr_code_that_rotates_then_fails() {
    let sandbox = Sandbox::start(SandboxConfig {
        qr_first_ms: 200,
        qr_next_ms: 100,
        qr_count: 3,
        ..fast()
    })
    .await;
    let hook = Receiver::start().await;
    // `start` defaults to true, as in WAHA.
    let created = sandbox
        .create(json!({"name": "v1", "config": {"webhooks": [hook.webhook(None)]}}))
        .await;
    assert_eq!(created["status"], "STARTING");

    sandbox.wait_for("v1", "SCAN_QR_CODE").await;
    let (status, qr) = sandbox.qr("v1").await;
    assert_eq!(status, 200, "{qr}");
    let first = qr["value"].as_str().unwrap().to_owned();
    assert!(first.starts_with("2@") && first.len() > 100, "{first}");

    let second = eventually("the QR code to rotate", || async {
        let (_, qr) = sandbox.qr("v1").await;
        qr["value"]
            .as_str()
            .filter(|value| *value != first)
            .map(str::to_owned)
    })
    .await;
    assert!(second.starts_with("2@"));

    // After the third code expires the session gives up.
    sandbox.wait_for("v1", "FAILED").await;
    let (status, body) = sandbox.qr("v1").await;
    assert_eq!(status, 422);
    assert_eq!(
        body["message"],
        "Can not get QR code: session status is FAILED, expected SCAN_QR_CODE"
    );

    // SCAN_QR_CODE is re-emitted on each rotation, in order.
    hook.wait_for(5).await;
    assert_eq!(
        hook.statuses(),
        [
            "STARTING",
            "SCAN_QR_CODE",
            "SCAN_QR_CODE",
            "SCAN_QR_CODE",
            "FAILED"
        ]
    );

    // A failed session can be started again.
    let (status, body) = sandbox
        .api(Method::POST, "/api/sessions/v1/start", None)
        .await;
    assert_eq!(status, 201, "{body}");
    sandbox.wait_for("v1", "SCAN_QR_CODE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanning_links_the_phone_and_logout_unlinks_it() {
    let sandbox = Sandbox::start(fast()).await;
    sandbox.create(json!({"name": "v2", "start": false})).await;
    let (status, body) = sandbox.qr("v2").await;
    assert_eq!(status, 422);
    assert_eq!(
        body["message"],
        "Can not get QR code: session status is STOPPED, expected SCAN_QR_CODE"
    );
    let (status, _) = sandbox.scan("v2", "+15550001").await;
    assert_eq!(status, 409, "nothing to scan while stopped");
    let (status, _) = sandbox.scan("nobody", "+15550001").await;
    assert_eq!(status, 404);

    let (status, started) = sandbox
        .api(Method::POST, "/api/sessions/v2/start", None)
        .await;
    assert_eq!(status, 201);
    assert_eq!(started["status"], "STARTING");
    sandbox.wait_for("v2", "SCAN_QR_CODE").await;
    let (status, _) = sandbox.scan("v2", "not a phone").await;
    assert_eq!(status, 422);

    let (status, linked) = sandbox.scan("v2", "+1 555-0001").await;
    assert_eq!(status, 200, "{linked}");
    let me = json!({"id": "15550001@c.us", "pushName": "Acme Store"});
    assert_eq!(linked["status"], "WORKING");
    assert_eq!(linked["me"], me);
    let (_, got) = sandbox.api(Method::GET, "/api/sessions/v2", None).await;
    assert_eq!(got["me"], me);
    let (_, got_me) = sandbox.api(Method::GET, "/api/sessions/v2/me", None).await;
    assert_eq!(got_me, me);
    let (status, body) = sandbox.qr("v2").await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("WORKING"));

    let (status, body) = sandbox
        .api(Method::POST, "/api/sessions/v2/start", None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Session 'v2' is already started.");

    // Stop keeps the link: the next start reconnects without a scan.
    let (status, stopped) = sandbox
        .api(Method::POST, "/api/sessions/v2/stop", None)
        .await;
    assert_eq!(status, 201);
    assert_eq!(stopped["status"], "STOPPED");
    assert_eq!(stopped["me"], me);
    sandbox
        .api(Method::POST, "/api/sessions/v2/start", None)
        .await;
    sandbox.wait_for("v2", "WORKING").await;

    // Restart goes back through STARTING and, linked, to WORKING.
    let (status, restarted) = sandbox
        .api(Method::POST, "/api/sessions/v2/restart", None)
        .await;
    assert_eq!(status, 201);
    assert_eq!(restarted["status"], "STARTING");
    sandbox.wait_for("v2", "WORKING").await;

    // Logout removes the linked device: a new scan is needed.
    let (status, logged_out) = sandbox
        .api(Method::POST, "/api/sessions/v2/logout", None)
        .await;
    assert_eq!(status, 201);
    assert_eq!(logged_out["status"], "STOPPED");
    assert_eq!(logged_out["me"], Value::Null);
    sandbox
        .api(Method::POST, "/api/sessions/v2/start", None)
        .await;
    sandbox.wait_for("v2", "SCAN_QR_CODE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_can_unlink_and_the_connection_can_drop() {
    let sandbox = Sandbox::start(fast()).await;
    let hook = Receiver::start().await;
    sandbox
        .create(json!({"name": "v3", "config": {"webhooks": [hook.webhook(None)]}}))
        .await;
    sandbox.wait_for("v3", "SCAN_QR_CODE").await;
    sandbox.scan("v3", "+15550003").await;

    // A dropped connection fails the session but keeps the link.
    let (status, dropped) = sandbox
        .sandbox(Method::POST, "/sessions/v3/disconnect", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(dropped["status"], "FAILED");
    assert_eq!(dropped["me"]["id"], "15550003@c.us");
    let (status, _) = sandbox
        .sandbox(Method::POST, "/sessions/v3/disconnect", None)
        .await;
    assert_eq!(status, 409, "not connected any more");
    sandbox
        .api(Method::POST, "/api/sessions/v3/start", None)
        .await;
    sandbox.wait_for("v3", "WORKING").await;

    // The phone removing the device fails the session and drops the link.
    let (status, unlinked) = sandbox
        .sandbox(Method::POST, "/sessions/v3/phone-logout", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(unlinked["status"], "FAILED");
    assert_eq!(unlinked["me"], Value::Null);
    let (status, _) = sandbox
        .sandbox(Method::POST, "/sessions/v3/phone-logout", None)
        .await;
    assert_eq!(status, 409, "no linked device any more");

    hook.wait_for(7).await;
    assert_eq!(
        hook.statuses(),
        [
            "STARTING",
            "SCAN_QR_CODE",
            "WORKING",
            "FAILED",
            "STARTING",
            "WORKING",
            "FAILED"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_links_at_most_four_devices() {
    let sandbox = Sandbox::start(fast()).await;
    for i in 0..5 {
        sandbox.create(json!({"name": format!("d{i}")})).await;
    }
    for i in 0..5 {
        sandbox.wait_for(&format!("d{i}"), "SCAN_QR_CODE").await;
    }
    for i in 0..4 {
        let (status, body) = sandbox.scan(&format!("d{i}"), "+15550009").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = sandbox.scan("d4", "+15550009").await;
    assert_eq!(status, 409);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("4 linked devices")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_webhooks_are_signed_enveloped_and_logged() {
    let sandbox = Sandbox::start(fast()).await;
    let hook = Receiver::start().await;
    let metadata = json!({"vendor_id": "42", "site": "shop"});
    sandbox
        .create(json!({
            "name": "v4",
            "config": {"metadata": metadata, "webhooks": [hook.webhook(Some("s3cret"))]},
        }))
        .await;
    sandbox.wait_for("v4", "SCAN_QR_CODE").await;
    sandbox.scan("v4", "+15550004").await;

    let hits = hook.wait_for(3).await;
    assert_eq!(hook.statuses(), ["STARTING", "SCAN_QR_CODE", "WORKING"]);
    let mut ids = Vec::new();
    for hit in &hits {
        let signature = hit.headers["x-webhook-hmac"].to_str().unwrap();
        wpwa::signature::verify_sha512_hex(b"s3cret", &hit.body, Some(signature)).unwrap();
        assert!(wpwa::signature::verify_sha512_hex(b"wrong", &hit.body, Some(signature)).is_err());
        assert_eq!(hit.headers["x-webhook-hmac-algorithm"], "sha512");
        assert_eq!(hit.headers["content-type"], "application/json");
        assert!(!hit.headers["x-webhook-request-id"].is_empty());
        let timestamp: u64 = hit.headers["x-webhook-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(timestamp > 1_600_000_000_000, "unix milliseconds");

        let envelope = hit.json();
        let id = envelope["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("evt_"), "{id}");
        ids.push(id);
        assert!(envelope["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
        assert_eq!(envelope["event"], "session.status");
        assert_eq!(envelope["session"], "v4");
        assert_eq!(envelope["metadata"], metadata);
        assert_eq!(envelope["engine"], "WPWA-SANDBOX");
        assert_eq!(envelope["environment"]["version"], wpwa::VERSION);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every event has its own id");
    assert_eq!(hits[0].json()["me"], Value::Null);
    assert_eq!(
        hits[2].json()["me"],
        json!({"id": "15550004@c.us", "pushName": "Acme Store"})
    );
    assert_eq!(hits[2].json()["payload"], json!({"status": "WORKING"}));

    // The receiver sees a request before the sandbox logs the answer to it.
    let log = eventually("three logged deliveries", || async {
        let log = sandbox.deliveries().await;
        (log.len() >= 3).then_some(log)
    })
    .await;
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|d| d["response_status"] == 200 && d["ok"] == true)
    );
    assert_eq!(log[2]["body"]["payload"]["status"], "WORKING");
    assert_eq!(log[2]["url"], hook.url());

    // Unsigned when the webhook has no key; not sent for events it did not ask for.
    let plain = Receiver::start().await;
    let other = Receiver::start().await;
    sandbox
        .create(json!({"name": "v5", "config": {"webhooks": [
            plain.webhook(None),
            {"url": other.url(), "events": ["message"]},
        ]}}))
        .await;
    let hits = plain.wait_for(2).await;
    assert!(!hits[0].headers.contains_key("x-webhook-hmac"));
    assert!(other.hits().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_with_the_same_event() {
    let sandbox = Sandbox::start(SandboxConfig {
        webhook_retries: 3,
        ..fast()
    })
    .await;
    let hook = Receiver::start().await;
    hook.fail_first(2);
    sandbox
        .create(json!({"name": "v6", "start": false, "config": {"webhooks": [hook.webhook(Some("k"))]}}))
        .await;
    sandbox
        .api(Method::POST, "/api/sessions/v6/start", None)
        .await;

    let hits = hook.wait_for(3).await;
    assert_eq!(
        hits[0].body, hits[1].body,
        "a retry resends the exact bytes"
    );
    assert_eq!(hits[1].body, hits[2].body);
    let log = eventually("three logged attempts", || async {
        let log = sandbox.deliveries().await;
        (log.len() >= 3).then_some(log)
    })
    .await;
    let attempts: Vec<(u64, u64)> = log
        .iter()
        .take(3)
        .map(|d| {
            (
                d["attempt"].as_u64().unwrap(),
                d["response_status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts, [(1, 500), (2, 500), (3, 200)]);

    // A receiver that never answers 2xx gets 1 + webhook_retries attempts, then no more.
    let dead = Receiver::start().await;
    dead.fail_first(usize::MAX);
    sandbox.configure(json!({"webhook_retries": 1})).await;
    sandbox
        .create(json!({"name": "v7", "start": false, "config": {"webhooks": [dead.webhook(None)]}}))
        .await;
    sandbox
        .api(Method::POST, "/api/sessions/v7/start", None)
        .await;
    // STARTING and SCAN_QR_CODE, two attempts each.
    dead.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(dead.hits().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_can_be_duplicated_and_reordered() {
    let sandbox = Sandbox::start(SandboxConfig {
        webhook_duplicate: true,
        ..fast()
    })
    .await;
    let hook = Receiver::start().await;
    sandbox
        .create(json!({"name": "dup", "config": {"webhooks": [hook.webhook(Some("k"))]}}))
        .await;
    let hits = hook.wait_for(4).await;
    assert_eq!(hits[0].body, hits[1].body, "same event, same bytes, twice");
    assert_eq!(hits[2].body, hits[3].body);
    assert_eq!(
        hook.statuses(),
        ["STARTING", "STARTING", "SCAN_QR_CODE", "SCAN_QR_CODE"]
    );

    sandbox
        .configure(json!({
            "webhook_duplicate": false,
            "webhook_reorder": true,
            "webhook_reorder_hold_ms": 2000,
        }))
        .await;
    let late = Receiver::start().await;
    sandbox
        .create(json!({"name": "reorder", "config": {"webhooks": [late.webhook(None)]}}))
        .await;
    sandbox.wait_for("reorder", "SCAN_QR_CODE").await;
    sandbox.scan("reorder", "+15550005").await;
    // STARTING is held back until SCAN_QR_CODE has gone; WORKING, with no successor,
    // goes out alone once the hold time is over.
    late.wait_for(3).await;
    assert_eq!(late.statuses(), ["SCAN_QR_CODE", "STARTING", "WORKING"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_injection_breaks_the_gateway_only() {
    let sandbox = Sandbox::start(fast()).await;
    sandbox.configure(json!({"fail_mode": "down"})).await;
    let dead = sandbox
        .http()
        .get(format!("{}/api/sessions", sandbox.base()))
        .header("X-Api-Key", KEY)
        .send()
        .await;
    let error = dead.expect_err("a dead gateway does not answer");
    assert!(!error.is_status(), "{error}");
    // The sandbox itself stays reachable, to be switched back.
    let (status, _) = sandbox.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, 200);

    sandbox.configure(json!({"fail_mode": "5xx"})).await;
    let (status, body) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"statusCode": 500, "message": "Internal server error"})
    );

    sandbox
        .configure(json!({"fail_mode": "unauthorized"}))
        .await;
    let (status, body) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!(status, 401, "even with the right key");
    assert_eq!(body, json!({"statusCode": 401, "message": "Unauthorized"}));

    sandbox.configure(json!({"fail_mode": "none"})).await;
    let (status, _) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!(status, 200);

    // Latency delays every gateway answer by at least the configured time.
    sandbox.configure(json!({"latency_ms": 300})).await;
    let began = Instant::now();
    let (status, _) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!(status, 200);
    assert!(began.elapsed() >= Duration::from_millis(300));

    // Bad settings are refused whole.
    for bad in [
        json!({"fail_mode": "sometimes"}),
        json!({"qr_count": 0}),
        json!({"latency": 5}),
        json!({"latency_ms": 0, "qr_first_ms": "soon"}),
    ] {
        let (status, _) = sandbox
            .sandbox(Method::PUT, "/config", Some(bad.clone()))
            .await;
        assert_eq!(status, 422, "{bad}");
    }
    let (_, config) = sandbox.sandbox(Method::GET, "/config", None).await;
    assert_eq!(config["latency_ms"], 300);
    assert_eq!(config["fail_mode"], "none");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_drops_sessions_and_restores_the_defaults() {
    let sandbox = Sandbox::start(fast()).await;
    let hook = Receiver::start().await;
    sandbox
        .create(json!({"name": "gone", "config": {"webhooks": [hook.webhook(None)]}}))
        .await;
    hook.wait_for(1).await;
    sandbox
        .configure(json!({"api_key": "other", "qr_count": 2, "webhook_duplicate": true}))
        .await;
    let (status, _) = sandbox.api(Method::GET, "/api/sessions", None).await;
    assert_eq!(status, 401, "the new key is in force");

    let (status, config) = sandbox.sandbox(Method::POST, "/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(config["api_key"], KEY);
    assert_eq!(config["qr_count"], 6);
    assert_eq!(config["webhook_duplicate"], false);
    let (status, _) = sandbox.api(Method::GET, "/api/sessions/gone", None).await;
    assert_eq!(status, 404);
    assert!(sandbox.deliveries().await.is_empty());

    // The name is free again, and nothing from before the reset fires for it.
    sandbox
        .create(json!({"name": "gone", "start": false}))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sandbox.status("gone").await, "STOPPED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_beyond_loopback_are_refused() {
    let sandbox = Sandbox::start(fast()).await;
    for url in [
        "http://example.com/hook",
        "https://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "ftp://127.0.0.1/hook",
        "nonsense",
    ] {
        let (status, body) = sandbox
            .api(
                Method::POST,
                "/api/sessions",
                Some(json!({"name": "far", "config": {"webhooks": [
                    {"url": url, "events": ["session.status"]},
                ]}})),
            )
            .await;
        assert_eq!(status, 422, "{url}");
        assert_eq!(body["statusCode"], 422);
    }
    let (status, _) = sandbox.api(Method::GET, "/api/sessions/far", None).await;
    assert_eq!(status, 404, "nothing was created");

    sandbox
        .create(json!({"name": "near", "start": false}))
        .await;
    let (status, _) = sandbox
        .api(
            Method::PUT,
            "/api/sessions/near",
            Some(json!({"config": {"webhooks": [
                {"url": "http://example.com/hook", "events": ["session.status"]},
            ]}})),
        )
        .await;
    assert_eq!(status, 422);
}

/// The core's own gateway client against the sandbox: the two sides of one contract.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_gateway_client_drives_the_sandbox() {
    use wpwa::gateway::{GatewayClient, GatewayError, GatewayStatus, WebhookTarget};

    let sandbox = Sandbox::start(fast()).await;
    let hook = Receiver::start().await;
    let client = GatewayClient::new(sandbox.base(), KEY).unwrap();
    let target = WebhookTarget {
        url: hook.url().to_owned(),
        hmac_key: "k".into(),
    };
    client
        .upsert_session("core", &json!({"vendor_id": "1"}), &target)
        .await
        .unwrap();
    // The second upsert updates in place.
    client
        .upsert_session("core", &json!({"vendor_id": "1"}), &target)
        .await
        .unwrap();
    assert_eq!(
        client.session("core").await.unwrap().status,
        GatewayStatus::Stopped
    );
    client.start("core").await.unwrap();
    client.start("core").await.unwrap();
    sandbox.wait_for("core", "SCAN_QR_CODE").await;
    assert!(client.qr_value("core").await.unwrap().starts_with("2@"));
    sandbox.scan("core", "+15550077").await;
    let info = client.session("core").await.unwrap();
    assert_eq!(info.status, GatewayStatus::Working);
    assert_eq!(info.me.unwrap().phone().as_deref(), Some("+15550077"));
    client.logout("core").await.unwrap();
    assert!(client.session("core").await.unwrap().me.is_none());

    let wrong = GatewayClient::new(sandbox.base(), "nope").unwrap();
    assert!(matches!(
        wrong.session("core").await,
        Err(GatewayError::Unauthorized)
    ));
    sandbox.configure(json!({"fail_mode": "down"})).await;
    assert!(matches!(
        client.session("core").await,
        Err(GatewayError::Unreachable { .. })
    ));
}

/// The binary takes every setting as a flag and announces where it listens.
#[test]
fn the_binary_takes_settings_as_flags() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_wpwa-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--api-key",
            "flag-key",
            "--qr-first-ms",
            "1234",
            "--qr-count=2",
            "--fail-mode",
            "5xx",
            "--webhook-duplicate",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("wpwa-sandbox listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let runtime = support::current_thread();
    let config = runtime.block_on(support::get_json(&format!("http://{addr}/sandbox/config")));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(config["api_key"], "flag-key");
    assert_eq!(config["qr_first_ms"], 1234);
    assert_eq!(config["qr_count"], 2);
    assert_eq!(config["fail_mode"], "5xx");
    assert_eq!(config["webhook_duplicate"], true);

    let refused = Command::new(env!("CARGO_BIN_EXE_wpwa-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--fail-mode", "sometimes"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(refused.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_latency_delays_delivery_but_not_the_api() {
    let sandbox = Sandbox::start(SandboxConfig {
        webhook_latency_ms: 400,
        ..fast()
    })
    .await;
    let hook = Receiver::start().await;
    let began = Instant::now();
    sandbox
        .create(
            json!({"name": "slow", "start": false, "config": {"webhooks": [hook.webhook(None)]}}),
        )
        .await;
    let (status, _) = sandbox
        .api(Method::POST, "/api/sessions/slow/start", None)
        .await;
    assert_eq!(status, 201);
    // The answer came first; the webhook only after its latency.
    assert!(hook.hits().is_empty());
    hook.wait_for(1).await;
    assert!(began.elapsed() >= Duration::from_millis(400));
}
