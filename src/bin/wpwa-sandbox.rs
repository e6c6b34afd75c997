//! The wpwa sandbox server: `wpwa-sandbox --listen 127.0.0.1:8765 [settings]`.

use std::net::SocketAddr;
use std::process::ExitCode;

use wpwa::sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "usage: wpwa-sandbox --listen 127.0.0.1:PORT [settings]

Settings (defaults in brackets; all but --listen can be changed at run time with
PUT /sandbox/config, and POST /sandbox/reset restores the values given here):
  --api-key KEY                 X-Api-Key required on /api/* [sandbox-key]
  --starting-ms MS              STARTING before the first QR [500]
  --qr-first-ms MS              lifetime of the first QR code [60000]
  --qr-next-ms MS               lifetime of each later QR code [20000]
  --qr-count N                  QR codes shown before FAILED [6]
  --latency-ms MS               added to every /api/* response [0]
  --fail-mode MODE              none | down | 5xx | unauthorized [none]
  --webhook-latency-ms MS       added before each webhook attempt [0]
  --webhook-duplicate [BOOL]    deliver every webhook twice [false]
  --webhook-reorder [BOOL]      deliver each webhook after the next one [false]
  --webhook-reorder-hold-ms MS  longest a webhook is held back for reordering [2000]
  --webhook-retries N           retries after a failed delivery [2]
  --webhook-retry-ms MS         first retry delay, doubled each time [1000]

Cloud API (Graph) side, /{version}/{catalog_id}/items_batch and check_batch_request_status:
  --cloud-token TOKEN[,TOKEN]   Bearer tokens accepted [sandbox-token]
  --cloud-latency-ms MS         added to every Graph response [0]
  --cloud-fail-mode MODE        none | 5xx | token_expired | rate_limited |
                                app_rate_limited [none]
  --batch-processing-ms MS      a batch stays \"started\" this long, then applies [200]
  --catalog-batch-limit N       items_batch calls per catalog per window, 0 = no
                                limit (over it: error 80014) [20]
  --catalog-window-ms MS        the fixed rate-limit window [1000]

Cloud API messaging, /{version}/{phone_number_id}/messages and its webhooks:
  --messages-per-second N       sends per business number per second, 0 = no
                                limit (over it: error 130429) [80]
  --pair-interval-ms MS         least time between sends to one customer, 0 = no
                                limit (sooner: error 131056) [6000]
  --messages-fail-mode MODE     none | spam_limit | token_expired | 5xx [none]
  --status-delays-ms A,B,C      delays before sent, delivered, read [100,400,1500]
  --auto-read [BOOL]            the customer reads every message [true]
  --cloud-webhook-url URL       loopback URL for message and status webhooks [none]
  --cloud-app-secret SECRET     signs webhooks (X-Hub-Signature-256) [sandbox-app-secret]
  --phone-number-id ID          the business number's id [100000000000001]
  --display-phone-number N      the business number as displayed [15550100001]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let mut listen: Option<SocketAddr> = None;
    let mut config = SandboxConfig::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => match args.next().map(|a| a.parse()) {
                Some(Ok(addr)) => listen = Some(addr),
                _ => return usage_error("--listen takes an address like 127.0.0.1:8765"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with("--") => {
                // `--flag=value`, `--flag value`, or a bare boolean flag meaning true.
                let (flag, value) = match flag.split_once('=') {
                    Some((flag, value)) => (flag.to_owned(), value.to_owned()),
                    None if SandboxConfig::is_bool_flag(flag)
                        && !matches!(args.peek().map(String::as_str), Some("true" | "false")) =>
                    {
                        (flag.to_owned(), "true".to_owned())
                    }
                    None => match args.next() {
                        Some(value) => (flag.to_owned(), value),
                        None => return usage_error(&format!("{flag} takes a value")),
                    },
                };
                if let Err(message) = config.set_from_flag(&flag, &value) {
                    return usage_error(&message);
                }
            }
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let Some(listen) = listen else {
        return usage_error("--listen is required");
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wpwa-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let listener = wpwa::sandbox::bind(listen).await?;
        println!(
            "wpwa-sandbox listening on http://{}",
            listener.local_addr()?
        );
        Sandbox::new(config)
            .serve(listener, shutdown_signal())
            .await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wpwa-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers the process still dies on SIGTERM, just less politely.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("wpwa-sandbox: {message}\n{USAGE}");
    ExitCode::from(2)
}
