//! Library 2.0.0: the service Specloom's rust-actixweb pack made of its
//! OpenAPI description. It serves on `$PORT` (default 8000).
#![forbid(unsafe_code)]

mod engine;
mod extensions;
mod models;
#[cfg(test)]
mod tests;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, HttpServer};

/// The environment variable holding the accepted credentials, comma-separated; with none set every
/// secured request is refused.
pub const AUTH_ENV: &str = "LIBRARY_API_TOKENS";

/// What the service answers: routes, request rules, paging and the error shape, from the spec.
const API: &str = include_str!("api.json");

/// The shared state of a service accepting `tokens`, with empty storage: a typed in-memory store per resource.
pub fn state(tokens: Vec<String>) -> web::Data<engine::App> {
    let api: engine::Api = serde_json::from_str(API).expect("src/api.json describes the API");
    let first = |resource: usize| api.resources[resource].first_id;
    let stores = vec![
        engine::typed::<models::Shelf, _>(engine::MemoryStore::starting_at(first(0))),
        engine::typed::<models::Book, _>(engine::MemoryStore::starting_at(first(1))),
    ];
    web::Data::new(engine::App::new(api, tokens, stores))
}

/// The actix-web application over `state`: every route, and every error in the spec's error shape.
pub fn service(
    state: web::Data<engine::App>,
) -> actix_web::App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<EitherBody<BoxBody>>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let media_type = state.api.error.media_type.clone();
    let routes = state.clone();
    actix_web::App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(engine::MAX_BODY))
        .wrap(engine::error_shape(media_type))
        .configure(|config| extensions::configure(&routes, config))
        .configure(move |config| engine::configure(&routes, config))
}

/// The port `$PORT` names, 8000 when it names none.
pub fn port(value: Option<String>) -> u16 {
    value.and_then(|p| p.parse().ok()).unwrap_or(8000)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let state = state(engine::tokens_from(
        &std::env::var(AUTH_ENV).unwrap_or_default(),
    ));
    HttpServer::new(move || service(state.clone()))
        .bind(("0.0.0.0", port(std::env::var("PORT").ok())))?
        .run()
        .await
}
