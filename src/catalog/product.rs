//! A vendor's product as the plugin reads it from WooCommerce, and the catalog item the
//! WhatsApp catalog receives.

use serde::{Deserialize, Serialize};

/// A product image as WordPress knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Public URL of the full-size image.
    pub url: String,
    /// MIME type recorded for the attachment, e.g. `image/jpeg`.
    #[serde(default)]
    pub mime: String,
    /// File size in bytes, when known.
    #[serde(default)]
    pub bytes: Option<u64>,
}

/// One WooCommerce product, flattened by the plugin's product reader.
///
/// Prices are WooCommerce's decimal strings as stored (`_price`, `_regular_price`,
/// `_sale_price`); parsing them is the core's job so both readers stay dumb.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// WordPress post id.
    #[serde(deserialize_with = "super::record::id")]
    pub id: u64,
    /// The vendor who owns it (post author).
    #[serde(deserialize_with = "super::record::id")]
    pub vendor_id: u64,
    /// `simple`, `variable`, `variation`, `grouped`, `external`.
    #[serde(default = "simple", deserialize_with = "super::record::product_type")]
    pub product_type: String,
    /// The variable product a variation belongs to.
    #[serde(default, deserialize_with = "super::record::optional_id")]
    pub parent_id: Option<u64>,
    /// Post status: only `publish` is for sale.
    #[serde(default, deserialize_with = "super::record::string")]
    pub status: String,
    /// Catalog visibility: `visible`, `catalog`, `search` or `hidden`.
    #[serde(default, deserialize_with = "super::record::text")]
    pub visibility: Option<String>,
    /// Stock keeping unit; the retailer id when present.
    #[serde(default, deserialize_with = "super::record::text")]
    pub sku: Option<String>,
    /// Product name.
    #[serde(default, deserialize_with = "super::record::string")]
    pub title: String,
    /// Long description (HTML).
    #[serde(default, deserialize_with = "super::record::string")]
    pub description: String,
    /// Short description (HTML), used when the long one is empty.
    #[serde(default, deserialize_with = "super::record::string")]
    pub short_description: String,
    /// Current price (`_price`).
    #[serde(default, deserialize_with = "super::record::text")]
    pub price: Option<String>,
    /// Regular price (`_regular_price`).
    #[serde(default, deserialize_with = "super::record::text")]
    pub regular_price: Option<String>,
    /// Sale price (`_sale_price`).
    #[serde(default, deserialize_with = "super::record::text")]
    pub sale_price: Option<String>,
    /// When the sale starts (Unix seconds, UTC; `date_on_sale_from`); none for a sale
    /// without a start.
    #[serde(default, deserialize_with = "super::record::integer")]
    pub sale_from: Option<i64>,
    /// The last second of the sale (Unix seconds, UTC; `date_on_sale_to`); none for a
    /// sale without an end.
    #[serde(default, deserialize_with = "super::record::integer")]
    pub sale_to: Option<i64>,
    /// `instock`, `outofstock` or `onbackorder`.
    #[serde(default, deserialize_with = "super::record::text")]
    pub stock_status: Option<String>,
    /// Whether WooCommerce tracks a quantity.
    #[serde(default, deserialize_with = "super::record::flag")]
    pub manage_stock: bool,
    /// Quantity in stock when tracked.
    #[serde(default, deserialize_with = "super::record::integer")]
    pub stock_quantity: Option<i64>,
    /// Main image.
    #[serde(default, deserialize_with = "super::record::image")]
    pub image: Option<Image>,
    /// Product page URL.
    #[serde(default, deserialize_with = "super::record::string")]
    pub permalink: String,
    /// Brand, when the shop records one.
    #[serde(default, deserialize_with = "super::record::text")]
    pub brand: Option<String>,
}

fn simple() -> String {
    "simple".into()
}

/// `availability` values the catalog accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    /// Can be bought now.
    #[serde(rename = "in stock")]
    InStock,
    /// Sold out.
    #[serde(rename = "out of stock")]
    OutOfStock,
    /// On backorder.
    #[serde(rename = "available for order")]
    AvailableForOrder,
    /// No longer sold.
    #[serde(rename = "discontinued")]
    Discontinued,
}

/// One item of an `items_batch` request's `data`, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    /// Retailer id (≤ 100 characters).
    pub id: String,
    /// Product name.
    pub title: String,
    /// Plain-text description.
    pub description: String,
    /// Stock state.
    pub availability: Availability,
    /// `new`, `refurbished` or `used`.
    pub condition: String,
    /// Price, e.g. `12.34 USD`.
    pub price: String,
    /// Sale price, when on sale. Sent as `""` otherwise: an UPDATE merges fields, so
    /// leaving it out would keep a sale that ended.
    #[serde(serialize_with = "empty_if_none", default)]
    pub sale_price: Option<String>,
    /// Product page.
    pub link: String,
    /// Main image.
    pub image_link: String,
    /// Brand (the store name when the product has none).
    pub brand: String,
    /// For variations: the variable product's retailer id, grouping them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub item_group_id: Option<String>,
}

fn empty_if_none<S: serde::Serializer>(
    value: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_deref().unwrap_or(""))
}
