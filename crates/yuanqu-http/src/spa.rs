//! The web UI, embedded from `web/dist` at compile time; unknown non-API paths get index.html
//! so the client router can take them.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist"]
struct Dist;

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::error::ApiError::not_found().into_response();
    }
    let (file, name) = match Dist::get(path) {
        Some(f) if !path.is_empty() => (f, path),
        _ => match Dist::get("index.html") {
            Some(f) => (f, "index.html"),
            None => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The web UI was not built into this binary: run `cargo xtask run` (it builds web/ first).",
                )
                    .into_response();
            }
        },
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let cache = if name.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    ([(header::CONTENT_TYPE, mime.as_ref().to_owned()), (header::CACHE_CONTROL, cache.to_owned())], file.data)
        .into_response()
}
