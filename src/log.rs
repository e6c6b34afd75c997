//! The activity log: what happened, for whom, and how bad it was.
//!
//! Entries are written explicitly ([`write`]) by the plugin, or come from the core's own
//! `tracing` events through [`capture`]. An entry carries what happened as a `code` plus
//! `params`, which the plugin words in the reader's language; its `message` is the
//! English fallback kept for traces, the command line and entries without a code. Secrets never reach the table: context keys that
//! name credentials and credential-shaped words in messages are redacted on the way in.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock;
use crate::store::{Store, StoreError};

/// Longest event code, in bytes.
pub const MAX_CODE_CHARS: usize = 64;
/// Longest message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// Largest context kept, as serialized JSON bytes.
pub const MAX_CONTEXT_BYTES: usize = 16 * 1024;
/// Most entries one query returns.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Entries a query returns when it does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// What a redacted value reads as.
pub const REDACTED: &str = "[redacted]";

/// Why an entry could not be written or a query run.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The entry or the filter is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Severity, the PSR-3 subset a marketplace admin filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Detail for developers.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but worth a look.
    Notice,
    /// Something went wrong and was handled.
    Warning,
    /// Something failed and needs attention.
    Error,
}

impl Level {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Parses a level name as PHP passes it.
    pub fn parse(name: &str) -> Result<Self, LogError> {
        Ok(match name {
            "debug" => Level::Debug,
            "info" => Level::Info,
            "notice" => Level::Notice,
            "warning" => Level::Warning,
            "error" => Level::Error,
            _ => {
                return Err(LogError::Invalid(format!(
                    "unknown log level {:?}; use debug, info, notice, warning or error",
                    truncate(name, 20)
                )));
            }
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entry to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// The vendor concerned; 0 for site-wide entries.
    pub vendor_id: u64,
    /// Severity.
    pub level: Level,
    /// Area of the product, e.g. `session`, `sync`, `auth`.
    pub kind: String,
    /// What happened, in English: the fallback where the code is not worded.
    pub message: String,
    /// Structured detail; must be a JSON object.
    pub context: Value,
    /// What happened, as a code the plugin words (e.g. `session_changed`).
    pub code: Option<String>,
    /// The values the code's words name; must be a JSON object.
    pub params: Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Row id; later entries have larger ids.
    pub id: i64,
    /// The vendor concerned; 0 for site-wide entries.
    pub vendor_id: u64,
    /// Severity.
    pub level: Level,
    /// Area of the product.
    pub kind: String,
    /// What happened, in English (as stored; entries from before codes have only this).
    pub message: String,
    /// Structured detail, already redacted.
    pub context: Value,
    /// What happened, as a code the plugin words; none for entries without one.
    pub code: Option<String>,
    /// The values the code's words name, already redacted.
    pub params: Value,
    /// When, in Unix seconds.
    pub created_at: i64,
}

/// Which entries a query returns. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only this vendor's entries.
    pub vendor_id: Option<u64>,
    /// Only this level.
    pub level: Option<Level>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<i64>,
    /// Only entries at or before this time.
    pub until: Option<i64>,
    /// Page size; [`DEFAULT_PAGE_SIZE`] when unset.
    pub limit: Option<u32>,
    /// Entries to skip, newest first.
    pub offset: u32,
}

/// One page of a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Entries matching the filter, across all pages.
    pub total: u64,
    /// This page, newest first.
    pub entries: Vec<Entry>,
}

/// Writes one entry and returns its id.
pub fn write(store: &Store, entry: NewEntry) -> Result<i64, LogError> {
    let entry = sanitize(entry)?;
    Ok(store.log().insert(&entry, clock::now())?)
}

/// Writes entries in one transaction; entries that fail validation are skipped, since
/// they come from the core's own events and a bad field must not lose the others.
pub fn write_all(store: &Store, entries: Vec<NewEntry>) -> Result<usize, LogError> {
    if entries.is_empty() {
        return Ok(0);
    }
    let entries: Vec<NewEntry> = entries
        .into_iter()
        .filter_map(|e| sanitize(e).ok())
        .collect();
    store.transact(|tx| {
        for entry in &entries {
            tx.log().insert(entry, clock::now())?;
        }
        Ok::<_, LogError>(entries.len())
    })
}

/// Returns one page of entries matching `filter`, newest first.
pub fn query(store: &Store, filter: &Filter) -> Result<Page, LogError> {
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if limit == 0 || limit > MAX_PAGE_SIZE {
        return Err(LogError::Invalid(format!(
            "the page size must be between 1 and {MAX_PAGE_SIZE}"
        )));
    }
    if let Some(kind) = &filter.kind {
        check_kind(kind)?;
    }
    let (total, entries) = store.log().page(filter, limit)?;
    Ok(Page { total, entries })
}

/// Most rows one CSV export holds.
pub const MAX_EXPORT_ROWS: u32 = 50_000;

/// Deletes the entries written before `before` (Unix seconds) and returns how many
/// went. The daily retention purge calls this.
pub fn purge(store: &Store, before: i64) -> Result<u64, LogError> {
    Ok(store.log().purge(before)?)
}

/// The kinds present in the log, sorted, for a filter's choices.
pub fn kinds(store: &Store) -> Result<Vec<String>, LogError> {
    Ok(store.log().kinds()?)
}

/// The entries matching `filter` (its page size and offset ignored; at most
/// [`MAX_EXPORT_ROWS`], newest first) as RFC 4180 CSV with a header row: `id`,
/// `time` (UTC, ISO 8601), `vendor_id`, `level`, `kind`, `message`, `context`, `code`,
/// `params` (the plugin words `code` and `params` into the `message` column it serves).
/// Cells a spreadsheet would run as a formula are prefixed with `'`.
pub fn export_csv(store: &Store, filter: &Filter) -> Result<String, LogError> {
    let mut out = String::from("id,time,vendor_id,level,kind,message,context,code,params\r\n");
    let mut offset = 0;
    while offset < MAX_EXPORT_ROWS {
        let page = query(
            store,
            &Filter {
                limit: Some(MAX_PAGE_SIZE.min(MAX_EXPORT_ROWS - offset)),
                offset: filter.offset.saturating_add(offset),
                ..filter.clone()
            },
        )?;
        if page.entries.is_empty() {
            break;
        }
        for entry in &page.entries {
            let cells = [
                entry.id.to_string(),
                clock::iso8601(entry.created_at),
                entry.vendor_id.to_string(),
                entry.level.as_str().to_owned(),
                entry.kind.clone(),
                entry.message.clone(),
                entry.context.to_string(),
                entry.code.clone().unwrap_or_default(),
                entry.params.to_string(),
            ];
            let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        offset += page.entries.len() as u32;
    }
    Ok(out)
}

/// One CSV cell: quoted when needed, formula-leading characters neutralised.
fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn sanitize(mut entry: NewEntry) -> Result<NewEntry, LogError> {
    check_kind(&entry.kind)?;
    if entry.message.trim().is_empty() {
        return Err(LogError::Invalid("the log message is empty".into()));
    }
    if entry.message.contains('\0') {
        return Err(LogError::Invalid(
            "the log message contains a NUL byte".into(),
        ));
    }
    if entry.message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(LogError::Invalid(format!(
            "the log message is longer than {MAX_MESSAGE_CHARS} characters"
        )));
    }
    if i64::try_from(entry.vendor_id).is_err() {
        return Err(LogError::Invalid("the vendor id is out of range".into()));
    }
    if let Some(code) = &entry.code {
        check_code(code)?;
    }
    entry.params = match entry.params {
        Value::Null => Value::Object(Map::new()),
        Value::Array(items) if items.is_empty() => Value::Object(Map::new()),
        Value::Object(map) => Value::Object(map),
        _ => {
            return Err(LogError::Invalid(
                "the log params must be an associative array".into(),
            ));
        }
    };
    redact_value(&mut entry.params);
    entry.context = match entry.context {
        Value::Null => Value::Object(Map::new()),
        Value::Array(items) if items.is_empty() => Value::Object(Map::new()),
        Value::Object(map) => Value::Object(map),
        _ => {
            return Err(LogError::Invalid(
                "the log context must be an associative array".into(),
            ));
        }
    };
    redact_value(&mut entry.context);
    if entry.context.to_string().len() + entry.params.to_string().len() > MAX_CONTEXT_BYTES {
        return Err(LogError::Invalid(format!(
            "the log context is larger than {MAX_CONTEXT_BYTES} bytes"
        )));
    }
    entry.message = redact_text(&entry.message);
    Ok(entry)
}

fn check_kind(kind: &str) -> Result<(), LogError> {
    if crate::rules::Format::LogKind.matches(kind) {
        Ok(())
    } else {
        Err(LogError::Invalid(format!(
            "invalid log kind {:?}: use 1 to 40 lowercase letters, digits, '_', '.' or '-'",
            truncate(kind, crate::rules::MAX_LOG_KIND)
        )))
    }
}

/// An event code: 1 to [`MAX_CODE_CHARS`] lowercase letters, digits or `_`.
fn check_code(code: &str) -> Result<(), LogError> {
    let ok = (1..=MAX_CODE_CHARS).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(LogError::Invalid(format!(
            "invalid log code {:?}: use 1 to {MAX_CODE_CHARS} lowercase letters, digits or '_'",
            truncate(code, MAX_CODE_CHARS)
        )))
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Whether a context key names a credential.
fn is_secret_key(key: &str) -> bool {
    const MARKERS: &[&str] = &[
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "authorization",
        "signature",
        "hmac",
        "credential",
        "private_key",
        "cookie",
        "nonce",
    ];
    let key = key.to_ascii_lowercase().replace('-', "_");
    MARKERS.iter().any(|m| key.contains(m))
}

/// Redacts credentials anywhere in a JSON value, in place.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_key(key) && !item.is_null() {
                    *item = Value::String(REDACTED.into());
                } else {
                    redact_value(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(text) => *text = redact_text(text),
        _ => {}
    }
}

/// Redacts credential-shaped words in free text: bearer tokens, JWTs and Graph API
/// access tokens.
pub fn redact_text(text: &str) -> String {
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b"._-~+/=".contains(&b);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut previous_word = "";
    let mut i = 0;
    while i < bytes.len() {
        if !is_word_byte(bytes[i]) {
            // Multi-byte characters are never word bytes, so slicing at them is safe.
            let start = i;
            while i < bytes.len() && !is_word_byte(bytes[i]) {
                i += 1;
            }
            out.push_str(&text[start..i]);
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        let word = &text[start..i];
        let secret = previous_word.eq_ignore_ascii_case("bearer")
            || (word.starts_with("eyJ") && word.matches('.').count() == 2)
            || (word.starts_with("EAA") && word.len() >= 24);
        out.push_str(if secret { REDACTED } else { word });
        previous_word = word;
    }
    out
}

/// Runs `f` and returns, beside its result, the `tracing` events it emitted at info
/// level or above, ready for [`write_all`]. Events carry `vendor_id` and `kind` fields;
/// other fields become the entry's context.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<NewEntry>) {
    let dispatch = tracing::Dispatch::new(Collector::default());
    let result = tracing::dispatcher::with_default(&dispatch, f);
    let entries = dispatch
        .downcast_ref::<Collector>()
        .map(|c| std::mem::take(&mut *c.entries.lock().unwrap_or_else(|e| e.into_inner())))
        .unwrap_or_default();
    (result, entries)
}

#[derive(Default)]
struct Collector {
    entries: Mutex<Vec<NewEntry>>,
    next_span: AtomicU64,
}

impl tracing::Subscriber for Collector {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::INFO
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        // Span ids must be non-zero; spans carry no log entries of their own.
        tracing::span::Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut visitor = EventVisitor::default();
        event.record(&mut visitor);
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warning,
            tracing::Level::INFO => Level::Info,
            _ => Level::Debug,
        };
        // An event with a code is worded from its fields: they are its params.
        let params = if visitor.code.is_some() {
            Value::Object(visitor.context.clone())
        } else {
            Value::Null
        };
        let entry = NewEntry {
            vendor_id: visitor.vendor_id,
            level,
            kind: visitor.kind.unwrap_or_else(|| "core".into()),
            message: visitor.message,
            context: Value::Object(visitor.context),
            code: visitor.code,
            params,
        };
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[derive(Default)]
struct EventVisitor {
    message: String,
    vendor_id: u64,
    kind: Option<String>,
    code: Option<String>,
    context: Map<String, Value>,
}

impl tracing::field::Visit for EventVisitor {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        match field.name() {
            "vendor_id" => self.vendor_id = value,
            name => {
                self.context.insert(name.into(), value.into());
            }
        }
    }

    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        match field.name() {
            "vendor_id" => self.vendor_id = value.max(0) as u64,
            name => {
                self.context.insert(name.into(), value.into());
            }
        }
    }

    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.context.insert(field.name().into(), value.into());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "kind" => self.kind = Some(value.into()),
            "code" => self.code = Some(value.into()),
            "message" => self.message = value.into(),
            name => {
                self.context.insert(name.into(), value.into());
            }
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "message" => self.message = text,
            "kind" => self.kind = Some(text),
            name => {
                self.context.insert(name.into(), text.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(vendor_id: u64, level: Level, kind: &str, message: &str) -> NewEntry {
        NewEntry {
            vendor_id,
            level,
            kind: kind.into(),
            message: message.into(),
            context: json!({}),
            code: None,
            params: json!({}),
        }
    }

    #[test]
    fn writes_and_reads_back_newest_first() {
        let store = Store::open_in_memory().unwrap();
        let first = write(&store, entry(1, Level::Info, "session", "Connected")).unwrap();
        let second = write(
            &store,
            entry(1, Level::Warning, "sync", "3 products rejected"),
        )
        .unwrap();
        assert!(second > first);
        let page = query(&store, &Filter::default()).unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(page.entries[0].message, "3 products rejected");
        assert_eq!(page.entries[0].level, Level::Warning);
        assert_eq!(page.entries[1].kind, "session");
        assert!(page.entries[1].created_at > 1_600_000_000);
    }

    #[test]
    fn filters_by_vendor_level_kind_and_time_and_pages() {
        let store = Store::open_in_memory().unwrap();
        for i in 0..30 {
            let vendor = if i % 3 == 0 { 7 } else { 8 };
            let level = if i % 2 == 0 {
                Level::Info
            } else {
                Level::Error
            };
            write(&store, entry(vendor, level, "sync", &format!("event {i}"))).unwrap();
        }
        write(&store, entry(7, Level::Info, "auth", "token issued")).unwrap();

        let vendor7 = query(
            &store,
            &Filter {
                vendor_id: Some(7),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(vendor7.total, 11);
        assert!(vendor7.entries.iter().all(|e| e.vendor_id == 7));

        let errors = query(
            &store,
            &Filter {
                level: Some(Level::Error),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(errors.total, 15);

        let auth = query(
            &store,
            &Filter {
                kind: Some("auth".into()),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(auth.total, 1);
        assert_eq!(auth.entries[0].message, "token issued");

        let page2 = query(
            &store,
            &Filter {
                limit: Some(10),
                offset: 10,
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(page2.total, 31);
        assert_eq!(page2.entries.len(), 10);
        assert_eq!(page2.entries[0].message, "event 20");

        let future = query(
            &store,
            &Filter {
                since: Some(clock::now() + 3600),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(future.total, 0);
        let past = query(
            &store,
            &Filter {
                until: Some(clock::now() - 3600),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(past.total, 0);
    }

    #[test]
    fn refuses_bad_entries_and_filters() {
        let store = Store::open_in_memory().unwrap();
        let bad = [
            entry(1, Level::Info, "", "x"),
            entry(1, Level::Info, "Bad Kind", "x"),
            entry(1, Level::Info, "sync", "   "),
            entry(1, Level::Info, "sync", "a\0b"),
            entry(1, Level::Info, "sync", &"x".repeat(MAX_MESSAGE_CHARS + 1)),
            entry(u64::MAX, Level::Info, "sync", "x"),
            NewEntry {
                context: json!([1, 2]),
                ..entry(1, Level::Info, "sync", "x")
            },
            NewEntry {
                context: json!("text"),
                ..entry(1, Level::Info, "sync", "x")
            },
            NewEntry {
                context: json!({"blob": "y".repeat(MAX_CONTEXT_BYTES)}),
                ..entry(1, Level::Info, "sync", "x")
            },
        ];
        for e in bad {
            assert!(
                matches!(write(&store, e.clone()), Err(LogError::Invalid(_))),
                "{e:?}"
            );
        }
        assert_eq!(query(&store, &Filter::default()).unwrap().total, 0);
        assert!(
            query(
                &store,
                &Filter {
                    limit: Some(0),
                    ..Filter::default()
                }
            )
            .is_err()
        );
        assert!(
            query(
                &store,
                &Filter {
                    limit: Some(MAX_PAGE_SIZE + 1),
                    ..Filter::default()
                }
            )
            .is_err()
        );
        assert!(
            query(
                &store,
                &Filter {
                    kind: Some("x'; DROP TABLE activity_log; --".into()), // store-boundary: not a query
                    ..Filter::default()
                }
            )
            .is_err()
        );
        assert!(Level::parse("fatal").is_err());
    }

    #[test]
    fn secrets_are_redacted_before_storage() {
        let store = Store::open_in_memory().unwrap();
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ2ZW5kb3JfaWQiOjF9.c2lnbmF0dXJl";
        let mut e = entry(
            1,
            Level::Info,
            "auth",
            &format!(
                "Sent Authorization: Bearer abc123xyz and token {jwt} with EAAGm0PX4ZCpsBAKZAx9ZCZBZCZCZBZBZC"
            ),
        );
        e.context = json!({
            "api_key": "gw-key-123",
            "nested": {"access_token": "EAAB-secret", "phone": "+15550001"},
            "X-Webhook-Hmac": "deadbeef",
            "note": format!("bearer {jwt}"),
            "list": [{"app_secret": "s"}],
        });
        write(&store, e).unwrap();
        let stored = &query(&store, &Filter::default()).unwrap().entries[0];
        let all = format!("{} {}", stored.message, stored.context);
        for secret in [
            "abc123xyz",
            jwt,
            "EAAGm0PX4",
            "gw-key-123",
            "EAAB-secret",
            "deadbeef",
            "\"s\"",
        ] {
            assert!(!all.contains(secret), "{secret} leaked in {all}");
        }
        assert_eq!(stored.context["nested"]["phone"], "+15550001");
        assert!(
            stored
                .message
                .starts_with("Sent Authorization: Bearer [redacted] and token [redacted]")
        );
    }

    #[test]
    fn tracing_events_land_in_the_log() {
        let store = Store::open_in_memory().unwrap();
        let (value, events) = capture(|| {
            tracing::info!(
                vendor_id = 5u64,
                kind = "session",
                phone = "+1555",
                "Session connected"
            );
            tracing::warn!("Something odd");
            tracing::debug!("not kept");
            42
        });
        assert_eq!(value, 42);
        assert_eq!(write_all(&store, events).unwrap(), 2);
        let page = query(&store, &Filter::default()).unwrap();
        assert_eq!(page.total, 2);
        let warn = &page.entries[0];
        assert_eq!(
            (warn.level, warn.kind.as_str(), warn.vendor_id),
            (Level::Warning, "core", 0)
        );
        let info = &page.entries[1];
        assert_eq!(info.vendor_id, 5);
        assert_eq!(info.kind, "session");
        assert_eq!(info.message, "Session connected");
        assert_eq!(info.context["phone"], "+1555");
    }

    #[test]
    fn entries_carry_a_code_and_params_and_old_ones_only_their_message() {
        let store = Store::open_in_memory().unwrap();
        write(
            &store,
            entry(1, Level::Info, "sync", "written before codes"),
        )
        .unwrap();
        write(
            &store,
            NewEntry {
                code: Some("sync_started".into()),
                params: json!({"total": 3, "access_token": "EAAsecret"}),
                ..entry(
                    1,
                    Level::Info,
                    "sync",
                    "Catalog sync started: 3 changes to send.",
                )
            },
        )
        .unwrap();
        let page = query(&store, &Filter::default()).unwrap();
        let coded = &page.entries[0];
        assert_eq!(coded.code.as_deref(), Some("sync_started"));
        assert_eq!(coded.params["total"], 3);
        assert_eq!(
            coded.params["access_token"], REDACTED,
            "params are redacted too"
        );
        let old = &page.entries[1];
        assert_eq!((old.code.as_deref(), &old.params), (None, &json!({})));
        assert_eq!(old.message, "written before codes");
        let csv = export_csv(&store, &Filter::default()).unwrap();
        assert!(csv.contains(",sync_started,\"{\"\"total\"\":3,"), "{csv}");

        for (code, params) in [
            ("Bad Code", json!({})),
            ("", json!({})),
            ("ok", json!([1])),
            ("ok", json!("text")),
        ] {
            let bad = NewEntry {
                code: Some(code.into()),
                params,
                ..entry(1, Level::Info, "sync", "x")
            };
            assert!(matches!(write(&store, bad), Err(LogError::Invalid(_))));
        }
    }

    #[test]
    fn tracing_events_with_a_code_keep_their_fields_as_params() {
        let store = Store::open_in_memory().unwrap();
        let ((), events) = capture(|| {
            tracing::warn!(
                vendor_id = 7u64,
                kind = "session",
                code = "session_changed",
                to = "expired",
                reason = "qr_expired",
                "WhatsApp session is now expired (qr_expired)"
            );
        });
        write_all(&store, events).unwrap();
        let stored = &query(&store, &Filter::default()).unwrap().entries[0];
        assert_eq!(stored.code.as_deref(), Some("session_changed"));
        assert_eq!(
            stored.params,
            json!({"to": "expired", "reason": "qr_expired"})
        );
        assert_eq!(
            stored.message,
            "WhatsApp session is now expired (qr_expired)"
        );
    }

    #[test]
    fn purges_old_entries_and_lists_kinds() {
        let store = Store::open_in_memory().unwrap();
        // Written long ago: straight through the repository, which takes the time.
        store
            .log()
            .insert(&entry(1, Level::Info, "sync", "old"), 1000)
            .unwrap();
        write(&store, entry(2, Level::Error, "auth", "new")).unwrap();
        assert_eq!(kinds(&store).unwrap(), vec!["auth", "sync"]);
        assert_eq!(purge(&store, 2000).unwrap(), 1);
        assert_eq!(purge(&store, 2000).unwrap(), 0);
        let page = query(&store, &Filter::default()).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.entries[0].message, "new");
    }

    #[test]
    fn exports_filtered_entries_as_csv() {
        let store = Store::open_in_memory().unwrap();
        write(&store, entry(1, Level::Info, "sync", "plain")).unwrap();
        let mut tricky = entry(
            1,
            Level::Warning,
            "sync",
            "=HYPERLINK(\"x\"), with \"quotes\"\nand a line",
        );
        tricky.context = json!({"token": "secret-value", "n": 1});
        write(&store, tricky).unwrap();
        write(&store, entry(2, Level::Info, "auth", "other vendor")).unwrap();
        let csv = export_csv(
            &store,
            &Filter {
                vendor_id: Some(1),
                limit: Some(1),
                ..Filter::default()
            },
        )
        .unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,time,vendor_id,level,kind,message,context,code,params"
        );
        assert!(lines[1].starts_with("2,"), "{csv}");
        assert!(lines[1].contains(
            ",1,warning,sync,\"'=HYPERLINK(\"\"x\"\"), with \"\"quotes\"\"\nand a line\","
        ));
        assert!(lines[1].contains("[redacted]") && !csv.contains("secret-value"));
        assert!(
            csv.contains(",1,info,sync,plain,{}"),
            "the page size does not cut the export: {csv}"
        );
        assert!(!csv.contains("other vendor"));
        assert!(lines[1].split(',').nth(1).unwrap().ends_with('Z'));
    }
}
