//! The chat button's link and its QR code: the core makes both, the plugin places
//! them on product and store pages.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::exceptions::validation;
use crate::chat_link::{self, ChatLinkError};
use crate::qr::{self, QrError};

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(chat_link))
        .function(wrap_function!(qr_svg))
}

impl From<ChatLinkError> for PhpException {
    fn from(e: ChatLinkError) -> Self {
        validation(e.to_string())
    }
}

impl From<QrError> for PhpException {
    fn from(e: QrError) -> Self {
        validation(e.to_string())
    }
}

/// The chat button's link to `$number` (a WhatsApp number; `+`, spaces, dashes and
/// brackets allowed) with `$pattern` filled in (`{product}`, `{store}`, `{code}` as
/// `#CODE`, appended when missing; no other `#`): `url` (`https://wa.me/…?text=…`),
/// `text`, `code` (without `#`) and `number` (digits). Customer messages with this
/// text are routed to the vendor whose directory code is `$code`. Throws
/// `Wpwa\ValidationException` for a bad number or a code without letters or digits.
#[php_function]
#[php(name = "Wpwa\\chat_link")]
pub fn chat_link(
    number: String,
    pattern: String,
    product: String,
    store: String,
    code: String,
) -> PhpResult<ZBox<ZendHashTable>> {
    to_array(&chat_link::chat_link(
        &number, &pattern, &product, &store, &code,
    )?)
}

/// `$value` as a QR code: a standalone SVG document (at least 264 px wide, with its
/// quiet zone). Throws `Wpwa\ValidationException` when the value is too long.
#[php_function]
#[php(name = "Wpwa\\qr_svg")]
pub fn qr_svg(value: String) -> PhpResult<String> {
    Ok(qr::render_svg(&value)?)
}
