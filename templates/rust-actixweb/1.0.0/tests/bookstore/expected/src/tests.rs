//! Integration tests of every operation through the actix-web service (`actix_web::test`).

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test, web};
use serde_json::Value;

use crate::engine::App;
use crate::{port, service, state};

/// The one credential the tests' service accepts.
const TOKEN: &str = "test-token";

fn fresh() -> web::Data<App> {
    state(vec![TOKEN.to_string()])
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("test data is JSON")
}

fn seed(app: &web::Data<App>, resource: usize, key: &str, item: &str) {
    app.stores[resource]
        .put(key, json(item))
        .expect("the seeded item is one of the resource's type");
}

fn request(method: &str, uri: &str, body: Option<&str>, signed: bool) -> test::TestRequest {
    let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let mut req = test::TestRequest::default().method(method).uri(uri);
    if signed {
        req = req.insert_header(("Authorization", "Bearer ".to_string() + TOKEN));
    }
    if let Some(body) = body {
        req = req
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body.to_string());
    }
    req
}

/// The status, headers and JSON body (null when empty) the service answers `req` with.
async fn send(
    app: &web::Data<App>,
    req: test::TestRequest,
) -> (StatusCode, header::HeaderMap, Value) {
    let service = test::init_service(service(app.clone())).await;
    let res = test::call_service(&service, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).expect("a JSON answer")
    };
    (status, headers, value)
}

/// Asserts `value` is an error in the spec's shape, answered as its media type.
fn assert_error(app: &web::Data<App>, headers: &header::HeaderMap, value: &Value) {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    assert_eq!(media_type, Some(app.api.error.media_type.as_str()));
    for (name, _) in &app.api.error.fields {
        assert!(
            value.get(name).is_some(),
            "the error {value} has no field {name}"
        );
    }
}

/// The items of a list answer: the answer itself or its page's items.
fn items(value: &Value, page_items: Option<&str>) -> Vec<Value> {
    let list = match page_items {
        Some(field) => value.get(field),
        None => Some(value),
    };
    list.and_then(Value::as_array).cloned().unwrap_or_default()
}

#[actix_web::test]
async fn an_unknown_path_is_404_in_the_error_shape() {
    let app = fresh();
    let (status, headers, body) = send(&app, request("GET", "/no/such/path", None, true)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn an_unserved_method_is_405_with_allow() {
    let app = fresh();
    let (status, headers, body) = send(&app, request("TRACE", "/books", None, true)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(headers.contains_key(header::ALLOW));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn a_body_beyond_the_limit_is_413_in_the_error_shape() {
    let app = fresh();
    let huge = "x".repeat(crate::engine::MAX_BODY + 1);
    let req = request("POST", "/books", Some(&huge), true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn the_port_comes_from_its_variable() {
    assert_eq!(port(Some("9123".to_string())), 9123);
    assert_eq!(port(Some("none".to_string())), 8000);
    assert_eq!(port(None), 8000);
}

fn books_seeded() -> web::Data<App> {
    let app = fresh();
    seed(
        &app,
        0,
        "00000000-0000-4000-8000-0000000000a1",
        r#"{"title": "sample-text", "authorId": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"], "createdAt": "2026-01-15T09:30:00Z", "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    app
}

#[actix_web::test]
async fn books_list_answers_the_stored_items() {
    let app = books_seeded();
    let (status, _, body) = send(&app, request("GET", "/books", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, Some("items")).len(), 1, "{body}");
}

#[actix_web::test]
async fn books_list_refuses_invalid_queries() {
    let app = books_seeded();
    for query in [
        "?limit=not-a-number",
        "?limit=0",
        "?limit=101",
        "?offset=not-a-number",
        "?offset=-1",
    ] {
        let uri = format!("{}{query}", "/books");
        let (status, headers, body) = send(&app, request("GET", &uri, None, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_error(&app, &headers, &body);
    }
}

#[actix_web::test]
async fn books_list_filters_by_genre_1() {
    let app = books_seeded();
    seed(
        &app,
        0,
        "00000000-0000-4000-8000-0000000000a1",
        r#"{"title": "sample-text", "authorId": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"], "createdAt": "2026-01-15T09:30:00Z", "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    seed(
        &app,
        0,
        "other",
        r#"{"title": "sample-text", "authorId": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "genre": "non-fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"], "createdAt": "2026-01-15T09:30:00Z", "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    let (status, _, body) = send(&app, request("GET", "/books?genre=fiction", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, Some("items")).len(), 1, "{body}");
}

#[actix_web::test]
async fn books_list_needs_credentials() {
    let app = books_seeded();
    let uri = "/books";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_create_stores_a_new_item() {
    let app = books_seeded();
    let sent = json(
        r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
    );
    let req = request("POST", "/books", Some(&sent.to_string()), true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 201, "{body}");
    assert_eq!(app.stores[0].list().len(), 2);
    for (name, value) in sent.as_object().into_iter().flatten() {
        if let Some(answered) = body.get(name) {
            assert_eq!(answered, value, "{name}");
        }
    }
}

#[actix_web::test]
async fn books_create_refuses_invalid_bodies() {
    let app = books_seeded();
    let uri = "/books";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        (
            "title missing",
            r#"{"authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title null",
            r#"{"title": null, "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title of the wrong type",
            r#"{"title": 12345, "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title too short",
            r#"{"title": "", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title too long",
            r#"{"title": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId missing",
            r#"{"title": "sample-text", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId null",
            r#"{"title": "sample-text", "authorId": null, "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId of the wrong type",
            r#"{"title": "sample-text", "authorId": 12345, "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId of the wrong form",
            r#"{"title": "sample-text", "authorId": "not valid", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre missing",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": null, "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": 12345, "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre not of its enum",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "not-one-of-them", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": null, "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": 12345, "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn of the wrong form",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "not valid", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": null, "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": 12345, "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn of the wrong form",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "not valid", "tags": ["sample-text"]}"#,
        ),
        (
            "tags null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": null}"#,
        ),
        (
            "tags of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": "wrong"}"#,
        ),
    ] {
        let (status, headers, body) = send(&app, request("POST", uri, Some(sent), true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_error(&app, &headers, &body);
    }
    let (status, headers, body) = send(&app, request("POST", uri, Some("{not json"), true)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_create_needs_credentials() {
    let app = books_seeded();
    let uri = "/books";
    let (status, headers, body) = send(&app, request("POST", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_read_answers_the_stored_item() {
    let app = books_seeded();
    let req = request(
        "GET",
        "/books/00000000-0000-4000-8000-0000000000a1",
        None,
        true,
    );
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = json(
        r#"{"title": "sample-text", "authorId": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"], "createdAt": "2026-01-15T09:30:00Z", "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    for (name, value) in body.as_object().into_iter().flatten() {
        assert_eq!(stored.get(name), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn books_read_of_a_missing_item_is_404() {
    let app = books_seeded();
    let req = request(
        "GET",
        "/books/00000000-0000-4000-8000-000000000000",
        None,
        true,
    );
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_read_needs_credentials() {
    let app = books_seeded();
    let uri = "/books/00000000-0000-4000-8000-0000000000a1";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_replace_refuses_invalid_bodies() {
    let app = books_seeded();
    let uri = "/books/00000000-0000-4000-8000-0000000000a1";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        (
            "title missing",
            r#"{"authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title null",
            r#"{"title": null, "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title of the wrong type",
            r#"{"title": 12345, "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title too short",
            r#"{"title": "", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "title too long",
            r#"{"title": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId missing",
            r#"{"title": "sample-text", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId null",
            r#"{"title": "sample-text", "authorId": null, "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId of the wrong type",
            r#"{"title": "sample-text", "authorId": 12345, "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "authorId of the wrong form",
            r#"{"title": "sample-text", "authorId": "not valid", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre missing",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": null, "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": 12345, "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "genre not of its enum",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "not-one-of-them", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": null, "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": 12345, "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "isbn of the wrong form",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "not valid", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": null, "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": 12345, "tags": ["sample-text"]}"#,
        ),
        (
            "publishedOn of the wrong form",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "not valid", "tags": ["sample-text"]}"#,
        ),
        (
            "tags null",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": null}"#,
        ),
        (
            "tags of the wrong type",
            r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": "wrong"}"#,
        ),
    ] {
        let (status, headers, body) = send(&app, request("PUT", uri, Some(sent), true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_error(&app, &headers, &body);
    }
    let (status, headers, body) = send(&app, request("PUT", uri, Some("{not json"), true)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_replace_answers_the_stored_item() {
    let app = books_seeded();
    let sent = json(
        r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#,
    );
    let req = request(
        "PUT",
        "/books/00000000-0000-4000-8000-0000000000a1",
        Some(&sent.to_string()),
        true,
    );
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    for (name, value) in sent.as_object().into_iter().flatten() {
        if let Some(answered) = body.get(name) {
            assert_eq!(answered, value, "{name}");
        }
    }
}

#[actix_web::test]
async fn books_replace_of_a_missing_item_is_404() {
    let app = books_seeded();
    let sent = r#"{"title": "sample-text", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction", "isbn": "7777777777777", "publishedOn": "2026-01-15", "tags": ["sample-text"]}"#;
    let req = request(
        "PUT",
        "/books/00000000-0000-4000-8000-000000000000",
        Some(sent),
        true,
    );
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_replace_needs_credentials() {
    let app = books_seeded();
    let uri = "/books/00000000-0000-4000-8000-0000000000a1";
    let (status, headers, body) = send(&app, request("PUT", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_delete_answers_the_stored_item() {
    let app = books_seeded();
    let req = request(
        "DELETE",
        "/books/00000000-0000-4000-8000-0000000000a1",
        None,
        true,
    );
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 204, "{body}");
    assert!(app.stores[0]
        .get("00000000-0000-4000-8000-0000000000a1")
        .is_none());
}

#[actix_web::test]
async fn books_delete_of_a_missing_item_is_404() {
    let app = books_seeded();
    let req = request(
        "DELETE",
        "/books/00000000-0000-4000-8000-000000000000",
        None,
        true,
    );
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_delete_needs_credentials() {
    let app = books_seeded();
    let uri = "/books/00000000-0000-4000-8000-0000000000a1";
    let (status, headers, body) = send(&app, request("DELETE", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

fn authors_seeded() -> web::Data<App> {
    let app = fresh();
    seed(
        &app,
        1,
        "00000000-0000-4000-8000-0000000000a1",
        r#"{"name": "sample-text", "email": "ada@example.com", "born": 1, "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    app
}

#[actix_web::test]
async fn authors_list_answers_the_stored_items() {
    let app = authors_seeded();
    let (status, _, body) = send(&app, request("GET", "/authors", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn authors_list_needs_credentials() {
    let app = authors_seeded();
    let uri = "/authors";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn authors_create_stores_a_new_item() {
    let app = authors_seeded();
    let sent = json(r#"{"name": "sample-text", "email": "ada@example.com", "born": 1}"#);
    let req = request("POST", "/authors", Some(&sent.to_string()), true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 201, "{body}");
    assert_eq!(app.stores[1].list().len(), 2);
    for (name, value) in sent.as_object().into_iter().flatten() {
        if let Some(answered) = body.get(name) {
            assert_eq!(answered, value, "{name}");
        }
    }
}

#[actix_web::test]
async fn authors_create_refuses_invalid_bodies() {
    let app = authors_seeded();
    let uri = "/authors";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        ("name missing", r#"{"email": "ada@example.com", "born": 1}"#),
        (
            "name null",
            r#"{"name": null, "email": "ada@example.com", "born": 1}"#,
        ),
        (
            "name of the wrong type",
            r#"{"name": 12345, "email": "ada@example.com", "born": 1}"#,
        ),
        (
            "name too short",
            r#"{"name": "", "email": "ada@example.com", "born": 1}"#,
        ),
        (
            "email null",
            r#"{"name": "sample-text", "email": null, "born": 1}"#,
        ),
        (
            "email of the wrong type",
            r#"{"name": "sample-text", "email": 12345, "born": 1}"#,
        ),
        (
            "email of the wrong form",
            r#"{"name": "sample-text", "email": "not valid", "born": 1}"#,
        ),
        (
            "born of the wrong type",
            r#"{"name": "sample-text", "email": "ada@example.com", "born": [["wrong"]]}"#,
        ),
        (
            "born below its minimum",
            r#"{"name": "sample-text", "email": "ada@example.com", "born": -1}"#,
        ),
    ] {
        let (status, headers, body) = send(&app, request("POST", uri, Some(sent), true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_error(&app, &headers, &body);
    }
    let (status, headers, body) = send(&app, request("POST", uri, Some("{not json"), true)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn authors_create_needs_credentials() {
    let app = authors_seeded();
    let uri = "/authors";
    let (status, headers, body) = send(&app, request("POST", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn authors_read_answers_the_stored_item() {
    let app = authors_seeded();
    let req = request(
        "GET",
        "/authors/00000000-0000-4000-8000-0000000000a1",
        None,
        true,
    );
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = json(
        r#"{"name": "sample-text", "email": "ada@example.com", "born": 1, "id": "00000000-0000-4000-8000-0000000000a1"}"#,
    );
    for (name, value) in body.as_object().into_iter().flatten() {
        assert_eq!(stored.get(name), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn authors_read_of_a_missing_item_is_404() {
    let app = authors_seeded();
    let req = request(
        "GET",
        "/authors/00000000-0000-4000-8000-000000000000",
        None,
        true,
    );
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn authors_read_needs_credentials() {
    let app = authors_seeded();
    let uri = "/authors/00000000-0000-4000-8000-0000000000a1";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}
