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
        req = req.insert_header(("X-API-Key", "".to_string() + TOKEN));
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
    let (status, headers, body) = send(&app, request("TRACE", "/shelves", None, true)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(headers.contains_key(header::ALLOW));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn a_body_beyond_the_limit_is_413_in_the_error_shape() {
    let app = fresh();
    let huge = "x".repeat(crate::engine::MAX_BODY + 1);
    let req = request("POST", "/shelves", Some(&huge), true);
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

fn shelves_seeded() -> web::Data<App> {
    let app = fresh();
    seed(
        &app,
        0,
        "100",
        r#"{"label": "sample-text", "floor": 1, "id": 100}"#,
    );
    app
}

#[actix_web::test]
async fn shelves_list_answers_the_stored_items() {
    let app = shelves_seeded();
    let (status, _, body) = send(&app, request("GET", "/shelves", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn shelves_list_refuses_invalid_queries() {
    let app = shelves_seeded();
    for query in [
        "?limit=not-a-number",
        "?limit=0",
        "?limit=51",
        "?offset=not-a-number",
        "?offset=-1",
    ] {
        let uri = format!("{}{query}", "/shelves");
        let (status, headers, body) = send(&app, request("GET", &uri, None, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_error(&app, &headers, &body);
    }
}

#[actix_web::test]
async fn shelves_list_needs_credentials() {
    let app = shelves_seeded();
    let uri = "/shelves";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_create_stores_a_new_item() {
    let app = shelves_seeded();
    let sent = json(r#"{"label": "sample-text", "floor": 1}"#);
    let req = request("POST", "/shelves", Some(&sent.to_string()), true);
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
async fn shelves_create_refuses_invalid_bodies() {
    let app = shelves_seeded();
    let uri = "/shelves";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        ("label missing", r#"{"floor": 1}"#),
        ("label null", r#"{"label": null, "floor": 1}"#),
        ("label of the wrong type", r#"{"label": 12345, "floor": 1}"#),
        ("label too short", r#"{"label": "", "floor": 1}"#),
        (
            "label too long",
            r#"{"label": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "floor": 1}"#,
        ),
        (
            "floor of the wrong type",
            r#"{"label": "sample-text", "floor": [["wrong"]]}"#,
        ),
        (
            "floor below its minimum",
            r#"{"label": "sample-text", "floor": -1}"#,
        ),
        (
            "floor above its maximum",
            r#"{"label": "sample-text", "floor": 10}"#,
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
async fn shelves_create_needs_credentials() {
    let app = shelves_seeded();
    let uri = "/shelves";
    let (status, headers, body) = send(&app, request("POST", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_read_answers_the_stored_item() {
    let app = shelves_seeded();
    let req = request("GET", "/shelves/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = json(r#"{"label": "sample-text", "floor": 1, "id": 100}"#);
    for (name, value) in body.as_object().into_iter().flatten() {
        assert_eq!(stored.get(name), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn shelves_read_of_a_missing_item_is_404() {
    let app = shelves_seeded();
    let req = request("GET", "/shelves/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_read_needs_credentials() {
    let app = shelves_seeded();
    let uri = "/shelves/100";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_delete_answers_the_stored_item() {
    let app = shelves_seeded();
    let req = request("DELETE", "/shelves/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 204, "{body}");
    assert!(app.stores[0].get("100").is_none());
}

#[actix_web::test]
async fn shelves_delete_of_a_missing_item_is_404() {
    let app = shelves_seeded();
    let req = request("DELETE", "/shelves/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_delete_needs_credentials() {
    let app = shelves_seeded();
    let uri = "/shelves/100";
    let (status, headers, body) = send(&app, request("DELETE", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_update_refuses_invalid_bodies() {
    let app = shelves_seeded();
    let uri = "/shelves/100";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        ("label null", r#"{"label": null, "floor": 1}"#),
        ("label of the wrong type", r#"{"label": 12345, "floor": 1}"#),
        ("label too short", r#"{"label": "", "floor": 1}"#),
        (
            "label too long",
            r#"{"label": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "floor": 1}"#,
        ),
        (
            "floor of the wrong type",
            r#"{"label": "sample-text", "floor": [["wrong"]]}"#,
        ),
        (
            "floor below its minimum",
            r#"{"label": "sample-text", "floor": -1}"#,
        ),
        (
            "floor above its maximum",
            r#"{"label": "sample-text", "floor": 10}"#,
        ),
    ] {
        let (status, headers, body) = send(&app, request("PATCH", uri, Some(sent), true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_error(&app, &headers, &body);
    }
    let (status, headers, body) = send(&app, request("PATCH", uri, Some("{not json"), true)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_update_answers_the_stored_item() {
    let app = shelves_seeded();
    let sent = json(r#"{"label": "sample-texb", "floor": 1}"#);
    let req = request("PATCH", "/shelves/100", Some(&sent.to_string()), true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    for (name, value) in sent.as_object().into_iter().flatten() {
        if let Some(answered) = body.get(name) {
            assert_eq!(answered, value, "{name}");
        }
    }
}

#[actix_web::test]
async fn shelves_update_of_a_missing_item_is_404() {
    let app = shelves_seeded();
    let sent = r#"{"label": "sample-texb", "floor": 1}"#;
    let req = request("PATCH", "/shelves/987654321", Some(sent), true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn shelves_update_needs_credentials() {
    let app = shelves_seeded();
    let uri = "/shelves/100";
    let (status, headers, body) = send(&app, request("PATCH", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

fn books_seeded() -> web::Data<App> {
    let app = fresh();
    seed(
        &app,
        0,
        "1",
        r#"{"label": "sample-text", "floor": 1, "id": 1}"#,
    );
    seed(
        &app,
        1,
        "100",
        r#"{"title": "sample-text", "language": "en", "pages": 1, "addedAt": "2026-01-15T09:30:00Z", "id": 100, "shelfId": 1}"#,
    );
    app
}

#[actix_web::test]
async fn books_list_answers_the_stored_items() {
    let app = books_seeded();
    let (status, _, body) = send(&app, request("GET", "/shelves/1/books", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn books_list_filters_by_language_1() {
    let app = books_seeded();
    seed(
        &app,
        1,
        "100",
        r#"{"title": "sample-text", "language": "en", "pages": 1, "addedAt": "2026-01-15T09:30:00Z", "id": 100, "shelfId": 1}"#,
    );
    seed(
        &app,
        1,
        "other",
        r#"{"title": "sample-text", "language": "fr", "pages": 1, "addedAt": "2026-01-15T09:30:00Z", "id": 100, "shelfId": 1}"#,
    );
    let (status, _, body) = send(
        &app,
        request("GET", "/shelves/1/books?language=en", None, true),
    )
    .await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn books_list_of_a_missing_parent_is_404() {
    let app = books_seeded();
    let (status, headers, body) =
        send(&app, request("GET", "/shelves/987654321/books", None, true)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_list_needs_credentials() {
    let app = books_seeded();
    let uri = "/shelves/1/books";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_create_stores_a_new_item() {
    let app = books_seeded();
    let sent = json(r#"{"title": "sample-text", "language": "en", "pages": 100}"#);
    let req = request("POST", "/shelves/1/books", Some(&sent.to_string()), true);
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
async fn books_create_refuses_invalid_bodies() {
    let app = books_seeded();
    let uri = "/shelves/1/books";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        ("title missing", r#"{"language": "en", "pages": 100}"#),
        (
            "title null",
            r#"{"title": null, "language": "en", "pages": 100}"#,
        ),
        (
            "title of the wrong type",
            r#"{"title": 12345, "language": "en", "pages": 100}"#,
        ),
        (
            "title too short",
            r#"{"title": "", "language": "en", "pages": 100}"#,
        ),
        (
            "language missing",
            r#"{"title": "sample-text", "pages": 100}"#,
        ),
        (
            "language null",
            r#"{"title": "sample-text", "language": null, "pages": 100}"#,
        ),
        (
            "language of the wrong type",
            r#"{"title": "sample-text", "language": 12345, "pages": 100}"#,
        ),
        (
            "language not of its enum",
            r#"{"title": "sample-text", "language": "not-one-of-them", "pages": 100}"#,
        ),
        (
            "pages null",
            r#"{"title": "sample-text", "language": "en", "pages": null}"#,
        ),
        (
            "pages of the wrong type",
            r#"{"title": "sample-text", "language": "en", "pages": [["wrong"]]}"#,
        ),
        (
            "pages below its minimum",
            r#"{"title": "sample-text", "language": "en", "pages": 0}"#,
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
    let uri = "/shelves/1/books";
    let (status, headers, body) = send(&app, request("POST", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_read_answers_the_stored_item() {
    let app = books_seeded();
    let req = request("GET", "/shelves/1/books/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = json(
        r#"{"title": "sample-text", "language": "en", "pages": 1, "addedAt": "2026-01-15T09:30:00Z", "id": 100, "shelfId": 1}"#,
    );
    for (name, value) in body.as_object().into_iter().flatten() {
        assert_eq!(stored.get(name), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn books_read_of_a_missing_item_is_404() {
    let app = books_seeded();
    let req = request("GET", "/shelves/1/books/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_read_needs_credentials() {
    let app = books_seeded();
    let uri = "/shelves/1/books/100";
    let (status, headers, body) = send(&app, request("GET", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_delete_answers_the_stored_item() {
    let app = books_seeded();
    let req = request("DELETE", "/shelves/1/books/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 204, "{body}");
    assert!(app.stores[1].get("100").is_none());
}

#[actix_web::test]
async fn books_delete_of_a_missing_item_is_404() {
    let app = books_seeded();
    let req = request("DELETE", "/shelves/1/books/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn books_delete_needs_credentials() {
    let app = books_seeded();
    let uri = "/shelves/1/books/100";
    let (status, headers, body) = send(&app, request("DELETE", uri, None, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_error(&app, &headers, &body);
}
