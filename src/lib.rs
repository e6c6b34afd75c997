//! # wpwa — the core of WhatsApp Integration for WooCommerce marketplaces
//!
//! Everything that decides something lives here, in pure Rust: the operational store,
//! vendor-scoped tokens, the activity log and the vendor session state. The WordPress
//! plugin only wires WordPress to these modules through the PHP binding in [`php`]
//! (built with the `php` feature), and the `wpwa-sandbox` binary (the `sandbox`
//! feature) stands in for the WhatsApp services on loopback.
//!
//! Each module owns one concept and one error enum; the binding maps those enums to
//! the `Wpwa\` exception tree.

pub mod business_account;
pub mod catalog;
pub mod chat_link;
pub mod clock;
pub mod cloud;
pub mod consent;
pub mod conversation;
pub mod customer;
pub mod early_ingest;
pub mod gateway;
pub mod inbound;
pub mod jwt;
pub mod log;
pub mod messaging;
pub mod order_updates;
pub mod orders;
pub mod overview;
pub mod pricing;
pub mod privacy;
pub mod qr;
pub mod response;
pub mod routing;
pub mod rules;
pub mod runtime;
pub mod secret;
pub mod session;
pub mod signature;
pub mod store;
pub mod templates;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[cfg(feature = "php")]
pub mod php;

/// The crate version, as PHP sees it in `Wpwa\version()`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Build identity: git revision and profile, stamped by `build.rs`.
pub const BUILD: &str = env!("WPWA_BUILD");
