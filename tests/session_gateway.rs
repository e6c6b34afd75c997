//! The core's session lifecycle against the sandbox gateway over real HTTP: connect, QR,
//! scan, signed webhooks applied once and in order, phone conflicts, disconnect, QR
//! expiry, linking by pairing code and a dead gateway.

#![cfg(feature = "sandbox")]

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Receiver, eventually};
use wpwa::gateway::{GatewayClient, GatewayError, WebhookTarget};
use wpwa::sandbox::SandboxConfig;
use wpwa::session::{self, Policy, Reason, SessionError, SessionState, WebhookOutcome};
use wpwa::store::Store;

const API_KEY: &str = "session-test-key";
const HOOK_KEY: &str = "session-test-webhook-key";

struct World {
    sandbox: support::Sandbox,
    gateway: GatewayClient,
    webhook: WebhookTarget,
    hooks: Receiver,
}

async fn world(config: SandboxConfig) -> World {
    let sandbox = support::Sandbox::start(config).await;
    let hooks = Receiver::at("/wp-json/wpwa/v1/webhooks/gateway/central").await;
    World {
        gateway: GatewayClient::new(sandbox.base(), API_KEY).unwrap(),
        sandbox,
        webhook: WebhookTarget {
            url: hooks.url().to_owned(),
            hmac_key: HOOK_KEY.into(),
        },
        hooks,
    }
}

fn fast() -> SandboxConfig {
    SandboxConfig {
        api_key: API_KEY.into(),
        starting_ms: 20,
        qr_first_ms: 60_000,
        qr_next_ms: 60_000,
        webhook_retry_ms: 20,
        ..SandboxConfig::default()
    }
}

fn now() -> i64 {
    wpwa::clock::now()
}

impl World {
    async fn sandbox_post(&self, path: &str, body: serde_json::Value) -> u16 {
        self.sandbox.post(path, body).await.as_u16()
    }

    async fn sandbox_config(&self, body: serde_json::Value) {
        let status = self.sandbox.put("/sandbox/config", body).await;
        assert!(status.is_success(), "config update: {status}");
    }

    /// Applies every webhook received so far; returns the outcomes.
    fn deliver_all(&self, store: &Store) -> Vec<WebhookOutcome> {
        self.hooks
            .take()
            .iter()
            .map(|hit| {
                session::handle_webhook(
                    store,
                    &hit.body,
                    hit.header("x-webhook-hmac").as_deref(),
                    HOOK_KEY.as_bytes(),
                    now(),
                )
                .unwrap()
            })
            .collect()
    }

    /// Signed webhook bodies as the receiver got them: (body, X-Webhook-Hmac).
    fn received(&self) -> Vec<(Vec<u8>, Option<String>)> {
        self.hooks
            .hits()
            .iter()
            .map(|hit| (hit.body.to_vec(), hit.header("x-webhook-hmac")))
            .collect()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    support::runtime(2)
}

#[test]
fn connect_scan_by_webhook_then_disconnect() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();

        let first = session::connect(&store, &w.gateway, 1, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        assert!(first.state.is_live(), "{:?}", first.state);
        let name = first.gateway_session.clone().unwrap();
        assert_eq!(name, "shop_v1");

        let waiting = eventually("a QR code", async || {
            let s = session::refresh(&store, &w.gateway, 1, &policy, now())
                .await
                .unwrap();
            s.qr.is_some().then_some(s)
        })
        .await;
        assert_eq!(waiting.state, SessionState::WaitingForScan);
        let qr = waiting.qr.unwrap();
        assert!(qr.svg.contains("<svg"));
        assert_eq!(qr.seq, 1);

        // Connecting again while live starts nothing new.
        let again = session::connect(&store, &w.gateway, 1, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        assert_eq!(again.state, SessionState::WaitingForScan);

        assert_eq!(
            w.sandbox_post(
                &format!("/sandbox/sessions/{name}/scan"),
                json!({"phone": "+1 555 000 1001", "pushName": "Acme phone"})
            )
            .await,
            200
        );

        // The WORKING webhook alone (no polling) connects the vendor.
        eventually("the WORKING webhook", async || {
            w.received()
                .iter()
                .any(|(b, _)| String::from_utf8_lossy(b).contains("WORKING"))
                .then_some(())
        })
        .await;
        let outcomes = w.deliver_all(&store);
        assert!(
            outcomes.contains(&WebhookOutcome::Applied {
                vendor_id: 1,
                from: SessionState::WaitingForScan,
                state: SessionState::Connected
            }),
            "{outcomes:?}"
        );
        let connected = session::status(&store, 1, &policy, now()).unwrap();
        assert_eq!(connected.state, SessionState::Connected);
        assert_eq!(connected.phone.as_deref(), Some("+15550001001"));
        assert_eq!(connected.push_name.as_deref(), Some("Acme phone"));

        let history = session::history(&store, 1, 50).unwrap();
        assert!(
            history
                .iter()
                .any(|h| h.source == "webhook" && h.to_state == "connected" && h.applied)
        );

        // The vendor answers a customer from the phone: a signed message.any webhook
        // records the reply for the response metrics.
        assert_eq!(
            w.sandbox_post(
                &format!("/sandbox/sessions/{name}/send"),
                json!({"to": "+1 555 777 0001", "text": "Yes, we ship tomorrow"})
            )
            .await,
            200
        );
        eventually("the message.any webhook", async || {
            w.received()
                .iter()
                .any(|(b, _)| String::from_utf8_lossy(b).contains("message.any"))
                .then_some(())
        })
        .await;
        let (body, signature) = w
            .received()
            .into_iter()
            .find(|(b, _)| String::from_utf8_lossy(b).contains("message.any"))
            .unwrap();
        assert!(String::from_utf8_lossy(&body).contains("15557770001@c.us"));
        let outcomes = w.deliver_all(&store);
        assert!(
            outcomes.contains(&WebhookOutcome::Reply {
                vendor_id: 1,
                recorded: true
            }),
            "{outcomes:?}"
        );

        assert_eq!(
            session::handle_webhook(
                &store,
                &body,
                signature.as_deref(),
                HOOK_KEY.as_bytes(),
                now()
            )
            .unwrap(),
            WebhookOutcome::Reply {
                vendor_id: 1,
                recorded: false
            },
            "a redelivery is recorded once"
        );

        let after = session::disconnect(&store, &w.gateway, 1, &policy, now())
            .await
            .unwrap();
        assert_eq!(after.state, SessionState::Disconnected);
        assert_eq!(after.phone, None);
        let info = w.gateway.session(&name).await.unwrap();
        assert_eq!(info.me, None, "the linked device is gone");
        // Webhooks the gateway sends about the stop change nothing.
        tokio::time::sleep(Duration::from_millis(200)).await;
        w.deliver_all(&store);
        assert_eq!(
            session::status(&store, 1, &policy, now()).unwrap().state,
            SessionState::Disconnected
        );
    });
}

#[test]
fn duplicated_and_reordered_webhooks_are_applied_once_in_order() {
    runtime().block_on(async {
        let w = world(SandboxConfig {
            webhook_duplicate: true,
            webhook_reorder: true,
            webhook_reorder_hold_ms: 100,
            ..fast()
        })
        .await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();
        let name = session::connect(&store, &w.gateway, 5, "shop", &w.webhook, &policy, now())
            .await
            .unwrap()
            .gateway_session
            .unwrap();
        eventually("SCAN_QR_CODE on the gateway", async || {
            (w.gateway.session(&name).await.ok()?.status
                == wpwa::gateway::GatewayStatus::ScanQrCode)
                .then_some(())
        })
        .await;
        assert_eq!(
            w.sandbox_post(
                &format!("/sandbox/sessions/{name}/scan"),
                json!({"phone": "+15550005005"})
            )
            .await,
            200
        );
        eventually("every webhook, twice", async || {
            let bodies = w.received();
            let working = bodies
                .iter()
                .filter(|(b, _)| String::from_utf8_lossy(b).contains("WORKING"))
                .count();
            (working >= 2).then_some(())
        })
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let outcomes = w.deliver_all(&store);
        let duplicates = outcomes
            .iter()
            .filter(|o| **o == WebhookOutcome::Duplicate)
            .count();
        assert!(
            duplicates * 2 >= outcomes.len(),
            "each event came twice and was applied once: {outcomes:?}"
        );
        assert_eq!(
            session::status(&store, 5, &policy, now()).unwrap().state,
            SessionState::Connected,
            "{outcomes:?}"
        );
    });
}

#[test]
fn a_second_vendor_linking_the_same_phone_is_refused() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();
        for vendor in [1, 2] {
            let name = session::connect(
                &store,
                &w.gateway,
                vendor,
                "shop",
                &w.webhook,
                &policy,
                now(),
            )
            .await
            .unwrap()
            .gateway_session
            .unwrap();
            eventually("a QR code", async || {
                session::refresh(&store, &w.gateway, vendor, &policy, now())
                    .await
                    .unwrap()
                    .qr
                    .map(|_| ())
            })
            .await;
            assert_eq!(
                w.sandbox_post(
                    &format!("/sandbox/sessions/{name}/scan"),
                    json!({"phone": "+15550002002"})
                )
                .await,
                200
            );
            eventually("the scan", async || {
                let s = session::refresh(&store, &w.gateway, vendor, &policy, now())
                    .await
                    .unwrap();
                (!matches!(
                    s.state,
                    SessionState::WaitingForScan | SessionState::Starting
                ))
                .then_some(())
            })
            .await;
        }
        assert_eq!(
            session::status(&store, 1, &policy, now()).unwrap().state,
            SessionState::Connected
        );
        let refused = session::status(&store, 2, &policy, now()).unwrap();
        assert_eq!(
            (refused.state, refused.reason),
            (SessionState::Failed, Some(Reason::PhoneInUse))
        );
        assert_eq!(refused.phone.as_deref(), Some("+15550002002"));
        // The refused vendor's link on the gateway was removed.
        assert_eq!(w.gateway.session("shop_v2").await.unwrap().me, None);
    });
}

#[test]
fn unscanned_qr_codes_expire_the_session_and_a_new_connect_recovers() {
    runtime().block_on(async {
        let w = world(SandboxConfig {
            qr_first_ms: 150,
            qr_next_ms: 100,
            qr_count: 2,
            ..fast()
        })
        .await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy {
            qr_first_seconds: 1,
            qr_next_seconds: 1,
            ..Policy::default()
        };
        session::connect(&store, &w.gateway, 3, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        let expired = eventually("the QR codes to run out", async || {
            let s = session::refresh(&store, &w.gateway, 3, &policy, now())
                .await
                .unwrap();
            (s.state == SessionState::Expired).then_some(s)
        })
        .await;
        assert_eq!(expired.reason, Some(Reason::QrExpired));
        assert_eq!(expired.qr, None);

        w.sandbox_config(json!({"qr_first_ms": 60_000})).await;
        session::connect(&store, &w.gateway, 3, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        let again = eventually("a fresh QR code", async || {
            session::refresh(&store, &w.gateway, 3, &policy, now())
                .await
                .unwrap()
                .qr
        })
        .await;
        assert_eq!(again.seq, 1, "a new session starts its QR count again");
    });
}

#[test]
fn a_phone_links_by_typing_a_pairing_code() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();

        // Before any session there is nothing to pair with.
        let early =
            session::request_pairing_code(&store, &w.gateway, 4, "+1 555 000 4004", &policy, now())
                .await;
        assert!(
            matches!(early, Err(SessionError::NotWaitingForLink("disconnected"))),
            "{early:?}"
        );

        session::connect(&store, &w.gateway, 4, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        eventually("a QR code", async || {
            session::refresh(&store, &w.gateway, 4, &policy, now())
                .await
                .unwrap()
                .qr
        })
        .await;

        for typed in ["", "12345", "+1 555 abc 4004", "+1234567890123456"] {
            let refused =
                session::request_pairing_code(&store, &w.gateway, 4, typed, &policy, now()).await;
            assert!(
                matches!(refused, Err(SessionError::BadPhone)),
                "{typed:?}: {refused:?}"
            );
        }

        // One clock reading for the request and the check: a second may turn between.
        let asked = now();
        let first = session::request_pairing_code(
            &store,
            &w.gateway,
            4,
            "+1 (555) 000-4004",
            &policy,
            asked,
        )
        .await
        .unwrap();
        let pairing = first.pairing.expect("a pairing code");
        assert_eq!(pairing.phone, "+15550004004");
        assert_eq!(pairing.code.len(), 9, "{}", pairing.code);
        assert_eq!(
            pairing.expires_at - asked,
            policy.pairing_code_seconds,
            "{pairing:?}"
        );
        assert!(first.qr.is_some(), "the QR code stays usable meanwhile");

        // A second request replaces the code: the first no longer links.
        let second =
            session::request_pairing_code(&store, &w.gateway, 4, "+15550004004", &policy, now())
                .await
                .unwrap()
                .pairing
                .unwrap();
        let name = first.gateway_session.unwrap();
        let enter = |code: &str| json!({"code": code, "pushName": "Paired phone"});
        if second.code != pairing.code {
            assert_eq!(
                w.sandbox_post(
                    &format!("/sandbox/sessions/{name}/enter-code"),
                    enter(&pairing.code)
                )
                .await,
                422
            );
        }
        assert_eq!(
            w.sandbox_post(
                &format!("/sandbox/sessions/{name}/enter-code"),
                enter(&second.code.to_lowercase())
            )
            .await,
            200
        );

        let connected = eventually("the session connected", async || {
            w.deliver_all(&store);
            let s = session::status(&store, 4, &policy, now()).unwrap();
            (s.state == SessionState::Connected).then_some(s)
        })
        .await;
        assert_eq!(connected.phone.as_deref(), Some("+15550004004"));
        assert_eq!(connected.push_name.as_deref(), Some("Paired phone"));
        assert_eq!(connected.pairing, None);
    });
}

#[test]
fn an_expired_pairing_code_is_refused_by_the_phone_and_expires_the_session() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy {
            pairing_code_seconds: 30,
            ..Policy::default()
        };
        w.sandbox_config(json!({"pairing_code_ms": 50})).await;
        session::connect(&store, &w.gateway, 5, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        eventually("a QR code", async || {
            session::refresh(&store, &w.gateway, 5, &policy, now())
                .await
                .unwrap()
                .qr
        })
        .await;
        let s =
            session::request_pairing_code(&store, &w.gateway, 5, "+15550005005", &policy, now())
                .await
                .unwrap();
        let pairing = s.pairing.unwrap();
        tokio::time::sleep(Duration::from_millis(80)).await;
        let name = s.gateway_session.unwrap();
        assert_eq!(
            w.sandbox_post(
                &format!("/sandbox/sessions/{name}/enter-code"),
                json!({"code": pairing.code})
            )
            .await,
            410,
            "the phone refuses an expired code"
        );
        let expired = session::status(&store, 5, &policy, pairing.expires_at).unwrap();
        assert_eq!(
            (expired.state, expired.reason, expired.pairing),
            (
                SessionState::Expired,
                Some(Reason::PairingCodeExpired),
                None
            )
        );
        // A new code is not on offer for an expired session: the vendor connects again.
        let refused =
            session::request_pairing_code(&store, &w.gateway, 5, "+15550005005", &policy, now())
                .await;
        assert!(
            matches!(refused, Err(SessionError::NotWaitingForLink("expired"))),
            "{refused:?}"
        );
    });
}

#[test]
fn pairing_codes_count_against_the_hourly_connection_attempts() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy {
            max_starts_per_hour: 2,
            ..Policy::default()
        };
        session::connect(&store, &w.gateway, 6, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();
        eventually("a QR code", async || {
            session::refresh(&store, &w.gateway, 6, &policy, now())
                .await
                .unwrap()
                .qr
        })
        .await;
        session::request_pairing_code(&store, &w.gateway, 6, "+15550006006", &policy, now())
            .await
            .unwrap();
        let limited =
            session::request_pairing_code(&store, &w.gateway, 6, "+15550006006", &policy, now())
                .await;
        assert!(
            matches!(limited, Err(SessionError::RateLimited { retry_after }) if retry_after > 3500),
            "{limited:?}"
        );
    });
}

#[test]
fn a_dead_or_misconfigured_gateway_is_reported_not_waited_for() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();
        session::connect(&store, &w.gateway, 4, "shop", &w.webhook, &policy, now())
            .await
            .unwrap();

        w.sandbox_config(json!({"fail_mode": "down"})).await;
        let error = session::refresh(&store, &w.gateway, 4, &policy, now())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                SessionError::Gateway(GatewayError::Unreachable { .. })
            ),
            "{error}"
        );
        assert!(error.to_string().contains("check the gateway URL"));

        w.sandbox_config(json!({"fail_mode": "unauthorized"})).await;
        let error = session::connect(&store, &w.gateway, 6, "shop", &w.webhook, &policy, now())
            .await
            .unwrap_err();
        assert!(
            matches!(error, SessionError::Gateway(GatewayError::Unauthorized)),
            "{error}"
        );

        w.sandbox_config(json!({"fail_mode": "5xx"})).await;
        let error = session::connect(&store, &w.gateway, 7, "shop", &w.webhook, &policy, now())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                SessionError::Gateway(GatewayError::Server { status: 500, .. })
            ),
            "{error}"
        );
        // None of the failures changed a session.
        for vendor in [6, 7] {
            assert_eq!(
                session::status(&store, vendor, &policy, now())
                    .unwrap()
                    .state,
                SessionState::Disconnected
            );
        }
    });
}
