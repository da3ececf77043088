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
    let _ = signed; // the spec declares no security
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
    let (status, headers, body) = send(&app, request("TRACE", "/pets", None, true)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(headers.contains_key(header::ALLOW));
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn a_body_beyond_the_limit_is_413_in_the_error_shape() {
    let app = fresh();
    let huge = "x".repeat(crate::engine::MAX_BODY + 1);
    let req = request("POST", "/pets", Some(&huge), true);
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

fn pets_seeded() -> web::Data<App> {
    let app = fresh();
    seed(
        &app,
        0,
        "100",
        r#"{"name": "sample-text", "tag": "sample-text", "id": 100}"#,
    );
    app
}

#[actix_web::test]
async fn pets_list_answers_the_stored_items() {
    let app = pets_seeded();
    let (status, _, body) = send(&app, request("GET", "/pets", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn pets_list_refuses_invalid_queries() {
    let app = pets_seeded();
    for query in [
        "?limit=not-a-number",
        "?limit=-2147483649",
        "?limit=2147483648",
    ] {
        let uri = format!("{}{query}", "/pets");
        let (status, headers, body) = send(&app, request("GET", &uri, None, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_error(&app, &headers, &body);
    }
}

#[actix_web::test]
async fn pets_list_filters_by_tags_1() {
    let app = pets_seeded();
    seed(
        &app,
        0,
        "100",
        r#"{"name": "sample-text", "tag": "sample-text", "id": 100}"#,
    );
    seed(
        &app,
        0,
        "other",
        r#"{"name": "sample-text", "tag": "sample-texb", "id": 100}"#,
    );
    let (status, _, body) = send(&app, request("GET", "/pets?tags=sample-text", None, true)).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(items(&body, None).len(), 1, "{body}");
}

#[actix_web::test]
async fn pets_create_stores_a_new_item() {
    let app = pets_seeded();
    let sent = json(r#"{"name": "sample-text", "tag": "sample-text"}"#);
    let req = request("POST", "/pets", Some(&sent.to_string()), true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(app.stores[0].list().len(), 2);
    for (name, value) in sent.as_object().into_iter().flatten() {
        if let Some(answered) = body.get(name) {
            assert_eq!(answered, value, "{name}");
        }
    }
}

#[actix_web::test]
async fn pets_create_refuses_invalid_bodies() {
    let app = pets_seeded();
    let uri = "/pets";
    for (what, sent) in [
        ("not an object", r#"[]"#),
        ("name missing", r#"{"tag": "sample-text"}"#),
        ("name null", r#"{"name": null, "tag": "sample-text"}"#),
        (
            "name of the wrong type",
            r#"{"name": 12345, "tag": "sample-text"}"#,
        ),
        ("tag null", r#"{"name": "sample-text", "tag": null}"#),
        (
            "tag of the wrong type",
            r#"{"name": "sample-text", "tag": 12345}"#,
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
async fn pets_read_answers_the_stored_item() {
    let app = pets_seeded();
    let req = request("GET", "/pets/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = json(r#"{"name": "sample-text", "tag": "sample-text", "id": 100}"#);
    for (name, value) in body.as_object().into_iter().flatten() {
        assert_eq!(stored.get(name), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn pets_read_of_a_missing_item_is_404() {
    let app = pets_seeded();
    let req = request("GET", "/pets/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}

#[actix_web::test]
async fn pets_delete_answers_the_stored_item() {
    let app = pets_seeded();
    let req = request("DELETE", "/pets/100", None, true);
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status.as_u16(), 204, "{body}");
    assert!(app.stores[0].get("100").is_none());
}

#[actix_web::test]
async fn pets_delete_of_a_missing_item_is_404() {
    let app = pets_seeded();
    let req = request("DELETE", "/pets/987654321", None, true);
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&app, &headers, &body);
}
