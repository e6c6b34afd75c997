//! Text and number handling for catalog items: HTML to plain text, WooCommerce's
//! decimal price strings to cents, image types.

use super::Image;

/// Plain text from HTML: tags and script/style bodies removed, common entities decoded,
/// whitespace collapsed. One pass, one allocation: this runs for every product of
/// every sync.
pub fn plain(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = Collapsed::with_capacity(html.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let rest = &bytes[i..];
                let skip = if starts_with_ci(rest, b"<script") {
                    find_ci(rest, b"</script>").map(|at| at + b"</script>".len())
                } else if starts_with_ci(rest, b"<style") {
                    find_ci(rest, b"</style>").map(|at| at + b"</style>".len())
                } else {
                    rest.iter().position(|&b| b == b'>').map(|at| at + 1)
                };
                let Some(skip) = skip else { break };
                // Tags separate words.
                out.space();
                i += skip;
            }
            b'&' => match entity(&html[i..]) {
                Some((Decoded::Text(text), len)) => {
                    out.push_str(text);
                    i += len;
                }
                Some((Decoded::Char(c), len)) => {
                    out.push_char(c);
                    i += len;
                }
                None => {
                    out.push_char('&');
                    i += 1;
                }
            },
            _ => {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'<' || b == b'&')
                    .map_or(bytes.len(), |at| i + at);
                out.push_str(&html[i..end]);
                i = end;
            }
        }
    }
    out.finish()
}

/// A string builder that collapses runs of whitespace into one space and trims.
struct Collapsed {
    text: String,
    space: bool,
}

impl Collapsed {
    fn with_capacity(n: usize) -> Self {
        Self {
            text: String::with_capacity(n),
            space: false,
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    fn push_char(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
            return;
        }
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push(c);
    }

    fn push_str(&mut self, s: &str) {
        for word in s.split(char::is_whitespace) {
            if word.is_empty() {
                self.space = true;
                continue;
            }
            if self.space && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(word);
            self.space = true;
        }
        // The last piece was not followed by whitespace unless `s` ended with some.
        self.space = s.ends_with(char::is_whitespace);
    }

    fn finish(self) -> String {
        self.text
    }
}

fn starts_with_ci(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len() && haystack[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// What an entity stands for.
enum Decoded {
    Text(&'static str),
    Char(char),
}

/// Decodes the entity at the start of `text`, with the bytes it spans.
fn entity(text: &str) -> Option<(Decoded, usize)> {
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
    if let Some((name, replacement)) = NAMED.iter().find(|(name, _)| text.starts_with(name)) {
        return Some((Decoded::Text(replacement), name.len()));
    }
    numeric_entity(text).map(|(c, len)| (Decoded::Char(c), len))
}

fn numeric_entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..text.len().min(12))?.find(';')?;
    let body = text.get(2..end)?;
    let code = if let Some(hex) = body.strip_prefix(['x', 'X']) {
        u32::from_str_radix(hex, 16).ok()?
    } else if text.starts_with("&#") {
        body.parse().ok()?
    } else {
        return None;
    };
    Some((char::from_u32(code)?, end + 1))
}

/// Cuts `text` to at most `max` characters, on a character boundary.
pub fn truncate(text: String, max: usize) -> String {
    // Byte length bounds the character count: most texts need no counting at all.
    if text.len() <= max || text.chars().count() <= max {
        return text;
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
    // Checked to the last cent: a whole part just below i64::MAX / 100 still fits
    // when multiplied, but not once its cents are added.
    let round = i64::from(digits[2] >= 5);
    whole
        .checked_mul(100)?
        .checked_add(digits[0] * 10 + digits[1] + round)
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
