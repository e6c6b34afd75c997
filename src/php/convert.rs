//! Conversions between PHP values and the core's types. Each refusal is a
//! `Wpwa\ValidationException` naming the argument, never a crash.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use super::exceptions::{internal, validation};

/// Deepest PHP array accepted as structured data.
const MAX_DEPTH: usize = 8;
/// Most elements accepted in one structured argument, all levels together.
const MAX_ELEMENTS: usize = 2_000;

/// A PHP integer that must be a positive id (a WordPress user or post id).
pub fn positive_id(name: &str, value: i64) -> Result<u64, PhpException> {
    u64::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| validation(format!("{name} must be a positive integer, got {value}")))
}

/// An optional id where PHP's null or 0 mean none (an order a consent may not have).
pub fn optional_id(name: &str, value: Option<i64>) -> Result<Option<u64>, PhpException> {
    value
        .filter(|id| *id != 0)
        .map(|id| positive_id(name, id))
        .transpose()
}

/// A list of PHP integers that must each be a positive id.
pub fn positive_ids(name: &str, values: Vec<i64>) -> Result<Vec<u64>, PhpException> {
    values.into_iter().map(|v| positive_id(name, v)).collect()
}

/// A PHP integer that must be zero or positive.
pub fn non_negative(name: &str, value: i64) -> Result<u64, PhpException> {
    u64::try_from(value)
        .map_err(|_| validation(format!("{name} must be zero or positive, got {value}")))
}

/// A PHP array as JSON: lists become arrays, other arrays objects.
pub fn array_to_json(name: &str, array: &ZendHashTable) -> Result<Value, PhpException> {
    let mut budget = MAX_ELEMENTS;
    table(name, array, 0, &mut budget)
}

fn table(
    name: &str,
    array: &ZendHashTable,
    depth: usize,
    budget: &mut usize,
) -> Result<Value, PhpException> {
    if depth >= MAX_DEPTH {
        return Err(validation(format!(
            "{name} is nested deeper than {MAX_DEPTH} levels"
        )));
    }
    if array.len() > *budget {
        return Err(validation(format!(
            "{name} holds more than {MAX_ELEMENTS} values"
        )));
    }
    *budget -= array.len();
    if array.has_sequential_keys() {
        return array
            .values()
            .map(|v| value(name, v, depth, budget))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    let mut map = Map::new();
    for (key, item) in array.iter() {
        let key = key.to_string();
        map.insert(key, value(name, item, depth, budget)?);
    }
    Ok(Value::Object(map))
}

fn value(name: &str, zval: &Zval, depth: usize, budget: &mut usize) -> Result<Value, PhpException> {
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zval.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::from(n));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| validation(format!("{name} holds a non-finite number")));
    }
    if let Some(s) = zval.str() {
        return Ok(Value::String(s.to_owned()));
    }
    if let Some(inner) = zval.array() {
        return table(name, inner, depth + 1, budget);
    }
    if zval.is_string() {
        return Err(validation(format!(
            "{name} holds a string that is not valid UTF-8"
        )));
    }
    Err(validation(format!(
        "{name} may hold only scalars, null and arrays, not objects or resources"
    )))
}

/// JSON as a PHP value: objects become string-keyed arrays.
pub fn json_to_zval(json: &Value) -> Result<Zval, PhpException> {
    let mut zval = Zval::new();
    match json {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => zval.set_string(s, false).map_err(internal)?,
        Value::Array(items) => {
            let mut array = ZendHashTable::new();
            for item in items {
                array.push(json_to_zval(item)?).map_err(internal)?;
            }
            zval.set_hashtable(array);
        }
        Value::Object(map) => zval.set_hashtable(object_to_array(map)?),
    }
    Ok(zval)
}

/// A JSON object as a string-keyed PHP array.
pub fn object_to_array(map: &Map<String, Value>) -> Result<ZBox<ZendHashTable>, PhpException> {
    let mut array = ZendHashTable::new();
    for (key, item) in map {
        array
            .insert(key.as_str(), json_to_zval(item)?)
            .map_err(internal)?;
    }
    Ok(array)
}

/// A serializable core value as a PHP array (it must serialize to a JSON object).
pub fn to_array<T: serde::Serialize>(value: &T) -> Result<ZBox<ZendHashTable>, PhpException> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => object_to_array(&map),
        Ok(_) => Err(internal("a core value did not serialize to an object")),
        Err(e) => Err(internal(e)),
    }
}

/// A PHP array read into a core input type with serde: unknown keys, wrong types and
/// missing fields are refused with a `Wpwa\ValidationException` naming `name`.
pub fn from_array<T: serde::de::DeserializeOwned>(
    name: &str,
    array: &ZendHashTable,
) -> Result<T, PhpException> {
    Ok(crate::rules::options::read(
        name,
        array_to_json(name, array)?,
    )?)
}

/// As [`from_array`] for an optional argument: absent is the input's default.
pub fn from_optional_array<T: serde::de::DeserializeOwned + Default>(
    name: &str,
    array: Option<&ZendHashTable>,
) -> Result<T, PhpException> {
    array.map_or_else(|| Ok(T::default()), |array| from_array(name, array))
}
