//! Stamps the build identity (`WPWA_BUILD`) that `Wpwa\info()` reports, so an admin can
//! tell which revision a server runs.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    println!("cargo:rerun-if-env-changed=WPWA_BUILD");

    let revision = std::env::var("WPWA_BUILD").ok().or_else(git_revision);
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into());
    let build = match revision {
        Some(rev) => format!("{rev} ({profile})"),
        None => format!("unknown ({profile})"),
    };
    println!("cargo:rustc-env=WPWA_BUILD={build}");
}

fn git_revision() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let rev = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!rev.is_empty()).then_some(rev)
}
