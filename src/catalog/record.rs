//! Product records as the plugin's readers hand them over: a JSON list (PHP's
//! `json_encode` of the reader's arrays, made in C) read straight into [`Product`]s.
//!
//! The fields are read as leniently as a PHP reader may write them: numbers where text
//! is expected (a price cast to a float), `"yes"`/`"no"` flags, numeric strings and
//! `""` for numbers, `null` for anything missing, and an empty PHP array (`[]`) for
//! "no image".

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Image, Product};

/// Why product records could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The input is not a JSON list.
    #[error("the products must be a JSON list of product records: {0}")]
    NotAList(String),
    /// One record is not a product record.
    #[error("product #{index} is not a product record: {reason}")]
    NotARecord {
        /// Its place in the list, from 0.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads a JSON list of product records.
pub fn from_json(json: &str) -> Result<Vec<Product>, RecordError> {
    serde_json::from_str::<Vec<Product>>(json).map_err(|_| explain(json))
}

/// Reads product records already parsed as JSON values.
pub fn from_value(value: Value) -> Result<Vec<Product>, RecordError> {
    let Value::Array(records) = value else {
        return Err(RecordError::NotAList("not a list".into()));
    };
    records
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            Product::deserialize(record).map_err(|e| RecordError::NotARecord {
                index,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// The error of a list that did not read at once, naming the record at fault (the
/// slow path runs only for bad input).
fn explain(json: &str) -> RecordError {
    match serde_json::from_str::<Value>(json) {
        Err(e) => RecordError::NotAList(e.to_string()),
        Ok(value) => match from_value(value) {
            Err(e) => e,
            Ok(_) => RecordError::NotAList("unreadable".into()),
        },
    }
}

/// One JSON value as a PHP reader may write a scalar.
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    /// A list or an object.
    Compound,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
}

fn wanted<E: de::Error>(what: &str) -> E {
    E::custom(format!("a field must be {what}"))
}

impl Scalar {
    fn text<E: de::Error>(self) -> Result<Option<String>, E> {
        match self {
            Scalar::Null => Ok(None),
            Scalar::Text(s) => Ok(Some(s)),
            Scalar::Int(n) => Ok(Some(n.to_string())),
            Scalar::Float(f) if f.is_finite() => Ok(Some(f.to_string())),
            _ => Err(wanted("a string")),
        }
    }

    fn integer<E: de::Error>(self) -> Result<Option<i64>, E> {
        match self {
            Scalar::Null => Ok(None),
            Scalar::Int(n) => Ok(Some(n)),
            Scalar::Float(f) if f.is_finite() => Ok(Some(f as i64)),
            Scalar::Text(s) if s.trim().is_empty() => Ok(None),
            Scalar::Text(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| Some(f as i64))
                .ok_or_else(|| wanted("a number")),
            _ => Err(wanted("a number")),
        }
    }

    fn id<E: de::Error>(self) -> Result<Option<u64>, E> {
        match self {
            Scalar::Null => Ok(None),
            Scalar::Int(n) if n > 0 => Ok(Some(n as u64)),
            _ => Err(wanted("a positive integer id")),
        }
    }
}

/// A required post id: a positive integer.
pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Scalar::deserialize(d)?
        .id()?
        .ok_or_else(|| wanted("a positive integer id"))
}

/// An optional post id.
pub(super) fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Scalar::deserialize(d)?.id()
}

/// Optional text; numbers are written as text.
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Scalar::deserialize(d)?.text()
}

/// Text, empty when missing.
pub(super) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text(d)?.unwrap_or_default())
}

/// The product type, `simple` when missing.
pub(super) fn product_type<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text(d)?.unwrap_or_else(|| "simple".into()))
}

/// An optional whole number; numeric text and fractions are read, `""` is none.
pub(super) fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Scalar::deserialize(d)?.integer()
}

/// A flag: a boolean or WooCommerce's `yes`/`no` (`1`/`0`), false when missing.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Scalar::deserialize(d)? {
        Scalar::Null => Ok(false),
        Scalar::Bool(b) => Ok(b),
        Scalar::Text(s) => match s.as_str() {
            "yes" | "1" => Ok(true),
            "no" | "0" | "" => Ok(false),
            _ => Err(wanted("a boolean or 'yes'/'no'")),
        },
        _ => Err(wanted("a boolean or 'yes'/'no'")),
    }
}

/// The main image: an object with `url`, `mime` and `bytes`; none when missing, without
/// a URL, or an empty PHP array.
pub(super) fn image<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Image>, D::Error> {
    d.deserialize_any(ImageVisitor)
}

struct ImageVisitor;

impl<'de> Visitor<'de> for ImageVisitor {
    type Value = Option<Image>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an image with url, mime and bytes")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut url, mut mime, mut bytes) = (None, None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let value: Scalar = map.next_value()?;
            match key.as_ref() {
                "url" => url = value.text()?,
                "mime" => mime = value.text()?,
                "bytes" => bytes = value.integer()?,
                _ => {}
            }
        }
        Ok(url.map(|url| Image {
            url,
            mime: mime.unwrap_or_default(),
            bytes: bytes.and_then(|b| u64::try_from(b).ok()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_as_php_readers_write_them() {
        let products = from_json(
            r#"[{"id":7,"vendor_id":3,"product_type":null,"parent_id":null,"title":"Mug",
                "price":12.5,"regular_price":12,"sale_price":"","sale_from":"1780272000",
                "sale_to":"","manage_stock":"yes","stock_quantity":"4.0","image":[],
                "sku":"MUG-1","extra":{"ignored":[1,2]}},
               {"id":8,"vendor_id":3,"manage_stock":false,"image":{"url":"http://x/a.jpg","bytes":"900"}}]"#,
        )
        .unwrap();
        let mug = &products[0];
        assert_eq!(mug.product_type, "simple");
        assert_eq!(mug.price.as_deref(), Some("12.5"));
        assert_eq!(mug.regular_price.as_deref(), Some("12"));
        assert_eq!(mug.sale_price.as_deref(), Some(""));
        assert_eq!((mug.sale_from, mug.sale_to), (Some(1_780_272_000), None));
        assert!(mug.manage_stock);
        assert_eq!(mug.stock_quantity, Some(4));
        assert_eq!(mug.image, None);
        assert_eq!(mug.status, "");
        let image = products[1].image.as_ref().unwrap();
        assert_eq!(
            (image.url.as_str(), image.mime.as_str(), image.bytes),
            ("http://x/a.jpg", "", Some(900))
        );
    }

    #[test]
    fn names_the_record_at_fault() {
        let refused = |json: &str| from_json(json).unwrap_err().to_string();
        assert_eq!(
            refused(r#"[{"id":1,"vendor_id":2},{"id":"x","vendor_id":2}]"#),
            "product #1 is not a product record: a field must be a positive integer id"
        );
        assert!(
            refused(r#"[{"id":1}]"#)
                .starts_with("product #0 is not a product record: missing field `vendor_id`")
        );
        assert!(
            refused(r#"[{"id":1,"vendor_id":2,"manage_stock":"maybe"}]"#).contains("'yes'/'no'")
        );
        assert!(refused(r#"[{"id":1,"vendor_id":2,"title":["a"]}]"#).contains("a string"));
        assert!(refused(r#"{"id":1}"#).starts_with("the products must be a JSON list"));
        assert!(refused("[{").starts_with("the products must be a JSON list"));
    }
}
