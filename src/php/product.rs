//! Product records from the plugin's readers, read straight from PHP arrays. Going
//! through an intermediate JSON value would cost more than validating the product.

use ext_php_rs::exception::PhpException;
use ext_php_rs::types::{ZendHashTable, Zval};

use super::exceptions::validation;
use crate::catalog::{Image, Product};

/// Reads product `index` of a list.
pub fn product_from_array(index: usize, record: &Zval) -> Result<Product, PhpException> {
    let array = record
        .array()
        .ok_or_else(|| validation(format!("product #{index} must be an array")))?;
    let field = Fields { index, array };
    Ok(Product {
        id: field.id("id")?,
        vendor_id: field.id("vendor_id")?,
        product_type: field
            .text("product_type")?
            .unwrap_or_else(|| "simple".into()),
        parent_id: field.optional_id("parent_id")?,
        status: field.text("status")?.unwrap_or_default(),
        visibility: field.text("visibility")?,
        sku: field.text("sku")?,
        title: field.text("title")?.unwrap_or_default(),
        description: field.text("description")?.unwrap_or_default(),
        short_description: field.text("short_description")?.unwrap_or_default(),
        price: field.text("price")?,
        regular_price: field.text("regular_price")?,
        sale_price: field.text("sale_price")?,
        sale_from: field.integer("sale_from")?,
        sale_to: field.integer("sale_to")?,
        stock_status: field.text("stock_status")?,
        manage_stock: field.flag("manage_stock")?,
        stock_quantity: field.integer("stock_quantity")?,
        image: field.image()?,
        permalink: field.text("permalink")?.unwrap_or_default(),
        brand: field.text("brand")?,
    })
}

struct Fields<'a> {
    index: usize,
    array: &'a ZendHashTable,
}

impl Fields<'_> {
    fn refuse(&self, key: &str, wanted: &str) -> PhpException {
        validation(format!(
            "product #{} is not a product record: {key} must be {wanted}",
            self.index
        ))
    }

    fn get(&self, key: &str) -> Option<&Zval> {
        self.array.get(key).filter(|v| !v.is_null())
    }

    fn id(&self, key: &str) -> Result<u64, PhpException> {
        self.optional_id(key)?
            .ok_or_else(|| self.refuse(key, "a positive integer"))
    }

    fn optional_id(&self, key: &str) -> Result<Option<u64>, PhpException> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .long()
                .and_then(|n| u64::try_from(n).ok())
                .filter(|n| *n > 0)
                .map(Some)
                .ok_or_else(|| self.refuse(key, "a positive integer")),
        }
    }

    /// Text, accepting numbers too: WooCommerce keeps prices as strings, but a reader
    /// that casts them should not be punished.
    fn text(&self, key: &str) -> Result<Option<String>, PhpException> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        if let Some(s) = v.str() {
            return Ok(Some(s.to_owned()));
        }
        if let Some(n) = v.long() {
            return Ok(Some(n.to_string()));
        }
        if let Some(f) = v.double().filter(|f| f.is_finite()) {
            return Ok(Some(f.to_string()));
        }
        Err(self.refuse(key, "a string"))
    }

    fn flag(&self, key: &str) -> Result<bool, PhpException> {
        let Some(v) = self.get(key) else {
            return Ok(false);
        };
        if let Some(b) = v.bool() {
            return Ok(b);
        }
        match v.str() {
            Some("yes" | "1") => Ok(true),
            Some("no" | "0" | "") => Ok(false),
            _ => Err(self.refuse(key, "a boolean or 'yes'/'no'")),
        }
    }

    fn integer(&self, key: &str) -> Result<Option<i64>, PhpException> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        if let Some(n) = v.long() {
            return Ok(Some(n));
        }
        if let Some(f) = v.double().filter(|f| f.is_finite()) {
            return Ok(Some(f as i64));
        }
        match v.str().map(str::trim) {
            Some("") => Ok(None),
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| Some(f as i64))
                .ok_or_else(|| self.refuse(key, "a number")),
            None => Err(self.refuse(key, "a number")),
        }
    }

    fn image(&self) -> Result<Option<Image>, PhpException> {
        let Some(v) = self.get("image") else {
            return Ok(None);
        };
        let Some(array) = v.array() else {
            return Err(self.refuse("image", "an array with url, mime and bytes"));
        };
        let image = Fields {
            index: self.index,
            array,
        };
        let Some(url) = image.text("url")? else {
            return Ok(None);
        };
        Ok(Some(Image {
            url,
            mime: image.text("mime")?.unwrap_or_default(),
            bytes: image.integer("bytes")?.and_then(|b| u64::try_from(b).ok()),
        }))
    }
}
