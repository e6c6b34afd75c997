//! Text and number handling for catalog items: HTML to plain text, WooCommerce's
//! decimal price strings to cents, image types.

use super::Image;

/// Plain text from HTML: tags and script/style bodies removed, common entities decoded,
/// whitespace collapsed.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let lower: String = after
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            find_ci(after, "</script>").map(|i| i + "</script>".len())
        } else if lower.starts_with("<style") {
            find_ci(after, "</style>").map(|i| i + "</style>".len())
        } else {
            after.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(end) => {
                // Block-level tags separate words.
                out.push(' ');
                rest = &after[end..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    collapse(&decode_entities(&out))
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

fn decode_entities(text: &str) -> String {
    const NAMED: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#039;", "'"),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&hellip;", "…"),
        ("&ndash;", "–"),
        ("&mdash;", "—"),
        ("&euro;", "€"),
        ("&pound;", "£"),
        ("&rsquo;", "’"),
        ("&lsquo;", "‘"),
        ("&rdquo;", "”"),
        ("&ldquo;", "“"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        for (entity, replacement) in NAMED {
            if rest.starts_with(entity) {
                out.push_str(replacement);
                rest = &rest[entity.len()..];
                continue 'scan;
            }
        }
        if let Some(end) = rest[..rest.len().min(10)].find(';') {
            let code = &rest[2.min(end)..end];
            let parsed = if rest.starts_with("&#x") || rest.starts_with("&#X") {
                u32::from_str_radix(&code[1.min(code.len())..], 16).ok()
            } else if rest.starts_with("&#") {
                code.parse().ok()
            } else {
                None
            };
            if let Some(c) = parsed.and_then(char::from_u32) {
                out.push(c);
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most `max` characters, on a character boundary.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A WooCommerce decimal price string in cents, rounded half up; `None` if not a
/// non-negative number.
pub fn cents(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() || value.len() > 20 {
        return None;
    }
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let digits: Vec<i64> = fraction
        .bytes()
        .map(|b| i64::from(b - b'0'))
        .chain(std::iter::repeat(0))
        .take(3)
        .collect();
    let mut cents = whole.checked_mul(100)? + digits[0] * 10 + digits[1];
    if digits[2] >= 5 {
        cents += 1;
    }
    Some(cents)
}

/// Cents as the catalog writes a price: `12.34 USD`.
pub fn money(cents: i64, currency: &str) -> String {
    format!("{}.{:02} {}", cents / 100, cents % 100, currency)
}

/// The image's MIME type, from the attachment or, without one, from the URL.
pub fn image_kind(image: &Image) -> String {
    let mime = image.mime.trim().to_ascii_lowercase();
    if !mime.is_empty() {
        return if mime == "image/jpg" {
            "image/jpeg".into()
        } else {
            mime
        };
    }
    let path = image
        .url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("jpg" | "jpeg") => "image/jpeg".into(),
        Some("png") => "image/png".into(),
        Some(ext) if !ext.contains('/') => format!("a .{ext} file"),
        _ => "of unknown type".into(),
    }
}
