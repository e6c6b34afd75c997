//! Product records from the plugin's readers. The plugin hands over whole pages as JSON
//! (`json_encode` runs in C, and the core reads the text straight into products); a list
//! of record arrays, as the extension always took, is still read, record by record.

use ext_php_rs::exception::PhpException;
use ext_php_rs::types::ZendHashTable;

use super::convert::array_to_json;
use super::exceptions::validation;
use crate::catalog::{Product, record};

/// Reads a list whose entries are each a page (a JSON list of product records) or one
/// product record (an array).
pub fn products_from_list(list: &ZendHashTable) -> Result<Vec<Product>, PhpException> {
    let mut products = Vec::new();
    for (index, entry) in list.values().enumerate() {
        if let Some(page) = entry.str() {
            let read = record::from_json(page)
                .map_err(|e| validation(format!("page #{index} of the products: {e}")))?;
            products.extend(read);
        } else if let Some(array) = entry.array() {
            let value = array_to_json("product record", array)?;
            let mut one = record::from_value(serde_json::Value::Array(vec![value]))
                .map_err(|e| validation(e.to_string().replacen("#0", &format!("#{index}"), 1)))?;
            products.append(&mut one);
        } else {
            return Err(validation(format!(
                "product #{index} must be an array (a product record) or a string (a JSON page of them)"
            )));
        }
    }
    Ok(products)
}
