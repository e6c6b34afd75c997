//! The async runtime behind the core's HTTP calls.
//!
//! php-fpm forks its workers after the extension loads, and threads do not survive a
//! fork, so nothing is started until a worker first needs it. A `current_thread` runtime
//! keeps an idle worker free of extra threads; each PHP call blocks on its own future.

use std::future::Future;
use std::sync::OnceLock;

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
