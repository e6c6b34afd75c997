//! QR codes as SVG, so the dashboard can show the gateway's pairing code as an image
//! without a JavaScript QR library or a third-party image service.

use qrcode::QrCode;
use qrcode::render::svg;

/// Why a QR code could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The value does not fit in a QR code.
    #[error("the QR value cannot be encoded: {0}")]
    Encode(String),
}

/// Renders `value` as a standalone SVG document with a quiet zone, at least 264 px wide.
pub fn render_svg(value: &str) -> Result<String, QrError> {
    let code = QrCode::new(value.as_bytes()).map_err(|e| QrError::Encode(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(264, 264)
        .dark_color(svg::Color("#111b21"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_pairing_code() {
        let svg = render_svg("2@Zm9vYmFy,cHVibGljLWtleQ==,aWRlbnRpdHk=,c2VjcmV0").unwrap();
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#111b21"));
        // Different values draw different codes.
        assert_ne!(svg, render_svg("2@other").unwrap());
    }

    #[test]
    fn refuses_values_too_long_for_a_qr_code() {
        assert!(render_svg(&"x".repeat(8000)).is_err());
    }
}
