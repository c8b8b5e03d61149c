//! Everything around the API: security headers, health checks, the built SPA, and
//! problem answers for unknown API paths.
use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, ContentEncoding, Encoding, Header, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// `img-src blob:`: the ticket page previews attached images from bytes it downloaded with the
/// session's token (an `<img src>` to the API cannot send it).
const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI sets inline styles; only its pages get this.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every answer.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let csp = if path.starts_with("/api/docs") {
        DOCS_CSP
    } else {
        APP_CSP
    };
    // A handler's own policy (a download's sandbox) is stricter than the page's; keep it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if path.starts_with("/api/v1") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Liveness: the process answers.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the database answers.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Ready"), (status = 503, description = "Database unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Err(error) => {
            tracing::warn!(%error, "database not ready");
            HttpResponse::ServiceUnavailable().json(json!({"status": "database unreachable"}))
        }
    }
}

/// Unknown paths: a problem under `/api`, else a file of the SPA or its `index.html`
/// (the SPA routes client-side).
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let path = req.path();
    if path.starts_with("/api/") || path == "/api" {
        return Err(ApiError::NotFound.into());
    }
    // The pages and files of the web app are only read.
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish());
    }
    let web_dir = &state.settings.web_dir;
    if let Some(file) = safe_join(web_dir, path).filter(|p| p.is_file()) {
        return Ok(with_cache(serve_file(&req, &file)?, path));
    }
    match serve_file(&req, &web_dir.join("index.html")) {
        Ok(index) => Ok(with_cache(index, "/index.html")),
        Err(_) => Ok(HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("The web app is not built: run scripts/build-frontend.sh (the API is at /api/v1, its docs at /api/docs).")),
    }
}

/// `file`, or the `file.gz` that scripts/build-frontend.sh writes beside it (compressed once,
/// harder than the `Compress` middleware does on the fly) when the client takes gzip. Range
/// requests get the plain file: a range of the compressed bytes would not be one of the file.
fn serve_file(req: &HttpRequest, file: &Path) -> std::io::Result<HttpResponse> {
    let mut gzipped = file.as_os_str().to_owned();
    gzipped.push(".gz");
    let gzipped = PathBuf::from(gzipped);
    let mut response = if accepts_gzip(req) && gzipped.is_file() {
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        NamedFile::open(gzipped)?
            .set_content_type(actix_files::file_extension_to_mime(extension))
            .set_content_encoding(ContentEncoding::Gzip)
            .disable_content_disposition()
            .into_response(req)
    } else {
        NamedFile::open(file)?.into_response(req)
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    if req.headers().contains_key(header::RANGE) {
        return false;
    }
    header::AcceptEncoding::parse(req).is_ok_and(|accepted| {
        accepted.negotiate([Encoding::gzip()].iter()) == Some(Encoding::gzip())
    })
}

/// `base` + the request path, unless the path tries to leave `base`.
fn safe_join(base: &Path, request_path: &str) -> Option<PathBuf> {
    let relative = Path::new(request_path.trim_start_matches('/'));
    if relative.as_os_str().is_empty()
        || !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(base.join(relative))
}

fn with_cache(mut response: HttpResponse, path: &str) -> HttpResponse {
    // index.html must always be fresh; a file whose name carries its content hash never changes.
    let value = if path.ends_with(".html") {
        "no-cache"
    } else if has_content_hash(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// `name-0123456789abcdef.ext`, as scripts/build-frontend.sh names the files it builds.
fn has_content_hash(path: &str) -> bool {
    let stem = path
        .rsplit('/')
        .next()
        .and_then(|name| name.split('.').next())
        .unwrap_or_default();
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_web_dir() {
        let base = Path::new("/srv/dist");
        assert_eq!(
            safe_join(base, "/boot.js"),
            Some(PathBuf::from("/srv/dist/boot.js"))
        );
        assert_eq!(safe_join(base, "/../etc/passwd"), None);
        assert_eq!(safe_join(base, "/a/../../x"), None);
        assert_eq!(safe_join(base, "/"), None);
    }

    #[test]
    fn only_hashed_names_are_cached_for_good() {
        assert!(has_content_hash("/boot-b3dc4fcab1d584fe.js"));
        assert!(has_content_hash(
            "/guichet_frontend_bg-ed57f7cd4f9548f9.wasm"
        ));
        assert!(!has_content_hash("/favicon.svg"));
        assert!(!has_content_hash("/guichet-frontend.js"));
    }
}
