//! Profile photos (product.md §4). An upload is decoded, cropped to a square,
//! resized and re-encoded as JPEG here, so no uploaded byte is ever served
//! back: a file that only claims to be an image, a decompression bomb or a
//! polyglot never leaves this module as it came in.

use image::{ImageFormat, ImageReader, Limits};
use shared::ids::{AccountId, MembershipId, PracticeId};
use shared::roles::Capability;
use shared::staff::photo_size_problem;
use shared::validation::FieldErrors;
use std::io::Cursor;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_pool, on_tx, practices};

/// The stored square's side in pixels: sharp on a phone's high-density screen.
pub const SIDE: u32 = 256;
/// Larger pictures are refused before decoding: 6000 × 6000 is a 36-megapixel
/// camera; a bigger "photo" is more likely a bomb than a portrait.
const MAX_SIDE: u32 = 6000;
/// What decoding may allocate, whatever the header claims.
const MAX_ALLOC: u64 = 200 * 1024 * 1024;

fn problem(message: impl Into<String>) -> ServiceError {
    ServiceError::Validation(FieldErrors::single("photo", message))
}

/// Decodes `bytes` (PNG, JPEG or WebP, told by their content, not a name)
/// and returns a fresh JPEG of [`SIDE`] × [`SIDE`].
pub fn reencode(bytes: &[u8]) -> ServiceResult<Vec<u8>> {
    if let Some(message) = photo_size_problem(bytes.len()) {
        return Err(problem(message));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP) => {}
        _ => return Err(problem("This file is not a PNG, JPEG or WebP image.")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => problem(format!(
            "The picture is too large in pixels; use one of at most {MAX_SIDE} × {MAX_SIDE}."
        )),
        _ => problem("This image is damaged or incomplete; save it again and retry."),
    })?;
    let square = decoded
        .resize_to_fill(SIDE, SIDE, image::imageops::FilterType::Triangle)
        .into_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&square)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(jpeg)
}

async fn membership_id(
    tx: &mut crate::db::Tx,
    practice: PracticeId,
    member: AccountId,
) -> ServiceResult<MembershipId> {
    let id: Option<(MembershipId,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT id FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(member)
            .fetch_optional(c)
            .await
    })?;
    id.map(|(id,)| id).ok_or(ServiceError::NotFound)
}

/// Sets `member`'s photo from an upload; audited (without the picture).
pub async fn set(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
    upload: Vec<u8>,
) -> ServiceResult<()> {
    // Refused people learn nothing about the file, and decode nothing.
    memberships::require(backend, account, practice, Capability::ManageTeam).await?;
    // Decoding is CPU work: off the async threads.
    let jpeg = tokio::task::spawn_blocking(move || reencode(&upload))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))??;
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let id = membership_id(&mut tx, practice, member).await?;
    let now = backend.now_ms();
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM member_photos WHERE membership_id = $1").bind(id).execute(&mut *c).await?;
        sqlx::query("INSERT INTO member_photos (membership_id, jpeg, updated_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(&jpeg)
            .bind(now)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("member.photo_changed", member.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "photo": format!("{SIDE}×{SIDE} JPEG, {} bytes", jpeg.len()) }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(())
}

/// The stored JPEG of `member`, for anyone on the practice's team.
pub async fn get(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
) -> ServiceResult<Vec<u8>> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let row: Option<(Vec<u8>,)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT p.jpeg FROM member_photos p JOIN memberships m ON m.id = p.membership_id
             WHERE m.practice_id = $1 AND m.account_id = $2",
        )
        .bind(practice)
        .bind(member)
        .fetch_optional(pool)
        .await
    })?;
    row.map(|(jpeg,)| jpeg).ok_or(ServiceError::NotFound)
}
