//! Catalog sync end to end against the sandbox's Cloud API catalog: exact contents,
//! incremental runs, rate limits honored, interrupted slices resumed, bad tokens.

#![cfg(feature = "sandbox")]

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use wpwa::catalog::sync::{
    self, Changes, JobState, JobSummary, Opened, PlanScope, Sender, SyncIssue, SyncOptions,
};
use wpwa::catalog::{Image, Product, Rules};
use wpwa::cloud::CloudClient;
use wpwa::sandbox::SandboxConfig;
use wpwa::store::Store;

const TOKEN: &str = "catalog-test-token";
const CATALOG: &str = "987654321";
const VENDOR: u64 = 7;
/// A plan of every product, with no noted changes to forget.
const EVERY_PRODUCT: Changes = Changes {
    upto: 0,
    scope: PlanScope::Full,
    unchanged: Vec::new(),
    fingerprints: Vec::new(),
};

struct World {
    sandbox: support::Sandbox,
    client: CloudClient,
}

async fn world(config: SandboxConfig) -> World {
    let sandbox = support::Sandbox::start(config).await;
    World {
        client: CloudClient::new(sandbox.base(), "v21.0", TOKEN).unwrap(),
        sandbox,
    }
}

fn fast() -> SandboxConfig {
    SandboxConfig {
        cloud_token: TOKEN.into(),
        batch_processing_ms: 30,
        ..SandboxConfig::default()
    }
}

fn options() -> SyncOptions {
    SyncOptions {
        batch_size: 10,
        concurrency: 3,
        poll_interval: Duration::from_millis(20),
        lease_grace: Duration::from_millis(50),
        ..SyncOptions::default()
    }
}

impl World {
    async fn items(&self) -> Vec<Value> {
        let body = self
            .sandbox
            .get(&format!("/sandbox/catalogs/{CATALOG}/items"))
            .await;
        body["items"].as_array().unwrap().clone()
    }

    async fn stats(&self) -> Value {
        self.sandbox
            .get(&format!("/sandbox/catalogs/{CATALOG}/stats"))
            .await
    }

    /// Plans and runs slices until the job ends.
    async fn sync(&self, store: &Store, products: &[Product], options: &SyncOptions) -> JobSummary {
        let job = sync::plan(
            store,
            VENDOR,
            CATALOG,
            products,
            &rules(),
            options,
            &EVERY_PRODUCT,
            wpwa::clock::now(),
        )
        .unwrap();
        self.finish(store, job.job_id, options).await
    }

    async fn finish(&self, store: &Store, job_id: i64, options: &SyncOptions) -> JobSummary {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let summary = sync::run_slice(
                store,
                &self.client,
                VENDOR,
                job_id,
                options,
                Duration::from_millis(500),
            )
            .await
            .unwrap();
            if summary.state != JobState::Running {
                return summary;
            }
            assert!(
                Instant::now() < deadline,
                "the job did not finish: {summary:?}"
            );
        }
    }
}

fn rules() -> Rules {
    Rules {
        currency: "USD".into(),
        default_brand: "Acme Store".into(),
        ..Rules::default()
    }
}

fn product(id: u64) -> Product {
    Product {
        id,
        vendor_id: VENDOR,
        product_type: "simple".into(),
        parent_id: None,
        status: "publish".into(),
        visibility: None,
        sku: Some(format!("ACME-{id:03}")),
        title: format!("Acme product {id}"),
        description: format!("<p>Product <b>{id}</b> &amp; friends.</p>"),
        short_description: String::new(),
        price: Some(format!("{id}.50")),
        regular_price: Some(format!("{id}.50")),
        sale_price: None,
        stock_status: Some("instock".into()),
        manage_stock: false,
        stock_quantity: None,
        image: Some(Image {
            url: format!("http://127.0.0.1:8080/wp-content/uploads/{id}.jpg"),
            mime: "image/jpeg".into(),
            bytes: Some(50_000),
        }),
        permalink: format!("http://127.0.0.1:8080/product/{id}/"),
        brand: None,
        sale_from: None,
        sale_to: None,
    }
}

/// 25 good products and three broken ones.
fn shop() -> Vec<Product> {
    let mut products: Vec<Product> = (1..=28).map(product).collect();
    products[25].image = None;
    products[26].regular_price = Some("0".into());
    products[26].price = None;
    products[27].status = "draft".into();
    products
}

fn runtime() -> tokio::runtime::Runtime {
    support::runtime(2)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_catalog_holds_exactly_the_valid_published_products_and_only_changes_are_sent() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let mut products = shop();
        let done = w.sync(&store, &products, &options()).await;
        assert_eq!(
            (done.state, done.synced, done.rejected),
            (JobState::Done, 25, 0)
        );

        let items = w.items().await;
        assert_eq!(
            ids(&items),
            (1..=25).map(|i| format!("ACME-{i:03}")).collect::<Vec<_>>()
        );
        let first = &items[0];
        assert_eq!(first["price"], "1.50 USD");
        assert_eq!(
            first["image_link"],
            "http://127.0.0.1:8080/wp-content/uploads/1.jpg"
        );
        assert_eq!(first["description"], "Product 1 & friends.");
        assert_eq!(first["brand"], "Acme Store");
        let summary = sync::summary(&store, VENDOR, CATALOG).unwrap();
        assert_eq!((summary.synced, summary.needs_attention), (25, 2));
        let reasons: Vec<_> = summary
            .attention
            .iter()
            .flat_map(|a| a.problems.clone())
            .collect();
        assert!(
            reasons.iter().any(|r| r.code() == "missing_image")
                && reasons.iter().any(|r| r.code() == "missing_price"),
            "{reasons:?}"
        );

        // Nothing changed: nothing is sent.
        let batches_before = w.stats().await["batches"].as_u64().unwrap();
        let unchanged = w.sync(&store, &products, &options()).await;
        assert_eq!(unchanged.total, 0);
        assert_eq!(w.stats().await["batches"].as_u64().unwrap(), batches_before);

        // One price changes: one UPDATE.
        products[4].regular_price = Some("99.99".into());
        let before = w.stats().await["requests"].clone();
        let update = w.sync(&store, &products, &options()).await;
        assert_eq!((update.total, update.synced), (1, 1));
        let after = w.stats().await["requests"].clone();
        assert_eq!(
            after["UPDATE"].as_u64().unwrap() - before["UPDATE"].as_u64().unwrap(),
            1
        );
        assert_eq!(after["CREATE"], before["CREATE"]);
        let items = w.items().await;
        assert_eq!(
            items.iter().find(|i| i["id"] == "ACME-005").unwrap()["price"],
            "99.99 USD"
        );

        // One product is trashed: one DELETE.
        products[9].status = "trash".into();
        let delete = w.sync(&store, &products, &options()).await;
        assert_eq!((delete.total, delete.deleted), (1, 1));
        assert_eq!(
            w.stats().await["requests"]["DELETE"].as_u64().unwrap()
                - after["DELETE"].as_u64().unwrap(),
            1
        );
        assert!(!ids(&w.items().await).contains(&"ACME-010".to_owned()));
        assert_eq!(w.items().await.len(), 24);
    });
}

#[test]
fn a_sync_planned_page_by_page_sends_the_first_pages_while_the_next_are_read() {
    let file =
        std::env::temp_dir().join(format!("wpwa-catalog-pages-{}.sqlite", std::process::id()));
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open(&file).unwrap();
        let options = options();
        let now = wpwa::clock::now();
        let products: Vec<Product> = (1..=60).map(product).collect();
        let opened = sync::open(
            &store,
            VENDOR,
            CATALOG,
            &rules(),
            &options,
            &EVERY_PRODUCT,
            now,
        )
        .unwrap();
        let Opened::Planning(mut planning) = opened else {
            panic!("no job was running");
        };
        let sender = Sender::start(
            store.reopen().unwrap(),
            w.client.detached().unwrap(),
            planning.job_id(),
            options,
        )
        .unwrap();
        planning.page(&store, &products[..30], &[], &[]).unwrap();
        // No slice runs yet: only the sender can bring the first page to the catalog.
        support::eventually("the first page's items in the catalog", || async {
            (w.items().await.len() == 30).then_some(())
        })
        .await;
        planning.page(&store, &products[30..], &[], &[]).unwrap();
        let job = planning.close(&store, now).unwrap();
        assert!(
            sender.stop().is_empty(),
            "a sync that went well logs nothing"
        );
        let done = w.finish(&store, job.job_id, &options).await;
        assert_eq!(
            (done.state, done.total, done.synced),
            (JobState::Done, 60, 60)
        );
        assert_eq!(
            ids(&w.items().await),
            (1..=60).map(|i| format!("ACME-{i:03}")).collect::<Vec<_>>()
        );
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

#[test]
fn a_rate_limit_mid_sync_is_waited_out_and_the_sync_completes() {
    runtime().block_on(async {
        let w = world(SandboxConfig {
            catalog_batch_limit: 2,
            catalog_window_ms: 300,
            ..fast()
        })
        .await;
        let store = Store::open_in_memory().unwrap();
        let options = SyncOptions {
            batch_size: 3,
            concurrency: 4,
            ..options()
        };
        let done = w.sync(&store, &shop(), &options).await;
        assert_eq!((done.state, done.synced), (JobState::Done, 25));
        assert!(
            w.stats().await["rate_limited"].as_u64().unwrap() > 0,
            "the limit was hit"
        );
        assert_eq!(w.items().await.len(), 25);
    });
}

#[test]
fn an_interrupted_slice_resumes_without_losing_or_duplicating_items() {
    runtime().block_on(async {
        let w = world(SandboxConfig {
            cloud_latency_ms: 20,
            ..fast()
        })
        .await;
        let store = Store::open_in_memory().unwrap();
        let options = SyncOptions {
            batch_size: 2,
            concurrency: 2,
            ..options()
        };
        let job = sync::plan(
            &store,
            VENDOR,
            CATALOG,
            &shop(),
            &rules(),
            &options,
            &EVERY_PRODUCT,
            wpwa::clock::now(),
        )
        .unwrap();
        // Kill the slice at several points mid-flight, as a dying PHP worker would.
        for cut_ms in [5, 30, 45, 70] {
            let slice = sync::run_slice(
                &store,
                &w.client,
                VENDOR,
                job.job_id,
                &options,
                Duration::from_millis(300),
            );
            let _ = tokio::time::timeout(Duration::from_millis(cut_ms), slice).await;
            // The dead worker's lease (budget + grace) runs out before anyone takes over.
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let done = w.finish(&store, job.job_id, &options).await;
        assert_eq!(
            (done.state, done.synced, done.rejected),
            (JobState::Done, 25, 0)
        );
        let items = ids(&w.items().await);
        assert_eq!(
            items,
            (1..=25).map(|i| format!("ACME-{i:03}")).collect::<Vec<_>>()
        );
    });
}

#[test]
fn an_invalid_token_stops_the_job_with_a_clear_message() {
    runtime().block_on(async {
        let w = world(fast()).await;
        let store = Store::open_in_memory().unwrap();
        let client = CloudClient::new(w.sandbox.base(), "v21.0", "wrong-token").unwrap();
        let job = sync::plan(
            &store,
            VENDOR,
            CATALOG,
            &shop(),
            &rules(),
            &options(),
            &EVERY_PRODUCT,
            wpwa::clock::now(),
        )
        .unwrap();
        let summary = sync::run_slice(
            &store,
            &client,
            VENDOR,
            job.job_id,
            &options(),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        assert_eq!(summary.state, JobState::Failed);
        let issue = summary.error.unwrap();
        assert!(
            matches!(issue, SyncIssue::TokenInvalid { ref detail } if !detail.is_empty()),
            "{issue:?}"
        );
        assert!(issue.message().contains("new token"));
        assert_eq!(
            serde_json::to_value(&issue).unwrap()["code"],
            "token_invalid",
            "the issue travels as its code"
        );
        assert!(w.items().await.is_empty());
    });
}
