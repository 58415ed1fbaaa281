//! A practice's community (product.md §5, §8): people who take part without
//! being clients, and who choose whether their readings count in the
//! practice's anonymous Community Health.

mod health;
pub mod joining;
pub mod members;
pub mod settings;
mod sharing;

pub use health::{health, HEALTH_SQL};
pub use sharing::{memberships, set_sharing};

/// `link` as a QR code: an inline SVG that scales with its box (no XML
/// prologue, no fixed size), dark modules on white with the quiet zone.
pub fn qr_svg(link: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(link.as_bytes()) {
        Ok(code) => {
            let image = code.render::<svg::Color>().min_dimensions(240, 240).build();
            let start = image.find("<svg").unwrap_or(0);
            image[start..].to_owned()
        }
        // A link too long for a QR code: the page still shows the code and the link.
        Err(_) => String::new(),
    }
}
