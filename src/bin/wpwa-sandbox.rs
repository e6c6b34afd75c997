//! The wpwa sandbox server: `wpwa-sandbox --listen 127.0.0.1:8765`.

use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "usage: wpwa-sandbox --listen 127.0.0.1:PORT";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut listen: Option<SocketAddr> = None;
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
        wpwa::sandbox::serve(listener, shutdown_signal()).await
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
