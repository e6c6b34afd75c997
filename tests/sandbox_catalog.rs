//! The sandbox's Cloud API catalog, driven over HTTP on loopback: Bearer auth,
//! `items_batch` and `check_batch_request_status` with asynchronous processing,
//! per-item validation the way the real API reports it, upsert/merge/delete semantics,
//! the per-catalog batch rate limit (80014), failure injection, latency, and the
//! sandbox-only catalog reads, stats and reset.
//!
//! Timings are made small through the configuration; assertions never depend on how
//! fast the machine is beyond "eventually, within a generous bound".

#![cfg(feature = "sandbox")]

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use support::{Answer, Sandbox, eventually};
use wpwa::sandbox::SandboxConfig;

const TOKEN: &str = "test-token";
const CATALOG: &str = "1234567890";

/// Batches apply at once and the rate limit is out of the way, unless a test says
/// otherwise.
fn fast() -> SandboxConfig {
    SandboxConfig {
        cloud_token: TOKEN.into(),
        batch_processing_ms: 0,
        catalog_batch_limit: 0,
        ..SandboxConfig::default()
    }
}

/// The catalog's calls.
impl Sandbox {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Answer {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        support::answer(request, body).await
    }

    /// `POST /v21.0/{catalog}/items_batch` with the right token.
    async fn batch_to(&self, catalog: &str, body: Value) -> Answer {
        self.call(
            Method::POST,
            &format!("/v21.0/{catalog}/items_batch"),
            Some(body),
            Some(TOKEN),
        )
        .await
    }

    /// A PRODUCT_ITEM batch of `requests` to [`CATALOG`], which must be accepted; its handle.
    async fn send(&self, requests: Value) -> String {
        let answer = self
            .batch_to(
                CATALOG,
                json!({"item_type": "PRODUCT_ITEM", "requests": requests}),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body["handles"][0].as_str().unwrap().to_owned()
    }

    async fn status_of(&self, catalog: &str, handle: &str, load_ids: bool) -> Answer {
        let mut path = format!("/v21.0/{catalog}/check_batch_request_status?handle={handle}");
        if load_ids {
            path.push_str("&load_ids_of_invalid_requests=true");
        }
        self.call(Method::GET, &path, None, Some(TOKEN)).await
    }

    /// Waits until the batch is finished; its status entry.
    async fn finished(&self, handle: &str) -> Value {
        eventually(&format!("batch {handle} to finish"), || async {
            let answer = self.status_of(CATALOG, handle, true).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            let entry = answer.body["data"][0].clone();
            (entry["status"] == "finished").then_some(entry)
        })
        .await
    }

    /// Sends a batch and waits for it; its status entry.
    async fn sync(&self, requests: Value) -> Value {
        let handle = self.send(requests).await;
        self.finished(&handle).await
    }

    async fn sandbox(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call(method, &format!("/sandbox{path}"), body, None)
            .await
    }

    async fn configure(&self, settings: Value) {
        let answer = self.sandbox(Method::PUT, "/config", Some(settings)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    async fn items_of(&self, catalog: &str) -> Vec<Value> {
        let answer = self
            .sandbox(Method::GET, &format!("/catalogs/{catalog}/items"), None)
            .await;
        assert_eq!(answer.status, 200);
        answer.body["items"].as_array().unwrap().clone()
    }

    async fn items(&self) -> Vec<Value> {
        self.items_of(CATALOG).await
    }

    async fn ids(&self) -> Vec<String> {
        self.items()
            .await
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn stats_of(&self, catalog: &str) -> Value {
        self.sandbox(Method::GET, &format!("/catalogs/{catalog}/stats"), None)
            .await
            .body
    }
}

/// A complete, valid item.
fn item(id: &str) -> Value {
    json!({
        "id": id,
        "title": format!("Product {id}"),
        "description": "A fine product.",
        "availability": "in stock",
        "condition": "new",
        "price": "12.34 USD",
        "link": format!("https://shop.test/p/{id}"),
        "image_link": format!("https://shop.test/img/{id}.jpg"),
        "brand": "Acme",
    })
}

/// `item(id)` with some fields changed (null removes one).
fn item_with(id: &str, changes: Value) -> Value {
    let mut item = item(id);
    for (key, value) in changes.as_object().unwrap() {
        if value.is_null() {
            item.as_object_mut().unwrap().remove(key);
        } else {
            item[key] = value.clone();
        }
    }
    item
}

fn create(data: Value) -> Value {
    json!({"method": "CREATE", "data": data})
}

fn update(data: Value) -> Value {
    json!({"method": "UPDATE", "data": data})
}

fn delete(id: &str) -> Value {
    json!({"method": "DELETE", "data": {"id": id}})
}

/// The `(line, id, message)` triples of a status entry's errors.
fn errors(entry: &Value) -> Vec<(u64, String, String)> {
    entry["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["id"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn assert_graph_error(answer: &Answer, status: u16, code: u64) {
    assert_eq!(answer.status, status, "{}", answer.body);
    let error = &answer.body["error"];
    assert_eq!(error["code"], code, "{}", answer.body);
    assert_eq!(error["type"], "OAuthException");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(error["fbtrace_id"].as_str().is_some_and(|t| !t.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_calls_need_a_valid_token() {
    let sandbox = Sandbox::start(fast()).await;
    let body = json!({"item_type": "PRODUCT_ITEM", "requests": [create(item("a"))]});
    let path = format!("/v21.0/{CATALOG}/items_batch");
    for token in [None, Some("wrong"), Some("")] {
        let answer = sandbox
            .call(Method::POST, &path, Some(body.clone()), token)
            .await;
        assert_graph_error(&answer, 401, 190);
        assert_eq!(
            answer.body["error"]["message"],
            "Invalid OAuth access token - Cannot parse access token"
        );
    }
    let answer = sandbox.status_of(CATALOG, "x", false).await;
    assert_eq!(answer.status, 400, "the right token gets past auth");
    let answer = sandbox
        .call(
            Method::GET,
            &format!("/v21.0/{CATALOG}/check_batch_request_status?handle=x"),
            None,
            Some("wrong"),
        )
        .await;
    assert_graph_error(&answer, 401, 190);
    assert_eq!(sandbox.stats_of(CATALOG).await["batches"], 0);

    // Graph's query-string token works too, and several tokens can be valid at once.
    let answer = sandbox
        .call(
            Method::POST,
            &format!("{path}?access_token={TOKEN}"),
            Some(body.clone()),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    sandbox
        .configure(json!({"cloud_token": "vendor-1,vendor-2"}))
        .await;
    for (token, status) in [("vendor-1", 200), ("vendor-2", 200), (TOKEN, 401)] {
        let answer = sandbox
            .call(Method::POST, &path, Some(body.clone()), Some(token))
            .await;
        assert_eq!(answer.status, status, "{token}");
    }

    // Paths that are not the catalog endpoints are Graph 404s, token or not.
    for path in [
        "/v21.0/unknown",
        "/v21.0/123/products",
        "/21.0/123/items_batch",
        "/v21/123/items_batch",
        "/v21.0/abc/items_batch",
        "/123/items_batch",
    ] {
        let answer = sandbox
            .call(Method::POST, path, Some(body.clone()), Some("vendor-1"))
            .await;
        assert_graph_error(&answer, 404, 100);
    }
    let answer = sandbox
        .call(Method::GET, &path, None, Some("vendor-1"))
        .await;
    assert_graph_error(&answer, 404, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_processed_asynchronously_then_its_items_are_visible() {
    let sandbox = Sandbox::start(SandboxConfig {
        batch_processing_ms: 3_000,
        ..fast()
    })
    .await;
    let sale = item_with(
        "sku-2",
        json!({"sale_price": "9.99 USD", "item_group_id": "group-1", "availability": "available for order", "condition": "refurbished"}),
    );
    let answer = sandbox
        .batch_to(
            CATALOG,
            json!({
                "item_type": "PRODUCT_ITEM",
                "allow_upsert": true,
                "requests": [create(sale.clone()), create(item("sku-1"))],
            }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["validation_status"], json!([]));
    let handles = answer.body["handles"].as_array().unwrap();
    assert_eq!(handles.len(), 1);
    let handle = handles[0].as_str().unwrap();
    assert!(handle.len() >= 16, "an opaque handle: {handle}");

    // Still processing: nothing applied yet.
    let started = sandbox.status_of(CATALOG, handle, true).await;
    assert_eq!(started.status, 200);
    assert_eq!(
        started.body,
        json!({"data": [{
            "handle": handle,
            "status": "started",
            "errors_total_count": 0,
            "errors": [],
            "warnings_total_count": 0,
            "warnings": [],
            "ids_of_invalid_requests": [],
        }]})
    );
    assert!(sandbox.items().await.is_empty());
    assert_eq!(sandbox.stats_of(CATALOG).await["pending"], 1);

    let finished = sandbox.finished(handle).await;
    assert_eq!(
        finished,
        json!({
            "handle": handle,
            "status": "finished",
            "errors_total_count": 0,
            "errors": [],
            "warnings_total_count": 0,
            "warnings": [],
            "ids_of_invalid_requests": [],
        })
    );
    // Sorted by id, field for field as sent.
    assert_eq!(sandbox.items().await, [item("sku-1"), sale]);
    // Without the flag, no ids list.
    let plain = sandbox.status_of(CATALOG, handle, false).await;
    assert!(
        plain.body["data"][0]
            .get("ids_of_invalid_requests")
            .is_none()
    );
    // Other catalogs are other catalogs.
    assert!(sandbox.items_of("999").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_items_are_reported_per_line_and_skipped() {
    let sandbox = Sandbox::start(fast()).await;
    let long_id = "x".repeat(101);
    let requests = json!([
        create(item("good")),
        create(item_with("no-title", json!({"title": null}))),
        create(item_with("bad-price", json!({"price": "12,34 USD"}))),
        create(item_with(
            "gif",
            json!({"image_link": "https://shop.test/a.GIF"})
        )),
        create(item(&long_id)),
        create(item_with("sale", json!({"sale_price": "12.34 USD"}))),
        delete("never-existed"),
        create(item_with(
            "ftp",
            json!({"image_link": "ftp://shop.test/a.jpg", "availability": "sold"})
        )),
        create(item_with(
            "html",
            json!({"description": "<p>Bold</p>", "condition": "mint"})
        )),
        create(item_with(
            "webp",
            json!({"image_link": "https://cdn.test/i.webp?w=300"})
        )),
        create(item_with("blank", json!({"brand": " "}))),
        create(item_with(
            "group",
            json!({"price": "10 USD", "sale_price": "5.00 EUR"})
        )),
        create(item_with(
            "long-text",
            json!({"description": "d".repeat(10_000)})
        )),
        create(item_with("number", json!({"title": 5}))),
        create(item("last-good")),
    ]);
    let entry = sandbox.sync(requests).await;
    let expected: Vec<(u64, &str, &str)> = vec![
        (1, "no-title", "Missing required field: title"),
        (2, "bad-price", "Invalid price format \"12,34 USD\""),
        (3, "gif", "Image format not supported (.gif)"),
        (4, &long_id, "Retailer ID is too long"),
        (5, "sale", "Sale price must be lower than the price"),
        (6, "never-existed", "Product not found"),
        (7, "ftp", "Invalid availability \"sold\""),
        (7, "ftp", "Invalid image_link \"ftp://shop.test/a.jpg\""),
        (8, "html", "Description must be plain text"),
        (8, "html", "Invalid condition \"mint\""),
        (9, "webp", "Image format not supported (.webp)"),
        (10, "blank", "Missing required field: brand"),
        (
            11,
            "group",
            "Sale price currency EUR does not match the price currency USD",
        ),
        (12, "long-text", "Description is too long"),
        (13, "number", "Field title must be a string"),
        (13, "number", "Missing required field: title"),
    ];
    let got = errors(&entry);
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for ((line, id, message), (want_line, want_id, want_start)) in got.iter().zip(&expected) {
        assert_eq!((*line, id.as_str()), (*want_line, *want_id), "{message}");
        assert!(
            message.starts_with(want_start),
            "line {line}: {message:?} should start with {want_start:?}"
        );
    }
    assert_eq!(entry["errors_total_count"], expected.len());
    let mut ids: Vec<&str> = expected.iter().map(|(_, id, _)| *id).collect();
    ids.dedup();
    assert_eq!(entry["ids_of_invalid_requests"], json!(ids));
    // Only the valid requests touched the catalog.
    assert_eq!(sandbox.ids().await, ["good", "last-good"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_reported_at_once() {
    let sandbox = Sandbox::start(fast()).await;
    let answer = sandbox
        .batch_to(
            CATALOG,
            json!({"item_type": "PRODUCT_ITEM", "requests": [
                create(item("ok")),
                {"method": "PATCH", "data": {"id": "patched"}},
                {"method": "CREATE", "data": {"title": "no id"}},
                "CREATE",
                create(item_with("extra", json!({"colour": "red"}))),
            ]}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let status = answer.body["validation_status"].as_array().unwrap();
    assert_eq!(status.len(), 4, "{}", answer.body);
    assert_eq!(status[0]["retailer_id"], "patched");
    assert!(
        status[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid method")
    );
    assert_eq!(status[1]["retailer_id"], "");
    assert_eq!(
        status[1]["errors"],
        json!([{"message": "Missing required field: id"}])
    );
    assert_eq!(status[2]["retailer_id"], "");
    assert_eq!(status[3]["retailer_id"], "extra");
    assert_eq!(status[3]["errors"], json!([]));
    assert_eq!(
        status[3]["warnings"],
        json!([{"message": "Field colour is not supported and was ignored"}])
    );

    // The batch status repeats them with their lines; the ignored field is a warning.
    let handle = answer.body["handles"][0].as_str().unwrap();
    let entry = sandbox.finished(handle).await;
    let lines: Vec<(u64, String)> = errors(&entry)
        .into_iter()
        .map(|(line, id, _)| (line, id))
        .collect();
    assert_eq!(
        lines,
        [
            (1, "patched".into()),
            (2, String::new()),
            (3, String::new())
        ]
    );
    assert_eq!(entry["warnings_total_count"], 1);
    assert_eq!(entry["warnings"][0]["line"], 4);
    assert_eq!(entry["warnings"][0]["id"], "extra");
    assert_eq!(sandbox.ids().await, ["extra", "ok"]);
    assert_eq!(
        sandbox.items().await[0],
        item("extra"),
        "unknown field not stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_batches_are_refused_with_code_100() {
    let sandbox = Sandbox::start(fast()).await;
    let one = json!([create(item("a"))]);
    for body in [
        json!({"item_type": "PRODUCT_ITEM"}),
        json!({"item_type": "PRODUCT_ITEM", "requests": []}),
        json!({"item_type": "PRODUCT_ITEM", "requests": {"method": "CREATE"}}),
        json!({"item_type": "HOTEL", "requests": one}),
        json!({"requests": one}),
        json!({"item_type": "PRODUCT_ITEM", "requests": one, "allow_upsert": "maybe"}),
        json!({"item_type": "PRODUCT_ITEM", "requests": vec![delete("a"); 5_001]}),
        json!(["not an object"]),
    ] {
        let answer = sandbox.batch_to(CATALOG, body).await;
        assert_graph_error(&answer, 400, 100);
    }
    let answer = sandbox
        .http()
        .post(format!("{}/v21.0/{CATALOG}/items_batch", sandbox.base()))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert_eq!(sandbox.stats_of(CATALOG).await["batches"], 0);

    // 5,000 requests is the most one call may carry.
    let handle = sandbox.send(json!(vec![delete("a"); 5_000])).await;
    assert_eq!(sandbox.finished(&handle).await["errors_total_count"], 5_000);

    // Unknown, missing and other catalogs' handles.
    for (catalog, handle) in [(CATALOG, "nope"), (CATALOG, ""), ("42", handle.as_str())] {
        let answer = sandbox.status_of(catalog, handle, true).await;
        assert_graph_error(&answer, 400, 100);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upserts_updates_and_deletes() {
    let sandbox = Sandbox::start(fast()).await;
    sandbox
        .sync(json!([
            create(item_with("a", json!({"sale_price": "10.00 USD"}))),
            create(item("b"))
        ]))
        .await;

    // CREATE of an existing id replaces it whole (upsert is on by default).
    let entry = sandbox
        .sync(json!([create(item_with("a", json!({"title": "Renamed"})))]))
        .await;
    assert_eq!(entry["errors_total_count"], 0);
    assert_eq!(
        sandbox.items().await[0],
        item_with("a", json!({"title": "Renamed"}))
    );

    // UPDATE merges the given fields; an empty optional field clears it.
    sandbox
        .sync(json!([
            update(json!({"id": "b", "price": "20.00 USD", "sale_price": "15.50 USD"})),
            update(json!({"id": "a", "availability": "out of stock"})),
        ]))
        .await;
    let items = sandbox.items().await;
    assert_eq!(
        items[1],
        item_with(
            "b",
            json!({"price": "20.00 USD", "sale_price": "15.50 USD"})
        )
    );
    assert_eq!(
        items[0],
        item_with(
            "a",
            json!({"title": "Renamed", "availability": "out of stock"})
        )
    );
    sandbox
        .sync(json!([update(json!({"id": "b", "sale_price": ""}))]))
        .await;
    assert_eq!(
        sandbox.items().await[1],
        item_with("b", json!({"price": "20.00 USD"}))
    );

    // An UPDATE that would break the item leaves it as it was.
    let entry = sandbox
        .sync(json!([
            update(json!({"id": "b", "sale_price": "25.00 USD"})),
            update(json!({"id": "b", "title": ""}))
        ]))
        .await;
    assert_eq!(
        errors(&entry),
        [
            (
                0,
                "b".into(),
                "Sale price must be lower than the price".into()
            ),
            (1, "b".into(), "Missing required field: title".into()),
        ]
    );
    assert_eq!(
        sandbox.items().await[1],
        item_with("b", json!({"price": "20.00 USD"}))
    );

    // UPDATE of a missing id creates it with upsert, if it is complete.
    let entry = sandbox
        .sync(json!([
            update(item("c")),
            update(json!({"id": "d", "title": "Half"}))
        ]))
        .await;
    let found = errors(&entry);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(line, id, m)| *line == 1
            && id == "d"
            && m.starts_with("Missing required field"))
    );
    assert_eq!(sandbox.ids().await, ["a", "b", "c"]);

    // Without upsert, CREATE needs a new id and UPDATE an existing one.
    let handle = {
        let answer = sandbox
            .batch_to(
                CATALOG,
                json!({"item_type": "PRODUCT_ITEM", "allow_upsert": false, "requests": [
                    create(item("a")),
                    update(item("e")),
                    update(json!({"id": "c", "title": "Kept"})),
                    create(item("f")),
                ]}),
            )
            .await;
        assert_eq!(answer.status, 200);
        answer.body["handles"][0].as_str().unwrap().to_owned()
    };
    let entry = sandbox.finished(&handle).await;
    let found = errors(&entry);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (0, "a"));
    assert!(found[0].2.starts_with("Product already exists"));
    assert_eq!(found[1], (1, "e".into(), "Product not found".into()));
    assert_eq!(sandbox.ids().await, ["a", "b", "c", "f"]);
    assert_eq!(sandbox.items().await[2]["title"], "Kept");

    // DELETE needs only the id; a missing one is a per-item error.
    let entry = sandbox
        .sync(json!([delete("a"), delete("a"), delete("f")]))
        .await;
    assert_eq!(
        errors(&entry),
        [(1, "a".into(), "Product not found".into())]
    );
    assert_eq!(sandbox.ids().await, ["b", "c"]);

    // Requests apply in order, within a batch and across batches.
    let entry = sandbox
        .sync(json!([
            create(item("g")),
            update(json!({"id": "g", "title": "G2"})),
            delete("g"),
            create(item("h"))
        ]))
        .await;
    assert_eq!(entry["errors_total_count"], 0);
    assert_eq!(sandbox.ids().await, ["b", "c", "h"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_finish_in_submission_order() {
    let sandbox = Sandbox::start(SandboxConfig {
        batch_processing_ms: 300,
        ..fast()
    })
    .await;
    let first = sandbox.send(json!([create(item("x"))])).await;
    // A later batch with a shorter processing time still waits for the earlier one.
    sandbox.configure(json!({"batch_processing_ms": 0})).await;
    let second = sandbox.send(json!([delete("x")])).await;
    let entry = sandbox.finished(&second).await;
    assert_eq!(entry["errors_total_count"], 0, "the CREATE applied first");
    assert_eq!(sandbox.finished(&first).await["errors_total_count"], 0);
    assert!(sandbox.items().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_rate_limit_answers_80014_then_recovers() {
    let sandbox = Sandbox::start(SandboxConfig {
        catalog_batch_limit: 3,
        catalog_window_ms: 4_000,
        ..fast()
    })
    .await;
    let (_, config) = {
        let answer = sandbox.sandbox(Method::GET, "/config", None).await;
        (answer.status, answer.body)
    };
    assert_eq!(config["catalog_batch_limit"], 3);
    assert_eq!(config["catalog_window_ms"], 4_000);

    let body = json!({"item_type": "PRODUCT_ITEM", "requests": [create(item("a"))]});
    for n in 1..=3u64 {
        let answer = sandbox.batch_to(CATALOG, body.clone()).await;
        assert_eq!(answer.status, 200, "call {n}: {}", answer.body);
        let usage: Value =
            serde_json::from_str(answer.header("x-business-use-case-usage").unwrap()).unwrap();
        assert_eq!(usage[CATALOG][0]["type"], "catalog_batch");
        assert_eq!(usage[CATALOG][0]["call_count"], n * 100 / 3);
        assert_eq!(usage[CATALOG][0]["estimated_time_to_regain_access"], 0);
    }
    let limited = sandbox.batch_to(CATALOG, body.clone()).await;
    assert_graph_error(&limited, 400, 80014);
    let error = &limited.body["error"];
    assert_eq!(
        error["message"],
        "(#80014) There have been too many calls for this Catalog. Wait a bit and try again."
    );
    assert!(error["error_subcode"].is_u64());
    let retry_after_ms = error["error_data"]["retry_after_ms"].as_u64().unwrap();
    assert!((1..=4_000).contains(&retry_after_ms), "{retry_after_ms}");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert_eq!(
        retry_after,
        retry_after_ms.div_ceil(1_000),
        "whole seconds, rounded up"
    );
    let usage: Value =
        serde_json::from_str(limited.header("x-business-use-case-usage").unwrap()).unwrap();
    let usage = &usage[CATALOG][0];
    assert_eq!(usage["type"], "catalog_batch");
    assert_eq!(usage["call_count"], 100);
    assert!(usage["total_cputime"].is_u64() && usage["total_time"].is_u64());
    assert_eq!(
        usage["estimated_time_to_regain_access"], 1,
        "minutes, rounded up"
    );

    // The limit is per catalog; status checks are not limited.
    let answer = sandbox.batch_to("555", body.clone()).await;
    assert_eq!(answer.status, 200);
    let handle = answer.body["handles"][0].as_str().unwrap();
    assert_eq!(sandbox.status_of("555", handle, false).await.status, 200);

    // A refused call does not count; once the wait is over, calls go through again.
    assert_eq!(sandbox.batch_to(CATALOG, body.clone()).await.status, 400);
    tokio::time::sleep(Duration::from_millis(retry_after_ms)).await;
    let answer = eventually("the window to close", || async {
        let answer = sandbox.batch_to(CATALOG, body.clone()).await;
        (answer.status == 200).then_some(answer)
    })
    .await;
    let usage: Value =
        serde_json::from_str(answer.header("x-business-use-case-usage").unwrap()).unwrap();
    assert_eq!(usage[CATALOG][0]["call_count"], 33, "a new window");

    let stats = sandbox.stats_of(CATALOG).await;
    assert_eq!(stats["batches"], 4);
    assert!(stats["rate_limited"].as_u64().unwrap() >= 2);

    // The limit can be lifted at run time.
    sandbox.configure(json!({"catalog_batch_limit": 0})).await;
    for _ in 0..5 {
        assert_eq!(sandbox.batch_to(CATALOG, body.clone()).await.status, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_injection_breaks_the_cloud_api_only() {
    let sandbox = Sandbox::start(fast()).await;
    let handle = sandbox.send(json!([create(item("a"))])).await;
    let body = json!({"item_type": "PRODUCT_ITEM", "requests": [create(item("b"))]});

    sandbox.configure(json!({"cloud_fail_mode": "5xx"})).await;
    let answer = sandbox.batch_to(CATALOG, body.clone()).await;
    assert_graph_error(&answer, 500, 2);
    assert_eq!(
        answer.body["error"]["message"],
        "An unexpected error has occurred. Please retry your request later."
    );
    assert_eq!(answer.body["error"]["is_transient"], true);
    assert_graph_error(&sandbox.status_of(CATALOG, &handle, false).await, 500, 2);

    sandbox
        .configure(json!({"cloud_fail_mode": "token_expired"}))
        .await;
    let answer = sandbox.batch_to(CATALOG, body.clone()).await;
    assert_graph_error(&answer, 401, 190);
    assert_eq!(
        answer.body["error"]["message"],
        "Error validating access token: Session has expired"
    );

    sandbox
        .configure(json!({"cloud_fail_mode": "rate_limited"}))
        .await;
    let answer = sandbox.batch_to(CATALOG, body.clone()).await;
    assert_graph_error(&answer, 400, 80014);
    assert!(answer.header("retry-after").is_some());
    assert!(answer.header("x-business-use-case-usage").is_some());
    assert!(answer.body["error"]["error_data"]["retry_after_ms"].is_u64());
    // Only batch calls are refused.
    assert_eq!(sandbox.status_of(CATALOG, &handle, false).await.status, 200);

    sandbox
        .configure(json!({"cloud_fail_mode": "app_rate_limited"}))
        .await;
    let answer = sandbox.batch_to(CATALOG, body.clone()).await;
    assert_graph_error(&answer, 400, 4);
    assert_eq!(
        answer.body["error"]["message"],
        "(#4) Application request limit reached"
    );
    assert_graph_error(&sandbox.status_of(CATALOG, &handle, false).await, 400, 4);

    // The gateway and the control API are untouched by the Cloud API's failures.
    let answer = sandbox.call(Method::GET, "/api/sessions", None, None).await;
    assert_eq!(answer.status, 401, "the gateway still answers as itself");
    assert_eq!(
        sandbox
            .call(Method::GET, "/health", None, None)
            .await
            .status,
        200
    );

    sandbox.configure(json!({"cloud_fail_mode": "none"})).await;
    sandbox.sync(body["requests"].clone()).await;
    assert_eq!(
        sandbox.ids().await,
        ["a", "b"],
        "nothing from the failed calls applied"
    );
    let stats = sandbox.stats_of(CATALOG).await;
    assert_eq!(stats["batches"], 2);
    assert_eq!(stats["rate_limited"], 1);

    // Bad settings are refused whole.
    for bad in [
        json!({"cloud_fail_mode": "down"}),
        json!({"catalog_window_ms": 0}),
        json!({"cloud_token": ""}),
        json!({"cloud_latency_ms": 5, "batch_processing_ms": "soon"}),
    ] {
        let answer = sandbox
            .sandbox(Method::PUT, "/config", Some(bad.clone()))
            .await;
        assert_eq!(answer.status, 422, "{bad}");
    }
    let config = sandbox.sandbox(Method::GET, "/config", None).await.body;
    assert_eq!(config["cloud_latency_ms"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_delays_every_graph_answer() {
    let sandbox = Sandbox::start(SandboxConfig {
        cloud_latency_ms: 300,
        ..fast()
    })
    .await;
    let began = Instant::now();
    let handle = sandbox.send(json!([create(item("a"))])).await;
    assert!(began.elapsed() >= Duration::from_millis(300));
    let began = Instant::now();
    assert_eq!(sandbox.status_of(CATALOG, &handle, false).await.status, 200);
    assert!(began.elapsed() >= Duration::from_millis(300));
    let began = Instant::now();
    let answer = sandbox
        .call(Method::GET, "/v21.0/unknown", None, None)
        .await;
    assert_eq!(answer.status, 404);
    assert!(began.elapsed() >= Duration::from_millis(300));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_count_everything_received() {
    let sandbox = Sandbox::start(fast()).await;
    assert_eq!(
        sandbox.stats_of(CATALOG).await,
        json!({"batches": 0, "requests": {"CREATE": 0, "UPDATE": 0, "DELETE": 0},
               "rate_limited": 0, "items": 0, "pending": 0})
    );
    sandbox
        .sync(json!([
            create(item("a")),
            create(item("b")),
            create(item_with("c", json!({"price": "free"})))
        ]))
        .await;
    sandbox
        .sync(json!([
            update(json!({"id": "a", "price": "1.00 USD"})),
            delete("b"),
            delete("zzz")
        ]))
        .await;
    assert_eq!(
        sandbox.stats_of(CATALOG).await,
        json!({"batches": 2, "requests": {"CREATE": 3, "UPDATE": 1, "DELETE": 2},
               "rate_limited": 0, "items": 1, "pending": 0})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogs_can_be_cleared_and_reset() {
    let sandbox = Sandbox::start(fast()).await;
    sandbox.sync(json!([create(item("a"))])).await;
    let other = sandbox
        .batch_to(
            "77",
            json!({"item_type": "PRODUCT_ITEM", "requests": [create(item("z"))]}),
        )
        .await;
    assert_eq!(other.status, 200);
    sandbox
        .configure(json!({"cloud_token": "changed", "catalog_batch_limit": 9}))
        .await;

    let answer = sandbox
        .sandbox(Method::DELETE, &format!("/catalogs/{CATALOG}"), None)
        .await;
    assert_eq!(answer.status, 200);
    assert!(sandbox.items().await.is_empty());
    assert_eq!(sandbox.stats_of(CATALOG).await["batches"], 0);
    assert_eq!(sandbox.items_of("77").await.len(), 1, "other catalogs stay");

    let answer = sandbox.sandbox(Method::POST, "/reset", None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["cloud_token"], TOKEN);
    assert_eq!(answer.body["catalog_batch_limit"], 0);
    assert!(sandbox.items_of("77").await.is_empty());
    assert_eq!(sandbox.stats_of("77").await["batches"], 0);
    let handle = other.body["handles"][0].as_str().unwrap();
    assert_graph_error(&sandbox.status_of("77", handle, false).await, 400, 100);
}

/// The binary takes the Cloud API settings as flags.
#[test]
fn the_binary_takes_cloud_settings_as_flags() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_wpwa-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--cloud-token",
            "flag-token",
            "--cloud-latency-ms=50",
            "--cloud-fail-mode",
            "rate_limited",
            "--batch-processing-ms",
            "10",
            "--catalog-batch-limit",
            "7",
            "--catalog-window-ms",
            "2500",
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
    assert_eq!(config["cloud_token"], "flag-token");
    assert_eq!(config["cloud_latency_ms"], 50);
    assert_eq!(config["cloud_fail_mode"], "rate_limited");
    assert_eq!(config["batch_processing_ms"], 10);
    assert_eq!(config["catalog_batch_limit"], 7);
    assert_eq!(config["catalog_window_ms"], 2500);

    let refused = Command::new(env!("CARGO_BIN_EXE_wpwa-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--cloud-fail-mode", "down"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(refused.code(), Some(2));
}
