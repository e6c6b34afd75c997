//! The sandbox binds loopback only and answers its health endpoint.

#![cfg(feature = "sandbox")]

mod support;

use std::io::{Read, Write};
use std::net::SocketAddr;

#[test]
fn health_answers_ok_on_loopback() {
    let runtime = support::runtime(1);
    let listener = runtime
        .block_on(wpwa::sandbox::bind("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(wpwa::sandbox::serve(listener, async {
        let _ = stopped.await;
    }));

    let (status, body) = get(addr, "/health");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["service"], "wpwa-sandbox");
    assert_eq!(json["version"], wpwa::VERSION);

    let (status, body) = get(addr, "/v21.0/unknown");
    assert_eq!(status, 404);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["code"], 100, "Graph-shaped error");

    stop.send(()).unwrap();
    runtime.block_on(server).unwrap().unwrap();
}

#[test]
fn refuses_to_listen_beyond_loopback() {
    let runtime = support::current_thread();
    let result = runtime.block_on(wpwa::sandbox::bind("0.0.0.0:0".parse().unwrap()));
    assert!(matches!(
        result,
        Err(wpwa::sandbox::SandboxError::NotLoopback(_))
    ));
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}
