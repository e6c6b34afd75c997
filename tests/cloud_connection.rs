//! The Cloud API connection test against the sandbox: each step (phone number,
//! business account, catalog) says what worked and what did not.

#![cfg(feature = "sandbox")]

mod support;

use wpwa::cloud::{CloudClient, ConnectionIds};
use wpwa::sandbox::SandboxConfig;

const TOKEN: &str = "connection-test-token";

#[test]
fn every_step_works_with_a_good_token_and_says_why_not_otherwise() {
    support::current_thread().block_on(async {
        let sandbox = support::Sandbox::start(SandboxConfig {
            cloud_token: TOKEN.into(),
            ..SandboxConfig::default()
        })
        .await;
        let ids = ConnectionIds {
            phone_number_id: "1065550001".into(),
            waba_id: "2065550002".into(),
            catalog_id: "3065550003".into(),
        };

        let good = CloudClient::new(sandbox.base(), "v21.0", TOKEN).unwrap();
        let checks = good.test_connection(&ids).await;
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert_eq!(checks[0].detail, "+1 555-010001 (wpwa sandbox)");
        assert_eq!(checks[1].detail, "wpwa sandbox 2065550002");
        assert_eq!(checks[2].detail, "wpwa sandbox 3065550003: 0 products");

        let partial = good
            .test_connection(&ConnectionIds {
                waba_id: String::new(),
                ..ids.clone()
            })
            .await;
        assert_eq!(
            partial.iter().map(|c| c.ok).collect::<Vec<_>>(),
            [true, false, true]
        );
        assert_eq!(partial[1].detail, "not set");

        let bad = CloudClient::new(sandbox.base(), "v21.0", "wrong-token").unwrap();
        let checks = bad.test_connection(&ids).await;
        assert!(checks.iter().all(|c| !c.ok));
        assert!(
            checks[0].detail.contains("access token was refused"),
            "{checks:?}"
        );
        assert!(!format!("{checks:?}").contains("wrong-token"));

        // Graph answers only the fields asked for, and refuses unknown ones.
        let node = sandbox
            .get(&format!(
                "/v21.0/3065550003?fields=name&access_token={TOKEN}"
            ))
            .await;
        assert_eq!(
            node,
            serde_json::json!({"id": "3065550003", "name": "wpwa sandbox 3065550003"})
        );
        let answer = support::answer(
            sandbox.request(
                reqwest::Method::GET,
                &format!("/v21.0/1?fields=secret&access_token={TOKEN}"),
            ),
            None,
        )
        .await;
        assert_eq!(answer.status, reqwest::StatusCode::BAD_REQUEST);
    });
}
