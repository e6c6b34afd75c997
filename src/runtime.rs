//! The async runtime behind the core's HTTP calls.
//!
//! php-fpm forks its workers after the extension loads, and threads do not survive a
//! fork, so nothing is started until a worker first needs it. A `current_thread` runtime
//! keeps an idle worker free of extra threads; each PHP call blocks on its own future.
//! The HTTP clients are kept here too, one per API and base URL.

use std::future::Future;
use std::sync::{Mutex, OnceLock, PoisonError};

use tokio::runtime::{Builder, Runtime};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// Runs `future` to completion on this process's runtime, building it on first use.
pub fn block_on<F: Future>(future: F) -> F::Output {
    RUNTIME
        .get_or_init(|| {
            Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread runtime needs no OS resources beyond a timer")
        })
        .block_on(future)
}

/// One HTTP client per API and base URL in this process, so that every call to the
/// same service reuses its TLS setup and kept-alive connections instead of building a
/// client (and a TLS context) per call. Built lazily, after php-fpm's fork, like the
/// runtime; a client's pool is driven by this process's runtime.
static HTTP_CLIENTS: Mutex<ClientPool<reqwest::Client>> = Mutex::new(ClientPool::new());

/// The process's HTTP client for `api` (e.g. `cloud`, `gateway`: their timeouts differ)
/// at `base_url`, built the first time with those timeouts, no redirects and wpwa's
/// user agent.
pub fn http_client(
    api: &'static str,
    base_url: &str,
    request_timeout: std::time::Duration,
    connect_timeout: std::time::Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    HTTP_CLIENTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_build(api, base_url, || {
            own_http_client(request_timeout, connect_timeout)
        })
}

/// An HTTP client of its own, not the process's shared one: for a thread with a
/// runtime of its own (a client's connections belong to the runtime that opened them).
/// The same timeouts, no redirects and wpwa's user agent.
pub fn own_http_client(
    request_timeout: std::time::Duration,
    connect_timeout: std::time::Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(request_timeout)
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wpwa/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// How long a kept-alive connection may sit unused before it is closed rather than
/// reused (shorter than servers' usual keep-alive, so a reused one is rarely stale).
const POOL_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether this process holds a client for `api` at `base_url`.
pub fn has_http_client(api: &'static str, base_url: &str) -> bool {
    HTTP_CLIENTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(api, base_url)
}

/// Most clients a process keeps. A site talks to a handful of services; an
/// administrator testing addresses (or a fuzzer) must not grow the pool without end,
/// each client holding a TLS context.
pub const MAX_POOLED_CLIENTS: usize = 16;

/// Clients keyed by API and base URL, each built once; at most
/// [`MAX_POOLED_CLIENTS`], the least recently used dropped first.
#[derive(Debug)]
pub struct ClientPool<C> {
    /// Least recently used first.
    clients: Vec<(&'static str, String, C)>,
}

impl<C: Clone> ClientPool<C> {
    /// An empty pool.
    pub const fn new() -> Self {
        Self {
            clients: Vec::new(),
        }
    }

    /// The client for `api` at `base_url`, built by `build` when there is none yet (a
    /// failed build is not kept, so the next call tries again).
    pub fn get_or_build<E>(
        &mut self,
        api: &'static str,
        base_url: &str,
        build: impl FnOnce() -> Result<C, E>,
    ) -> Result<C, E> {
        if let Some(at) = self
            .clients
            .iter()
            .position(|(a, url, _)| *a == api && url == base_url)
        {
            let entry = self.clients.remove(at);
            let client = entry.2.clone();
            self.clients.push(entry);
            return Ok(client);
        }
        let client = build()?;
        if self.clients.len() >= MAX_POOLED_CLIENTS {
            self.clients.remove(0);
        }
        self.clients
            .push((api, base_url.to_owned(), client.clone()));
        Ok(client)
    }

    /// Whether a client for `api` at `base_url` is held.
    pub fn contains(&self, api: &'static str, base_url: &str) -> bool {
        self.clients
            .iter()
            .any(|(a, url, _)| *a == api && url == base_url)
    }
}

impl<C: Clone> Default for ClientPool<C> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_keeps_the_most_recently_used_clients_only() {
        let mut pool = ClientPool::new();
        let mut builds = 0;
        let mut get = |pool: &mut ClientPool<u32>, url: &str| {
            pool.get_or_build("gateway", url, || {
                builds += 1;
                Ok::<_, ()>(builds)
            })
            .unwrap()
        };
        let first = get(&mut pool, "http://127.0.0.1:1");
        for port in 2..=MAX_POOLED_CLIENTS {
            get(&mut pool, &format!("http://127.0.0.1:{port}"));
        }
        // Used again, the first stays; the second is now the oldest and goes.
        assert_eq!(get(&mut pool, "http://127.0.0.1:1"), first);
        get(&mut pool, "http://127.0.0.1:999");
        assert_eq!(pool.clients.len(), MAX_POOLED_CLIENTS);
        assert!(pool.contains("gateway", "http://127.0.0.1:1"));
        assert!(!pool.contains("gateway", "http://127.0.0.1:2"));
        assert!(pool.contains("gateway", "http://127.0.0.1:999"));
    }

    #[test]
    fn a_client_is_built_once_per_api_and_base_url() {
        let mut pool = ClientPool::new();
        let mut builds = 0;
        let mut get = |pool: &mut ClientPool<u32>, api, url: &str| {
            pool.get_or_build(api, url, || {
                builds += 1;
                Ok::<_, ()>(builds)
            })
            .unwrap()
        };
        assert_eq!(get(&mut pool, "cloud", "https://graph.example"), 1);
        assert_eq!(
            get(&mut pool, "cloud", "https://graph.example"),
            1,
            "reused"
        );
        assert_eq!(get(&mut pool, "cloud", "http://127.0.0.1:18765"), 2);
        assert_eq!(
            get(&mut pool, "gateway", "http://127.0.0.1:18765"),
            3,
            "per API"
        );
        assert_eq!(get(&mut pool, "cloud", "https://graph.example"), 1);
        assert_eq!(builds, 3);
    }

    #[test]
    fn a_failed_build_is_tried_again() {
        let mut pool: ClientPool<u32> = ClientPool::new();
        assert!(pool.get_or_build("cloud", "u", || Err("no TLS")).is_err());
        assert!(!pool.contains("cloud", "u"));
        assert_eq!(pool.get_or_build("cloud", "u", || Ok::<_, ()>(7)), Ok(7));
        assert!(pool.contains("cloud", "u"));
    }
}
