//! Stamps the build identity (`WPWA_BUILD`) that `Wpwa\info()` reports, so an admin can
//! tell which revision a server runs, and groups the code a dashboard request runs at the
//! start of the extension's text (`src/hot-functions.txt`).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

/// The list of functions a php-fpm worker runs, written by
/// `scripts/bench-fpm-rss --hot-functions`.
const HOT_FUNCTIONS: &str = "src/hot-functions.txt";

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

    link_hot_functions_first();
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

/// Places the functions `HOT_FUNCTIONS` names in one output section right before `.text`.
///
/// The kernel maps a shared library's code in 64 KiB windows around each page a process
/// runs, so a worker whose requests touch a few hundred functions spread over the whole
/// library holds most of it resident. Packed together, the same functions hold about
/// half as much (scripts/bench-fpm-rss). Every function already sits in its own input
/// section (`.text.<symbol>`), so a linker script that only inserts one output section
/// can pick them by name; the names carry `*` where rustc puts a hash, so the list
/// outlives rebuilds, and a name that matches nothing costs nothing. Only the cdylib
/// (the PHP extension) is laid out this way.
fn link_hot_functions_first() {
    println!("cargo:rerun-if-changed={HOT_FUNCTIONS}");
    let Ok(list) = std::fs::read_to_string(HOT_FUNCTIONS) else {
        return;
    };
    let patterns: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if patterns.is_empty() {
        return;
    }
    if let Some(bad) = patterns.iter().find(|p| !is_section_pattern(p)) {
        panic!("{HOT_FUNCTIONS}: `{bad}` is not a symbol name or a glob of one");
    }

    let mut script = String::from("SECTIONS\n{\n  .text.wpwa_hot :\n  {\n");
    for pattern in &patterns {
        // LLVM names a function it deems cold `.text.unlikely.<symbol>`.
        let _ = writeln!(script, "    *(.text.{pattern} .text.unlikely.{pattern})");
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let script_path = out_dir.join("hot-functions.ld");
    std::fs::write(&script_path, script).expect("write the hot-functions linker script");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,-T,{}",
        script_path.display()
    );
}

/// A mangled symbol name, or one with `*` globs: nothing a linker script would read as
/// syntax.
fn is_section_pattern(pattern: &str) -> bool {
    pattern
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.' | '*'))
}
