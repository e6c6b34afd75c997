//! The WhatsApp catalog side of a vendor's shop: which products can be listed, why the
//! others cannot, and the catalog item each listable product becomes.
//!
//! Every refusal is a [`Problem`] a vendor can act on ("add a price", "use a JPG or PNG
//! image"): a code and its parameters, which the plugin words in the vendor's language;
//! the dashboard lists them with an edit link.

pub mod checks;
pub mod plan;
mod product;
pub mod record;
pub mod sync;
pub(crate) mod text;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use product::{Availability, CatalogItem, Image, Product};

/// Longest retailer id the catalog accepts.
pub const MAX_RETAILER_ID: usize = 100;
/// Longest description the catalog accepts, in characters.
pub const MAX_DESCRIPTION: usize = 9_999;
/// Largest image the catalog accepts by default (5 MB).
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// How products become catalog items on this site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// ISO 4217 code of the shop's currency.
    pub currency: String,
    /// Largest image accepted, in bytes.
    pub max_image_bytes: u64,
    /// Brand for products without one: the vendor's store name.
    pub default_brand: String,
}

impl Rules {
    /// A fingerprint of the rules: a plan made under other rules is no base for a
    /// sync that reads only what changed.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.currency.as_bytes(),
            &self.max_image_bytes.to_be_bytes(),
            self.default_brand.as_bytes(),
        ] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        crate::signature::to_hex(&hash.finalize()[..16])
    }
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            currency: "USD".into(),
            max_image_bytes: DEFAULT_MAX_IMAGE_BYTES,
            default_brand: String::new(),
        }
    }
}

/// Why a product cannot be listed, in terms the vendor can fix.
///
/// It travels and is stored as its code plus parameters, e.g.
/// `{"code":"image_too_large","bytes":7340032,"max":3145728}`; the plugin words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The product has no title.
    MissingTitle,
    /// No price, a zero price, or one that is not a number.
    MissingPrice,
    /// No description, or one that is empty once HTML is removed.
    MissingDescription,
    /// No product image.
    MissingImage {
        /// The largest image accepted, in bytes (the words name it).
        max: u64,
    },
    /// The image is not a JPG or PNG.
    ImageFormat {
        /// The type found.
        found: String,
    },
    /// The image is larger than the limit.
    ImageTooLarge {
        /// Its size in bytes.
        bytes: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// The SKU is longer than the catalog's retailer id.
    RetailerIdTooLong {
        /// Its length in characters.
        length: usize,
        /// The longest accepted ([`MAX_RETAILER_ID`]).
        max: usize,
    },
    /// The stock status has no catalog equivalent.
    StockUnmapped {
        /// The status found.
        found: String,
    },
    /// Another of the vendor's products has the same SKU.
    DuplicateSku,
    /// The WhatsApp API refused the item; its reason is the API's own text.
    Rejected {
        /// What the API said (none when it gave no reason).
        #[serde(default)]
        reason: Option<String>,
    },
    /// A sentence stored by a version before codes (0.7.0), shown as stored until the
    /// product is checked again.
    Stored {
        /// The stored sentence.
        message: String,
    },
}

impl Problem {
    /// The stable code the dashboard and tests key on.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::MissingTitle => "missing_title",
            Problem::MissingPrice => "missing_price",
            Problem::MissingDescription => "missing_description",
            Problem::MissingImage { .. } => "missing_image",
            Problem::ImageFormat { .. } => "image_format",
            Problem::ImageTooLarge { .. } => "image_too_large",
            Problem::RetailerIdTooLong { .. } => "retailer_id_too_long",
            Problem::StockUnmapped { .. } => "stock_unmapped",
            Problem::DuplicateSku => "duplicate_sku",
            Problem::Rejected { .. } => "rejected",
            Problem::Stored { .. } => "stored",
        }
    }

    /// Reads a stored problem: its code and parameters, or a sentence stored before
    /// codes (kept as [`Problem::Stored`]).
    pub fn from_stored(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::String(message) => Problem::Stored { message },
            other => serde_json::from_value(other.clone()).unwrap_or_else(|_| Problem::Stored {
                message: other.to_string(),
            }),
        }
    }

    /// What the vendor should do, in English: for traces and the command line only.
    /// What a vendor reads is worded by the plugin from [`Problem::code`] and the
    /// parameters, in the vendor's language.
    pub fn message(&self) -> String {
        match self {
            Problem::MissingTitle => "Add a product title.".into(),
            Problem::MissingPrice => "Set a price above zero.".into(),
            Problem::MissingDescription => {
                "Write a description: WhatsApp shows it to customers.".into()
            }
            Problem::MissingImage { max } => format!(
                "Add a product image (JPG or PNG, at most {:.1} MB).",
                *max as f64 / 1_048_576.0
            ),
            Problem::ImageFormat { found } => {
                format!("Use a JPG or PNG image; this one is {found}.")
            }
            Problem::ImageTooLarge { bytes, max } => format!(
                "Use a smaller image: this one is {:.1} MB, the limit is {:.1} MB.",
                *bytes as f64 / 1_048_576.0,
                *max as f64 / 1_048_576.0
            ),
            Problem::RetailerIdTooLong { length, max } => {
                format!("Shorten the SKU to {max} characters or fewer (it has {length}).")
            }
            Problem::StockUnmapped { found } => {
                format!(
                    "Set the stock status to In stock, Out of stock or On backorder (it is {found:?})."
                )
            }
            Problem::DuplicateSku => {
                "Another of your products has the same SKU; give each product its own SKU.".into()
            }
            Problem::Rejected {
                reason: Some(reason),
            } => {
                format!("WhatsApp refused this product: {reason}")
            }
            Problem::Rejected { reason: None } => "Rejected by WhatsApp".into(),
            Problem::Stored { message } => message.clone(),
        }
    }
}

/// What a product is for the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Ready to list, as this item.
    Item(Box<CatalogItem>),
    /// Cannot be listed until the vendor fixes these.
    Invalid(Vec<Problem>),
    /// Not a catalog item by nature (a variable product's parent, a draft): whatever the
    /// catalog holds for it must go.
    NotListed(&'static str),
}

/// The retailer id a product is listed under: its SKU, or `wc_<post id>` without one.
pub fn retailer_id(product: &Product) -> String {
    match product.sku.as_deref().map(str::trim) {
        Some(sku) if !sku.is_empty() => sku.to_owned(),
        _ => format!("wc_{}", product.id),
    }
}

/// Whether the product's sale window holds `now`, the way WooCommerce decides
/// `is_on_sale()`: not before `sale_from`, not after `sale_to` (both inclusive).
pub fn sale_is_on(product: &Product, now: i64) -> bool {
    product.sale_from.is_none_or(|from| from <= now) && product.sale_to.is_none_or(|to| now <= to)
}

/// When the product's catalog price next changes because its sale starts or ends
/// (Unix seconds), if that is after `now`: the plugin re-syncs the product then.
/// A sale price that is no sale (none, or not below the list price) changes nothing.
pub fn next_price_change(product: &Product, now: i64) -> Option<i64> {
    let (list_price, sale) = prices(product);
    sale.zip(list_price).filter(|(s, l)| s < l)?;
    match (product.sale_from, product.sale_to) {
        (Some(from), _) if from > now => Some(from),
        // The sale ends after its last second.
        (_, Some(to)) if to >= now => to.checked_add(1),
        _ => None,
    }
}

/// The list price and the sale price (in cents), whatever the dates say.
fn prices(product: &Product) -> (Option<i64>, Option<i64>) {
    let cents = |value: &Option<String>| value.as_deref().and_then(text::cents).filter(|c| *c > 0);
    let list_price = cents(&product.regular_price).or_else(|| cents(&product.price));
    (list_price, cents(&product.sale_price))
}

/// The post id a `wc_<id>` retailer id stands for (see [`retailer_id`]); none for a SKU.
pub fn product_id_of(retailer_id: &str) -> Option<u64> {
    retailer_id
        .strip_prefix("wc_")
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .filter(|id| *id > 0)
}

/// Validates and transforms one product as the catalog should show it at `now` (Unix
/// seconds): the sale price only inside its sale window.
pub fn prepare(product: &Product, rules: &Rules, now: i64) -> Listing {
    if product.status != "publish" {
        return Listing::NotListed("not published");
    }
    if matches!(product.visibility.as_deref(), Some("hidden")) {
        return Listing::NotListed("hidden from the catalog");
    }
    if matches!(product.product_type.as_str(), "variable" | "grouped") {
        return Listing::NotListed("sold through its variations");
    }

    let mut problems = Vec::new();
    let title = text::plain(&product.title);
    if title.is_empty() {
        problems.push(Problem::MissingTitle);
    }
    let (list_price, sale) = prices(product);
    let Some(list_price) = list_price else {
        problems.push(Problem::MissingPrice);
        return finish(problems, product, rules, &title, 0, None);
    };
    let sale = sale.filter(|s| *s < list_price && sale_is_on(product, now));
    finish(problems, product, rules, &title, list_price, sale)
}

fn finish(
    mut problems: Vec<Problem>,
    product: &Product,
    rules: &Rules,
    title: &str,
    price: i64,
    sale: Option<i64>,
) -> Listing {
    let mut description = text::plain(&product.description);
    if description.is_empty() {
        description = text::plain(&product.short_description);
    }
    if description.is_empty() {
        problems.push(Problem::MissingDescription);
    }
    let missing_image = Problem::MissingImage {
        max: rules.max_image_bytes,
    };
    match &product.image {
        None => problems.push(missing_image),
        Some(image) if image.url.trim().is_empty() => problems.push(missing_image),
        Some(image) => {
            let kind = text::image_kind(image);
            if !matches!(kind.as_str(), "image/jpeg" | "image/png") {
                problems.push(Problem::ImageFormat { found: kind });
            }
            if let Some(bytes) = image.bytes.filter(|b| *b > rules.max_image_bytes) {
                problems.push(Problem::ImageTooLarge {
                    bytes,
                    max: rules.max_image_bytes,
                });
            }
        }
    }
    let id = retailer_id(product);
    if id.chars().count() > MAX_RETAILER_ID {
        problems.push(Problem::RetailerIdTooLong {
            length: id.chars().count(),
            max: MAX_RETAILER_ID,
        });
    }
    let availability = match product.stock_status.as_deref().unwrap_or("instock") {
        "instock" if product.manage_stock && product.stock_quantity.is_some_and(|q| q <= 0) => {
            Availability::OutOfStock
        }
        "instock" => Availability::InStock,
        "outofstock" => Availability::OutOfStock,
        "onbackorder" => Availability::AvailableForOrder,
        other => {
            problems.push(Problem::StockUnmapped {
                found: other.chars().take(40).collect(),
            });
            Availability::InStock
        }
    };
    if !problems.is_empty() {
        return Listing::Invalid(problems);
    }
    let brand = product
        .brand
        .as_deref()
        .map(text::plain)
        .filter(|b| !b.is_empty())
        // Store names may arrive HTML-escaped (WCFM's `Bolt &amp; Co`).
        .unwrap_or_else(|| text::plain(&rules.default_brand));
    Listing::Item(Box::new(CatalogItem {
        id,
        title: text::truncate(title.to_owned(), 200),
        description: text::truncate(description, MAX_DESCRIPTION),
        availability,
        condition: "new".into(),
        price: text::money(price, &rules.currency),
        sale_price: sale.map(|s| text::money(s, &rules.currency)),
        link: product.permalink.clone(),
        image_link: product
            .image
            .as_ref()
            .map(|i| i.url.clone())
            .unwrap_or_default(),
        brand: if brand.is_empty() {
            "—".into()
        } else {
            brand
        },
        item_group_id: product
            .parent_id
            .filter(|_| product.product_type == "variation")
            .map(|p| format!("wc_{p}")),
    }))
}

/// A fingerprint of what the catalog holds for an item: equal hashes, nothing to send.
pub fn content_hash(item: &CatalogItem) -> String {
    let json = serde_json::to_vec(item).unwrap_or_default();
    crate::signature::to_hex(&Sha256::digest(&json))
}

#[cfg(test)]
mod tests;
