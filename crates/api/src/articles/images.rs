//! Images shown in articles: uploaded by the support team into the attachment store (PNG,
//! JPEG, GIF or WebP by their name), read with the visibility of their article. They are the
//! only images the sanitiser lets an article show.
use actix_multipart::Multipart;
use actix_web::http::header::HeaderMap;
use actix_web::web;
use chrono::{SubsecRound, Utc};
use futures_util::stream::StreamExt;
use guichet_types::{article_image_path, ArticleImage, ArticleImageId, Permission};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::queries::{self, Reader};
use crate::attachments::service::{self as files, content_type_for, display_name};
use crate::attachments::storage::StorageKey;
use crate::auth::SessionUser;
use crate::entities::{article_images, articles};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The types an article image may have.
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

fn resource(article: &articles::Model, row: article_images::Model) -> ArticleImage {
    ArticleImage {
        url: article_image_path(&article.slug, row.id),
        id: row.id,
        file_name: row.file_name,
        content_type: row.content_type,
        size: row.size,
    }
}

fn malformed(error: impl std::fmt::Display) -> ApiError {
    ApiError::field(
        "file",
        "malformed",
        &format!("unreadable multipart body: {error}"),
    )
}

/// The support team: stores the part `file` of a multipart body as an image of the article
/// `slug`. Over the attachment size limit, or of another type, nothing is stored.
pub async fn upload(
    state: &AppState,
    user: &SessionUser,
    slug: &str,
    headers: &HeaderMap,
    payload: web::Payload,
) -> ApiResult<ArticleImage> {
    user.require(Permission::TicketsWork)?;
    let article = queries::find_readable(&state.db, Reader::Staff, slug, false).await?;
    let mut multipart = Multipart::new(headers, payload);
    while let Some(field) = multipart.next().await {
        let field = field.map_err(malformed)?;
        if field.name() != Some("file") {
            continue;
        }
        let file_name = display_name(
            field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default(),
        );
        let content_type = content_type_for(&file_name);
        if !IMAGE_TYPES.contains(&content_type) {
            return Err(ApiError::field(
                "file",
                "not_an_image",
                "a .png, .jpg, .gif or .webp image",
            ));
        }
        let bytes = field.map(|chunk| chunk.map_err(malformed));
        let stored = files::store(state, user.id, &file_name, bytes).await?;
        let row = article_images::ActiveModel {
            article_id: Set(article.id),
            file_name: stored.file_name.clone(),
            content_type: Set(content_type.to_owned()),
            size: stored.size.clone(),
            sha256: stored.sha256.clone(),
            storage_key: stored.storage_key.clone(),
            uploaded_by: Set(Some(user.id)),
            created_at: Set(Utc::now().trunc_subsecs(6)),
            ..Default::default()
        };
        let _turn = state.writes.turn().await;
        return match row.insert(&state.db).await {
            Ok(saved) => Ok(resource(&article, saved)),
            Err(error) => {
                files::forget(&state.storage, &stored).await;
                Err(error.into())
            }
        };
    }
    Err(ApiError::field(
        "file",
        "required",
        "send the image as multipart/form-data, in a part named file",
    ))
}

/// The image `id` of the article `slug`, if `user` (or an anonymous reader) may read the
/// article.
pub async fn visible_image(
    state: &AppState,
    user: Option<&SessionUser>,
    slug: &str,
    id: ArticleImageId,
) -> ApiResult<article_images::Model> {
    let article = queries::find_readable(&state.db, Reader::of(user), slug, false).await?;
    article_images::Entity::find_by_id(id)
        .filter(article_images::Column::ArticleId.eq(article.id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `inline; filename=…`: an image is shown in the page, under its name.
pub fn inline_disposition(file_name: &str) -> String {
    let attachment = files::content_disposition(file_name);
    match attachment.strip_prefix("attachment") {
        Some(rest) => format!("inline{rest}"),
        None => attachment,
    }
}

/// Removes the files of a deleted article's images (their rows went with it).
pub async fn forget_all(state: &AppState, keys: Vec<String>) {
    for key in keys {
        let Some(key) = StorageKey::parse(&key) else {
            continue;
        };
        if let Err(error) = state.storage.delete(&key).await {
            tracing::error!(%error, key = key.as_str(), "orphan article image file");
        }
    }
}
