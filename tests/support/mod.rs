//! Plumbing shared by the sandbox integration tests: an in-process sandbox on a free
//! loopback port, a loopback webhook receiver, a polling helper, a proxy-free HTTP
//! client and runtime builders. Each test file uses what it needs (`mod support;`).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Response};
use hyper_util::rt::TokioIo;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use tokio::net::TcpListener;
use wpwa::sandbox::SandboxConfig;

/// The generous bound for anything asynchronous.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// An HTTP client for loopback: never through a proxy from the environment.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A multi-threaded runtime with `workers` worker threads, for `#[test]` functions.
pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// A single-threaded runtime, for `#[test]` functions.
pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `GET url` with a loopback [`client`]; the JSON body.
pub async fn get_json(url: &str) -> Value {
    client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls `check` until it yields, or fails the test after [`PATIENCE`].
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A sandbox served in-process on a free loopback port; it stops when dropped.
pub struct Sandbox {
    base: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Sandbox {
    pub async fn start(config: SandboxConfig) -> Sandbox {
        let listener = wpwa::sandbox::bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(wpwa::sandbox::Sandbox::new(config).serve(listener, async {
            let _ = stopped.await;
        }));
        Sandbox {
            base,
            http: client(),
            _stop: stop,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A request to `path` on the sandbox.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// `GET path`; the JSON body.
    pub async fn get(&self, path: &str) -> Value {
        get_json(&format!("{}{path}", self.base)).await
    }

    /// `PUT path` with a JSON body; the status.
    pub async fn put(&self, path: &str, body: Value) -> StatusCode {
        self.send_json(Method::PUT, path, body).await
    }

    /// `POST path` with a JSON body; the status.
    pub async fn post(&self, path: &str, body: Value) -> StatusCode {
        self.send_json(Method::POST, path, body).await
    }

    async fn send_json(&self, method: Method, path: &str, body: Value) -> StatusCode {
        self.request(method, path)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }
}

/// One answer: status, headers, JSON body (null if not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `request`, with `body` as JSON if there is one; the answer.
pub async fn answer(mut request: RequestBuilder, body: Option<Value>) -> Answer {
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// One webhook request as received.
#[derive(Clone)]
pub struct Hit {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Hit {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// A webhook receiver on loopback that records every request and answers 500 to the
/// first [`fail_first`](Receiver::fail_first) of them, 200 afterwards.
pub struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    fail_first: Arc<AtomicUsize>,
}

impl Receiver {
    /// A receiver at `/hook`.
    pub async fn start() -> Receiver {
        Receiver::at("/hook").await
    }

    /// A receiver whose URL has the given path.
    pub async fn at(path: &str) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{path}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let fail_first = Arc::new(AtomicUsize::new(0));
        let (task_hits, task_fail) = (Arc::clone(&hits), Arc::clone(&fail_first));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (hits, fail_first) = (Arc::clone(&task_hits), Arc::clone(&task_fail));
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            let (hits, fail_first) = (Arc::clone(&hits), Arc::clone(&fail_first));
                            async move {
                                let headers = request.headers().clone();
                                let body = request.into_body().collect().await?.to_bytes();
                                hits.lock().unwrap().push(Hit { headers, body });
                                let failing = fail_first
                                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                        n.checked_sub(1)
                                    })
                                    .is_ok();
                                let mut response =
                                    Response::new(Full::new(Bytes::from_static(b"ok")));
                                if failing {
                                    *response.status_mut() =
                                        hyper::StatusCode::INTERNAL_SERVER_ERROR;
                                }
                                Ok::<_, hyper::Error>(response)
                            }
                        });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Receiver {
            url,
            hits,
            fail_first,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers 500 to the next `n` requests.
    pub fn fail_first(&self, n: usize) {
        self.fail_first.store(n, Ordering::SeqCst);
    }

    /// Every request received so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Every request received so far, forgetting them.
    pub fn take(&self) -> Vec<Hit> {
        std::mem::take(&mut *self.hits.lock().unwrap())
    }

    /// Waits until at least `n` requests arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Hit> {
        eventually(&format!("{n} webhook requests"), async || {
            let hits = self.hits();
            (hits.len() >= n).then_some(hits)
        })
        .await
    }
}
