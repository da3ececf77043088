//! The service's machinery, the same for every spec: it answers the operations `src/api.json` describes
//! (routes, request rules, paging, filters, security), keeps items in a `Repository` and answers every
//! error in the spec's error shape.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse};
use regex::Regex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most a request body may hold (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

#[derive(Debug, Deserialize)]
pub struct Api {
    pub error: ErrorShape,
    pub security: Option<Scheme>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorShape {
    pub media_type: String,
    /// Each field of the error body and what it holds: "$status", "$code", "$message" or a fixed value.
    pub fields: Vec<(String, Value)>,
}

#[derive(Debug, Deserialize)]
pub struct Scheme {
    pub kind: String,
    pub location: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Resource {
    pub singular: String,
    pub key_kind: String,
    pub id_field: Option<String>,
    pub client_key: bool,
    pub first_id: i64,
    pub parent: Option<usize>,
    pub parent_field: Option<String>,
    pub fills: Vec<Fill>,
    pub kept: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Deserialize)]
pub struct Fill {
    pub field: String,
    /// "now" (a date-time), "today" (a date), "uuid" or "value".
    pub kind: String,
    pub value: Value,
}

#[derive(Debug, Deserialize)]
pub struct Route {
    pub kind: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub secured: bool,
    pub body: Option<Model>,
    pub body_optional: bool,
    pub shows: Option<Vec<String>>,
    pub query: Vec<QueryParam>,
    pub page: Option<Page>,
}

#[derive(Debug, Deserialize)]
pub struct Page {
    pub items: String,
    /// What the page says of itself: its fields and their roles (total, page, page_size).
    pub fields: Vec<(String, String)>,
    /// Fields its schema requires that say nothing the service knows, with a valid value.
    pub fixed: Vec<(String, Value)>,
    pub base: i64,
}

#[derive(Debug, Deserialize)]
pub struct Model {
    pub fields: Vec<FieldRule>,
    pub forbid_unknown: bool,
}

#[derive(Debug, Deserialize)]
pub struct FieldRule {
    pub name: String,
    pub required: bool,
    pub read_only: bool,
    pub rule: Rule,
    /// The schema's default, stored when a create or replace leaves the field out.
    pub default: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Rule {
    pub types: Vec<String>,
    pub nullable: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub enumeration: Option<Vec<Value>>,
    pub format: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
    pub items: Option<Box<Rule>>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub object: Option<Model>,
    /// The rule of an object's fields its properties do not name (a schema's additionalProperties).
    pub values: Option<Box<Rule>>,
}

#[derive(Debug, Deserialize)]
pub struct QueryParam {
    pub name: String,
    pub required: bool,
    pub default: Option<Value>,
    pub rule: Rule,
    /// What it does to a list: offset, limit, page, page_size, filter, search, sort, order; None: nothing.
    pub role: Option<String>,
    pub field: Option<String>,
    /// How a filter compares the item's field with the value: "=", "in", ">=", "<=", ">", "<".
    pub compare: String,
    pub fields: Vec<String>,
}

/// Stores the items of one resource by key as `T`, the struct `src/models.rs` makes of the resource's schema, in the
/// order they were first stored. Implement it to keep the items elsewhere (a database) and pass it to `App::new`.
pub trait Store<T>: Send + Sync {
    fn list(&self) -> Vec<T>;
    fn get(&self, key: &str) -> Option<T>;
    fn put(&self, key: &str, item: T);
    fn delete(&self, key: &str) -> bool;
    fn next_id(&self) -> i64;
}

/// A `Store` in memory, safe for concurrent requests.
pub struct MemoryStore<T> {
    items: RwLock<(Vec<String>, HashMap<String, T>)>,
    last: RwLock<i64>,
}

impl<T> MemoryStore<T> {
    pub fn starting_at(first: i64) -> Self {
        Self {
            items: RwLock::new((Vec::new(), HashMap::new())),
            last: RwLock::new(first - 1),
        }
    }
}

impl<T: Clone + Send + Sync> Store<T> for MemoryStore<T> {
    fn list(&self) -> Vec<T> {
        let guard = self.items.read().unwrap_or_else(PoisonError::into_inner);
        guard
            .0
            .iter()
            .filter_map(|k| guard.1.get(k).cloned())
            .collect()
    }

    fn get(&self, key: &str) -> Option<T> {
        let guard = self.items.read().unwrap_or_else(PoisonError::into_inner);
        guard.1.get(key).cloned()
    }

    fn put(&self, key: &str, item: T) {
        let mut guard = self.items.write().unwrap_or_else(PoisonError::into_inner);
        if guard.1.insert(key.to_string(), item).is_none() {
            guard.0.push(key.to_string());
        }
    }

    fn delete(&self, key: &str) -> bool {
        let mut guard = self.items.write().unwrap_or_else(PoisonError::into_inner);
        guard.0.retain(|k| k != key);
        guard.1.remove(key).is_some()
    }

    fn next_id(&self) -> i64 {
        let mut last = self.last.write().unwrap_or_else(PoisonError::into_inner);
        *last += 1;
        *last
    }
}

/// A resource's `Store` as the handlers see it: items as JSON, each read into the typed item when stored.
pub trait Repository: Send + Sync {
    fn list(&self) -> Vec<Value>;
    fn get(&self, key: &str) -> Option<Value>;
    /// Stores `item` as the typed item and gives it back as that item answers; why it is no such item otherwise.
    fn put(&self, key: &str, item: Value) -> Result<Value, String>;
    fn delete(&self, key: &str) -> bool;
    fn next_id(&self) -> i64;
}

/// The `Repository` of a `Store<T>`.
pub struct Typed<T, S>(S, PhantomData<fn() -> T>);

/// The repository of items of type `T` kept in `store`.
pub fn typed<T, S>(store: S) -> Box<dyn Repository>
where
    T: Serialize + DeserializeOwned + 'static,
    S: Store<T> + 'static,
{
    Box::new(Typed(store, PhantomData))
}

fn as_json<T: Serialize>(item: &T) -> Value {
    // The models hold JSON values only (no map with non-string keys): serializing cannot fail.
    serde_json::to_value(item).unwrap_or_default()
}

impl<T: Serialize + DeserializeOwned, S: Store<T>> Repository for Typed<T, S> {
    fn list(&self) -> Vec<Value> {
        self.0.list().iter().map(as_json).collect()
    }

    fn get(&self, key: &str) -> Option<Value> {
        self.0.get(key).as_ref().map(as_json)
    }

    fn put(&self, key: &str, item: Value) -> Result<Value, String> {
        let typed: T = serde_json::from_value(item).map_err(|e| e.to_string())?;
        let shown = as_json(&typed);
        self.0.put(key, typed);
        Ok(shown)
    }

    fn delete(&self, key: &str) -> bool {
        self.0.delete(key)
    }

    fn next_id(&self) -> i64 {
        self.0.next_id()
    }
}

/// What every request handler shares: the description, its compiled patterns, the storage and credentials.
pub struct App {
    pub api: Api,
    pub patterns: HashMap<String, Option<Regex>>,
    pub stores: Vec<Box<dyn Repository>>,
    pub tokens: Vec<String>,
}

impl App {
    /// The state serving `api` with one repository per resource, in the description's order.
    pub fn new(api: Api, tokens: Vec<String>, stores: Vec<Box<dyn Repository>>) -> Self {
        let mut patterns = HashMap::new();
        for resource in &api.resources {
            for route in &resource.routes {
                for q in &route.query {
                    collect_patterns(&q.rule, &mut patterns);
                }
                for f in route.body.iter().flat_map(|m| &m.fields) {
                    collect_patterns(&f.rule, &mut patterns);
                }
            }
        }
        Self {
            api,
            patterns,
            stores,
            tokens,
        }
    }
}

fn collect_patterns(rule: &Rule, out: &mut HashMap<String, Option<Regex>>) {
    if let Some(p) = &rule.pattern {
        out.entry(p.clone()).or_insert_with(|| Regex::new(p).ok());
    }
    if let Some(items) = &rule.items {
        collect_patterns(items, out);
    }
    for f in rule.object.iter().flat_map(|m| &m.fields) {
        collect_patterns(&f.rule, out);
    }
    if let Some(values) = &rule.values {
        collect_patterns(values, out);
    }
}

/// The credentials a comma-separated list names.
pub fn tokens_from(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// Registers every route of the description on `config`; other requests get 404 or 405 in the error shape.
pub fn configure(app: &web::Data<App>, config: &mut web::ServiceConfig) {
    let mut paths: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (r, resource) in app.api.resources.iter().enumerate() {
        for (i, route) in resource.routes.iter().enumerate() {
            match paths.iter_mut().find(|(p, _)| *p == route.path) {
                Some((_, routes)) => routes.push((r, i)),
                None => paths.push((route.path.clone(), vec![(r, i)])),
            }
        }
    }
    for (path, routes) in paths {
        let mut resource = web::resource(path.as_str());
        let mut allowed = Vec::new();
        for (r, i) in routes {
            let method = app.api.resources[r].routes[i].method.to_uppercase();
            allowed.push(method.clone());
            let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
            resource = resource.route(web::method(method).to(
                move |req: HttpRequest, body: web::Bytes, app: web::Data<App>| async move {
                    handle(&app, r, i, &req, &body)
                },
            ));
        }
        let allow = allowed.join(", ");
        resource = resource.default_service(web::to(move |app: web::Data<App>| {
            let allow = allow.clone();
            async move {
                let mut answer = error(&app.api, 405, "method_not_allowed", "Method Not Allowed");
                if let Ok(value) = header::HeaderValue::from_str(&allow) {
                    answer.headers_mut().insert(header::ALLOW, value);
                }
                answer
            }
        }));
        config.service(resource);
    }
    config.default_service(web::to(|app: web::Data<App>| async move {
        error(&app.api, 404, "not_found", "Not Found")
    }));
}

/// Answers any error response actix makes itself (an unreadable or too large body…) in the error shape.
pub fn error_shape(media_type: String) -> ErrorHandlers<BoxBody> {
    ErrorHandlers::new().default_handler(move |res: ServiceResponse<BoxBody>| {
        let ours = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == media_type.as_bytes());
        if ours {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let (req, _) = res.into_parts();
        let answer = match req.app_data::<web::Data<App>>() {
            Some(app) => error(
                &app.api,
                status.as_u16(),
                "request_error",
                status.canonical_reason().unwrap_or("Error"),
            ),
            None => HttpResponse::build(status).finish(),
        };
        let answer: ServiceResponse<EitherBody<BoxBody>> =
            ServiceResponse::new(req, answer).map_into_right_body();
        Ok(ErrorHandlerResponse::Response(answer))
    })
}

/// An error answer in the spec's error shape.
pub fn error(api: &Api, status: u16, code: &str, message: &str) -> HttpResponse {
    let mut body = Map::new();
    for (name, value) in &api.error.fields {
        let value = match value.as_str() {
            Some("$status") => Value::from(status),
            Some("$code") => Value::from(code),
            Some("$message") => Value::from(message),
            _ => value.clone(),
        };
        body.insert(name.clone(), value);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(api.error.media_type.as_str())
        .body(Value::Object(body).to_string())
}

fn invalid(api: &Api, message: &str) -> HttpResponse {
    error(api, 422, "invalid_request", message)
}

fn json(status: u16, value: &Value) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    HttpResponse::build(status)
        .content_type("application/json")
        .body(value.to_string())
}

fn handle(app: &App, r: usize, i: usize, req: &HttpRequest, body: &[u8]) -> HttpResponse {
    let api = &app.api;
    let resource = &api.resources[r];
    let route = &resource.routes[i];
    if route.secured && !authorized(app, req) {
        let mut answer = error(api, 401, "unauthorized", "Missing or invalid credentials.");
        let challenge = api
            .security
            .as_ref()
            .map_or("ApiKey", |s| match s.kind.as_str() {
                "bearer" => "Bearer",
                "basic" => "Basic realm=\"api\"",
                _ => "ApiKey",
            });
        answer.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static(challenge),
        );
        return answer;
    }
    let parent = match resource.parent {
        Some(p) => {
            let key = path_key(&api.resources[p].key_kind, req.match_info().get("parent"));
            if app.stores[p].get(&key).is_none() {
                let what = &api.resources[p].singular;
                return error(
                    api,
                    404,
                    "not_found",
                    &format!("{what} {key} does not exist."),
                );
            }
            Some((key, api.resources[p].key_kind.as_str()))
        }
        None => None,
    };
    let store = &app.stores[r];
    match route.kind.as_str() {
        "list" => list(app, r, route, req, parent.as_ref().map(|(k, _)| k.as_str())),
        "create" => {
            let mut item = match read_body(app, route, body, false) {
                Ok(item) => item,
                Err(Refusal(status, code, message)) => return error(api, status, code, &message),
            };
            let key = match new_key(resource, store.as_ref(), &mut item) {
                Ok(key) => key,
                Err(message) => return error(api, 409, "conflict", &message),
            };
            if let (Some(field), Some((parent_key, kind))) = (&resource.parent_field, &parent) {
                item.insert(field.clone(), key_value(kind, parent_key));
            }
            for fill in &resource.fills {
                item.insert(fill.field.clone(), filled(fill));
            }
            stored(api, route, store.as_ref(), &key, Value::Object(item))
        }
        _ => {
            let key = path_key(&resource.key_kind, req.match_info().get("key"));
            let current = store
                .get(&key)
                .filter(|item| match (&resource.parent_field, &parent) {
                    (Some(field), Some((parent_key, kind))) => {
                        item.get(field) == Some(&key_value(kind, parent_key))
                    }
                    _ => true,
                });
            let Some(mut current) = current else {
                return error(
                    api,
                    404,
                    "not_found",
                    &format!("{} {key} does not exist.", resource.singular),
                );
            };
            match route.kind.as_str() {
                "read" => answer(route, &current),
                "delete" => {
                    store.delete(&key);
                    answer(route, &current)
                }
                kind => {
                    let mut changes = match read_body(app, route, body, kind == "update") {
                        Ok(changes) => changes,
                        Err(Refusal(status, code, message)) => {
                            return error(api, status, code, &message)
                        }
                    };
                    if let Value::Object(fields) = &mut current {
                        if kind == "replace" {
                            let kept = resource
                                .kept
                                .iter()
                                .filter_map(|k| fields.get(k).map(|v| (k.clone(), v.clone())));
                            changes.extend(kept.collect::<Vec<_>>());
                            *fields = changes;
                        } else {
                            fields.extend(changes);
                        }
                    }
                    stored(api, route, store.as_ref(), &key, current)
                }
            }
        }
    }
}

/// Stores `item` and answers with it; 422 where it is no item of the resource's type (a change the body's schema
/// allows and the item's does not).
fn stored(
    api: &Api,
    route: &Route,
    store: &dyn Repository,
    key: &str,
    item: Value,
) -> HttpResponse {
    match store.put(key, item) {
        Ok(item) => answer(route, &item),
        Err(why) => invalid(
            api,
            &format!("the {} would not be valid: {why}", route.kind),
        ),
    }
}

fn answer(route: &Route, item: &Value) -> HttpResponse {
    match &route.shows {
        Some(fields) => json(route.status, &shown(item, fields)),
        None => HttpResponse::build(
            StatusCode::from_u16(route.status).unwrap_or(StatusCode::NO_CONTENT),
        )
        .finish(),
    }
}

/// The fields of `item` an answer shows (write-only ones never are).
fn shown(item: &Value, fields: &[String]) -> Value {
    let mut out = Map::new();
    for name in fields {
        if let Some(value) = item.get(name) {
            out.insert(name.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// The storage key of a key in a path: an integer id is stored in its canonical spelling, a UUID in lower case.
fn path_key(kind: &str, text: Option<&str>) -> String {
    let text = text.unwrap_or_default();
    match kind {
        "int" => text
            .parse::<i64>()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        "uuid" => text.to_lowercase(),
        _ => text.to_string(),
    }
}

fn key_value(kind: &str, key: &str) -> Value {
    match kind {
        "int" => key
            .parse::<i64>()
            .map_or_else(|_| Value::from(key), Value::from),
        _ => Value::from(key),
    }
}

fn new_key(
    resource: &Resource,
    store: &dyn Repository,
    item: &mut Map<String, Value>,
) -> Result<String, String> {
    if resource.client_key {
        let field = resource.id_field.as_deref().unwrap_or("id");
        let key = match item.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        if store.get(&key).is_some() {
            return Err(format!("{} {key} already exists.", resource.singular));
        }
        return Ok(key);
    }
    let (key, value) = if resource.key_kind == "int" {
        let id = store.next_id();
        (id.to_string(), Value::from(id))
    } else {
        let id = new_uuid();
        (id.clone(), Value::from(id))
    };
    if let Some(field) = &resource.id_field {
        item.insert(field.clone(), value);
    }
    Ok(key)
}

fn filled(fill: &Fill) -> Value {
    match fill.kind.as_str() {
        "now" => Value::from(timestamp(now_seconds())),
        "today" => Value::from(timestamp(now_seconds())[..10].to_string()),
        "uuid" => Value::from(new_uuid()),
        _ => fill.value.clone(),
    }
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// RFC 3339 UTC time of a Unix time (days to civil date after Howard Hinnant's algorithm).
pub fn timestamp(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

static UUIDS: AtomicU64 = AtomicU64::new(0);

/// A random (version 4) UUID, from the standard library's randomly keyed hasher.
pub fn new_uuid() -> String {
    let state = RandomState::new();
    let count = UUIDS.fetch_add(1, Ordering::Relaxed);
    let high = state.hash_one((count, now_seconds(), "high"));
    let low = state.hash_one((count, "low"));
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&high.to_be_bytes());
    b[8..].copy_from_slice(&low.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether `req` carries an accepted credential of the spec's security scheme (where a secured operation wants it).
pub fn authorized(app: &App, req: &HttpRequest) -> bool {
    let Some(scheme) = &app.api.security else {
        return false;
    };
    let given = match (scheme.kind.as_str(), scheme.location.as_str()) {
        ("apiKey", "query") => query_pairs(req.query_string())
            .into_iter()
            .find(|(k, _)| *k == scheme.name)
            .map(|(_, v)| v),
        ("apiKey", "cookie") => header_text(req, "Cookie").and_then(|cookies| {
            cookies
                .split(';')
                .filter_map(|c| c.trim().split_once('='))
                .find(|(k, _)| *k == scheme.name)
                .map(|(_, v)| v.to_string())
        }),
        ("apiKey", _) => header_text(req, &scheme.name),
        (kind, _) => header_text(req, "Authorization").and_then(|value| {
            let (given_kind, credential) = value.split_once(' ')?;
            given_kind
                .eq_ignore_ascii_case(kind)
                .then(|| credential.to_string())
        }),
    };
    let given = given.unwrap_or_default();
    !given.is_empty()
        && app
            .tokens
            .iter()
            .any(|t| same(t.as_bytes(), given.as_bytes()))
}

fn header_text(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers().get(name)?.to_str().ok().map(String::from)
}

/// Compares two credentials in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    web::Query::<Vec<(String, String)>>::from_query(query)
        .map_or_else(|_| Vec::new(), web::Query::into_inner)
}

/// Why a request is refused: its status, error code and message.
struct Refusal(u16, &'static str, String);

/// The request body as the route's model allows it, read-only fields dropped; why it is refused otherwise.
fn read_body(
    app: &App,
    route: &Route,
    body: &[u8],
    partial: bool,
) -> Result<Map<String, Value>, Refusal> {
    let Some(model) = &route.body else {
        return Ok(Map::new());
    };
    if body.iter().all(u8::is_ascii_whitespace)
        && (route.body_optional || partial && model.fields.is_empty())
    {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Refusal(
            400,
            "malformed_json",
            format!("the body is no valid JSON: {e}"),
        )
    })?;
    let Value::Object(fields) = value else {
        return Err(Refusal(
            422,
            "invalid_request",
            "the body must be a JSON object".to_string(),
        ));
    };
    let mut problems = Vec::new();
    let kept = check_object(app, model, fields, partial, "", &mut problems);
    if problems.is_empty() {
        Ok(kept)
    } else {
        Err(Refusal(422, "invalid_request", problems.join("; ")))
    }
}

fn check_object(
    app: &App,
    model: &Model,
    mut fields: Map<String, Value>,
    partial: bool,
    at: &str,
    problems: &mut Vec<String>,
) -> Map<String, Value> {
    let mut kept = Map::new();
    for f in &model.fields {
        let place = format!("{at}{}", f.name);
        match fields.remove(&f.name) {
            Some(_) if f.read_only => {}
            Some(value) => {
                check(app, &f.rule, &value, &place, problems);
                kept.insert(f.name.clone(), whole(&f.rule, value));
            }
            None if f.required && !f.read_only && !partial => {
                problems.push(format!("{place}: is required"))
            }
            None => {
                if let Some(default) = f.default.as_ref().filter(|_| !partial) {
                    kept.insert(f.name.clone(), default.clone());
                }
            }
        }
    }
    if model.forbid_unknown {
        for name in fields.keys() {
            problems.push(format!("{at}{name}: is not a field of this object"));
        }
    }
    kept
}

/// Adds to `problems` every way `value` breaks `rule`, naming the place.
pub fn check(app: &App, rule: &Rule, value: &Value, place: &str, problems: &mut Vec<String>) {
    if value.is_null() {
        if !rule.nullable {
            problems.push(format!("{place}: must not be null"));
        }
        return;
    }
    if !rule.types.is_empty() && !rule.types.iter().any(|t| is_type(t, value)) {
        problems.push(format!(
            "{place}: must be of type {}",
            rule.types.join(" or ")
        ));
        return;
    }
    if let Some(allowed) = &rule.enumeration {
        if !allowed.contains(value) {
            let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
            problems.push(format!("{place}: must be one of {}", names.join(", ")));
        }
    }
    match value {
        Value::String(text) => check_text(app, rule, text, place, problems),
        Value::Number(n) => check_number(rule, n.as_f64().unwrap_or_default(), place, problems),
        Value::Array(items) => {
            if rule.min_items.is_some_and(|m| items.len() < m) {
                problems.push(format!(
                    "{place}: must have at least {} items",
                    rule.min_items.unwrap_or_default()
                ));
            }
            if rule.max_items.is_some_and(|m| items.len() > m) {
                problems.push(format!(
                    "{place}: must have at most {} items",
                    rule.max_items.unwrap_or_default()
                ));
            }
            if rule.unique_items
                && items
                    .iter()
                    .enumerate()
                    .any(|(i, v)| items[..i].contains(v))
            {
                problems.push(format!("{place}: must not repeat an item"));
            }
            if let Some(item_rule) = &rule.items {
                for (i, item) in items.iter().enumerate() {
                    check(app, item_rule, item, &format!("{place}[{i}]"), problems);
                }
            }
        }
        Value::Object(fields) => {
            if let Some(model) = &rule.object {
                check_object(
                    app,
                    model,
                    fields.clone(),
                    false,
                    &format!("{place}."),
                    problems,
                );
            }
            if let Some(values) = &rule.values {
                let named = |name: &String| {
                    rule.object
                        .iter()
                        .flat_map(|m| &m.fields)
                        .any(|f| f.name == *name)
                };
                for (name, value) in fields.iter().filter(|(name, _)| !named(name)) {
                    check(app, values, value, &format!("{place}.{name}"), problems);
                }
            }
        }
        _ => {}
    }
}

/// An integer sent as a whole float (7.0) stored as the integer it is, where 64 bits hold it.
fn whole(rule: &Rule, value: Value) -> Value {
    let integral =
        rule.types.iter().any(|t| t == "integer") && !rule.types.iter().any(|t| t == "number");
    match value.as_f64() {
        Some(n)
            if integral
                && !value.is_i64()
                && !value.is_u64()
                && n.fract() == 0.0
                && n.abs() < 9.0e15 =>
        {
            Value::from(n as i64)
        }
        _ => value,
    }
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "string" => value.is_string(),
        "integer" => match value {
            // serde_json keeps numbers as sent (arbitrary_precision): one beyond 64 bits is still its digits.
            Value::Number(n) => {
                let text = n.to_string();
                let digits = text.strip_prefix('-').unwrap_or(&text);
                n.is_i64()
                    || n.is_u64()
                    || (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                    || n.as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            }
            _ => false,
        },
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn check_text(app: &App, rule: &Rule, text: &str, place: &str, problems: &mut Vec<String>) {
    let length = text.chars().count();
    if let Some(min) = rule.min_length.filter(|m| length < *m) {
        problems.push(format!("{place}: must be at least {min} characters long"));
    }
    if let Some(max) = rule.max_length.filter(|m| length > *m) {
        problems.push(format!("{place}: must be at most {max} characters long"));
    }
    if let Some(pattern) = &rule.pattern {
        let matched = app
            .patterns
            .get(pattern)
            .and_then(Option::as_ref)
            .map(|re| re.is_match(text));
        if matched != Some(true) {
            problems.push(format!("{place}: must match {pattern}"));
        }
    }
    if let Some(format) = &rule.format {
        if !has_format(format, text) {
            problems.push(format!("{place}: must be a valid {format}"));
        }
    }
}

/// Whether `text` is in the string format `format` names (formats it does not know always are).
pub fn has_format(format: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        "uuid" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                && parts
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "email" => text.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && !b.contains('@')
                && !text.contains(char::is_whitespace)
        }),
        "date" => is_date(text),
        "date-time" => {
            let Some((date, time)) = text.split_once(['T', 't']) else {
                return false;
            };
            let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
                Some(at) => time.split_at(at),
                None => return false,
            };
            let clock_parts: Vec<&str> = clock.splitn(3, ':').collect();
            let zone_ok = zone.eq_ignore_ascii_case("z")
                || (zone.len() == 6
                    && zone[1..]
                        .split_once(':')
                        .is_some_and(|(h, m)| digits(h) && digits(m)));
            is_date(date)
                && clock_parts.len() == 3
                && clock_parts[0].len() == 2
                && clock_parts[1].len() == 2
                && clock_parts[2].split('.').all(digits)
                && clock_parts[..2].iter().all(|p| digits(p))
                && zone_ok
        }
        "uri" => text.split_once(':').is_some_and(|(scheme, _)| {
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && !text.contains(' ')
        }),
        _ => true,
    }
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts.iter().map(|p| p.len()).ne([4, 2, 2]) {
        return false;
    }
    let numbers: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    numbers.len() == 3 && (1..=12).contains(&numbers[1]) && (1..=31).contains(&numbers[2])
}

fn check_number(rule: &Rule, n: f64, place: &str, problems: &mut Vec<String>) {
    if let Some(min) = rule.minimum.filter(|m| n < *m) {
        problems.push(format!("{place}: must be at least {min}"));
    }
    if let Some(max) = rule.maximum.filter(|m| n > *m) {
        problems.push(format!("{place}: must be at most {max}"));
    }
    if let Some(min) = rule.exclusive_minimum.filter(|m| n <= *m) {
        problems.push(format!("{place}: must be more than {min}"));
    }
    if let Some(max) = rule.exclusive_maximum.filter(|m| n >= *m) {
        problems.push(format!("{place}: must be less than {max}"));
    }
    if let Some(step) = rule
        .multiple_of
        .filter(|s| *s > 0.0 && (n / *s).fract() != 0.0)
    {
        problems.push(format!("{place}: must be a multiple of {step}"));
    }
}

/// A query parameter's value from its text, by the first type of its rule that reads it.
fn query_value(rule: &Rule, texts: &[String]) -> Value {
    if rule.types.iter().any(|t| t == "array") {
        let item_rule = rule.items.as_deref();
        return Value::Array(texts.iter().map(|t| scalar(item_rule, t)).collect());
    }
    scalar(Some(rule), texts.last().map_or("", String::as_str))
}

fn scalar(rule: Option<&Rule>, text: &str) -> Value {
    let types = rule.map_or(&[][..], |r| r.types.as_slice());
    for t in types {
        let parsed = match t.as_str() {
            "integer" => text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<u64>().map(Value::from))
                .ok()
                .or_else(|| {
                    // Beyond 64 bits: still a whole number, kept exactly as its digits.
                    let digits = text.strip_prefix('-').unwrap_or(text);
                    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| text.parse::<serde_json::Number>().ok().map(Value::Number))
                        .flatten()
                }),
            "number" => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Value::from),
            "boolean" => text.parse::<bool>().ok().map(Value::from),
            "string" => Some(Value::from(text)),
            _ => None,
        };
        if let Some(value) = parsed {
            return value;
        }
    }
    Value::from(text)
}

fn list(
    app: &App,
    r: usize,
    route: &Route,
    req: &HttpRequest,
    parent: Option<&str>,
) -> HttpResponse {
    let api = &app.api;
    let resource = &api.resources[r];
    let pairs = query_pairs(req.query_string());
    let mut values: HashMap<&str, Value> = HashMap::new();
    let mut problems = Vec::new();
    for q in &route.query {
        let texts: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| *k == q.name)
            .map(|(_, v)| v.clone())
            .collect();
        let value = if texts.is_empty() {
            if q.required {
                problems.push(format!("{}: is required", q.name));
            }
            match &q.default {
                Some(default) => default.clone(),
                None => continue,
            }
        } else {
            query_value(&q.rule, &texts)
        };
        check(app, &q.rule, &value, &q.name, &mut problems);
        values.insert(q.name.as_str(), value);
    }
    if !problems.is_empty() {
        return invalid(api, &problems.join("; "));
    }
    let mut items = app.stores[r].list();
    if let (Some(field), Some(parent)) = (&resource.parent_field, parent) {
        let wanted = key_value(
            &api.resources[resource.parent.unwrap_or_default()].key_kind,
            parent,
        );
        items.retain(|item| item.get(field) == Some(&wanted));
    }
    let mut offset = 0i64;
    let mut size: Option<i64> = None;
    let mut page_number: Option<i64> = None;
    let mut sort: Option<(String, bool)> = None;
    let mut descending = false;
    for q in &route.query {
        let Some(value) = values.get(q.name.as_str()) else {
            continue;
        };
        match q.role.as_deref() {
            Some("offset") => offset = saturated(value),
            Some("limit") | Some("page_size") => size = Some(saturated(value)),
            Some("page") => page_number = Some(saturated(value)),
            Some("filter") => {
                let field = q.field.as_deref().unwrap_or(&q.name);
                items.retain(|item| matches(item.get(field), &q.compare, value));
            }
            Some("search") => {
                let needle = value.as_str().unwrap_or_default().to_lowercase();
                items.retain(|item| {
                    q.fields.iter().any(|f| {
                        item.get(f)
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.to_lowercase().contains(&needle))
                    })
                });
            }
            Some("sort") => {
                let by = value.as_str().unwrap_or_default();
                let (name, down) = by.strip_prefix('-').map_or((by, false), |n| (n, true));
                if q.fields.iter().any(|f| f == name) {
                    sort = Some((name.to_string(), down));
                }
            }
            Some("order") => descending = value.as_str() == Some("desc"),
            _ => {}
        }
    }
    if let Some((field, down)) = sort {
        items.sort_by(|a, b| compare(a.get(&field), b.get(&field)));
        if down != descending {
            items.reverse();
        }
    }
    let total = items.len();
    if let (Some(page), Some(size)) = (page_number, size) {
        let base = route.page.as_ref().map_or(1, |p| p.base);
        offset = (page - base).saturating_mul(size);
    }
    let start = usize::try_from(offset.max(0))
        .unwrap_or(usize::MAX)
        .min(total);
    let end = size.map_or(total, |s| {
        start
            .saturating_add(usize::try_from(s.max(0)).unwrap_or(0))
            .min(total)
    });
    let shows = route.shows.as_deref().unwrap_or_default();
    let window: Vec<Value> = items[start..end]
        .iter()
        .map(|item| shown(item, shows))
        .collect();
    let Some(page) = &route.page else {
        return json(route.status, &Value::Array(window));
    };
    let mut body = Map::new();
    body.insert(page.items.clone(), Value::Array(window));
    for (name, role) in &page.fields {
        let value = match role.as_str() {
            "total" => Value::from(total),
            "page" => Value::from(page_number.unwrap_or(page.base)),
            "page_size" => size.map_or(Value::from(total), Value::from),
            _ => continue,
        };
        body.insert(name.clone(), value);
    }
    for (name, value) in &page.fixed {
        body.insert(name.clone(), value.clone());
    }
    json(route.status, &Value::Object(body))
}

/// A whole number as an i64, the nearest bound where it is beyond 64 bits.
fn saturated(value: &Value) -> i64 {
    value.as_i64().unwrap_or_else(|| match value.as_f64() {
        Some(n) if n < 0.0 => i64::MIN,
        _ => i64::MAX,
    })
}

fn matches(field: Option<&Value>, compare: &str, wanted: &Value) -> bool {
    let Some(field) = field else {
        return false;
    };
    let order = || {
        field
            .as_f64()
            .zip(wanted.as_f64())
            .map(|(a, b)| a.total_cmp(&b))
    };
    match compare {
        "in" => wanted.as_array().is_some_and(|all| all.contains(field)),
        ">=" => order().is_some_and(std::cmp::Ordering::is_ge),
        "<=" => order().is_some_and(std::cmp::Ordering::is_le),
        ">" => order().is_some_and(std::cmp::Ordering::is_gt),
        "<" => order().is_some_and(std::cmp::Ordering::is_lt),
        _ => field == wanted,
    }
}

/// Orders two field values; absent ones after present ones.
fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or_default()
            .total_cmp(&y.as_f64().unwrap_or_default()),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Equal,
        (None | Some(Value::Null), _) => Greater,
        (_, None | Some(Value::Null)) => Less,
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

/// The machinery's own tests, over a description that uses every rule, paging, filter and security kind it
/// knows, so that they hold whatever the spec of the crate uses.
#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test;

    const WIDE: &str = r#"{
      "error": {"media_type": "application/problem+json", "fields": [["status", "$status"], ["kind", "fixed"]]},
      "security": {"kind": "apiKey", "location": "query", "name": "key"},
      "resources": [
        {"singular": "shelf", "key_kind": "int", "id_field": "id", "client_key": false, "first_id": 5,
         "parent": null, "parent_field": null, "fills": [], "kept": ["id"], "routes": [
          {"kind": "create", "method": "post", "path": "/shelves", "status": 201, "secured": false,
           "body": {"forbid_unknown": true, "fields": [
             {"name": "label", "required": true, "read_only": false,
              "rule": {"types": ["string"], "min_length": 1, "max_length": 9, "pattern": "^[a-z]+$"}},
             {"name": "rank", "required": false, "read_only": false,
              "rule": {"types": ["integer"], "nullable": true, "exclusive_minimum": 0, "exclusive_maximum": 100,
                       "multiple_of": 2}},
             {"name": "tags", "required": false, "read_only": false,
              "rule": {"types": ["array"], "min_items": 1, "max_items": 2, "unique_items": true,
                       "items": {"types": ["string"], "enumeration": ["a", "b", "c"]}}},
             {"name": "meta", "required": false, "read_only": false,
              "rule": {"types": ["object"], "object": {"forbid_unknown": false, "fields": [
                {"name": "size", "required": true, "read_only": false, "rule": {"types": ["number"]}}]}}},
             {"name": "id", "required": false, "read_only": true, "rule": {"types": ["integer"]}}]},
           "body_optional": false, "shows": ["id", "label", "rank", "tags", "meta"], "query": [], "page": null},
          {"kind": "update", "method": "patch", "path": "/shelves/{key}", "status": 200, "secured": false,
           "body": {"forbid_unknown": false, "fields": [
             {"name": "label", "required": true, "read_only": false, "rule": {"types": ["string"]}}]},
           "body_optional": false, "shows": ["id", "label", "rank"], "query": [], "page": null},
          {"kind": "list", "method": "get", "path": "/shelves", "status": 200, "secured": true, "body": null,
           "body_optional": false, "shows": ["id", "label", "rank"], "page":
             {"items": "items", "fields": [["total", "total"], ["page", "page"], ["pageSize", "page_size"],
                                           ["next", "next"]], "fixed": [["kind", "shelves"]], "base": 1},
           "query": [
             {"name": "q", "required": false, "default": null, "rule": {"types": ["string"]}, "role": "search",
              "field": null, "compare": "=", "fields": ["label"]},
             {"name": "sort", "required": false, "default": null, "rule": {"types": ["string"]}, "role": "sort",
              "field": null, "compare": "=", "fields": ["label", "rank"]},
             {"name": "order", "required": false, "default": null, "rule": {"types": ["string"]}, "role": "order",
              "field": null, "compare": "=", "fields": []},
             {"name": "page", "required": false, "default": 1, "rule": {"types": ["integer"], "minimum": 1},
              "role": "page", "field": null, "compare": "=", "fields": []},
             {"name": "pageSize", "required": false, "default": 10, "rule": {"types": ["integer"]},
              "role": "page_size", "field": null, "compare": "=", "fields": []},
             {"name": "minRank", "required": false, "default": null, "rule": {"types": ["number"]},
              "role": "filter", "field": "rank", "compare": ">=", "fields": []},
             {"name": "labels", "required": false, "default": null,
              "rule": {"types": ["array"], "items": {"types": ["string"]}}, "role": "filter", "field": "label",
              "compare": "in", "fields": []},
             {"name": "flag", "required": false, "default": null, "rule": {"types": ["boolean"]}, "role": null,
              "field": null, "compare": "=", "fields": []},
             {"name": "must", "required": false, "default": null, "rule": {"types": ["integer", "string"]},
              "role": null, "field": null, "compare": "=", "fields": []}]}]},
        {"singular": "book", "key_kind": "str", "id_field": "code", "client_key": true, "first_id": 1,
         "parent": 0, "parent_field": "shelfId",
         "fills": [{"field": "day", "kind": "today", "value": null}, {"field": "ref", "kind": "uuid", "value": null},
                   {"field": "state", "kind": "value", "value": "new"}],
         "kept": ["code", "shelfId", "day"], "routes": [
          {"kind": "create", "method": "post", "path": "/shelves/{parent}/books", "status": 201, "secured": false,
           "body": {"forbid_unknown": false, "fields": [
             {"name": "code", "required": false, "read_only": false, "rule": {"types": ["string"]}},
             {"name": "at", "required": false, "read_only": false, "rule": {"types": ["string"], "format": "date-time"}}]},
           "body_optional": true, "shows": ["code", "shelfId", "day", "ref", "state", "at"], "query": [], "page": null},
          {"kind": "replace", "method": "put", "path": "/shelves/{parent}/books/{key}", "status": 200,
           "secured": false, "body": {"forbid_unknown": false, "fields": []}, "body_optional": false,
           "shows": ["code", "shelfId", "day"], "query": [], "page": null},
          {"kind": "list", "method": "get", "path": "/shelves/{parent}/books", "status": 200, "secured": false,
           "body": null, "body_optional": false, "shows": ["code"], "page": null,
           "query": [{"name": "need", "required": true, "default": null, "rule": {"types": ["integer"]},
                      "role": "offset", "field": null, "compare": "=", "fields": []}]}]},
        {"singular": "note", "key_kind": "uuid", "id_field": "id", "client_key": false, "first_id": 1,
         "parent": null, "parent_field": null, "fills": [], "kept": ["id"], "routes": [
          {"kind": "create", "method": "post", "path": "/notes", "status": 201, "secured": false,
           "body": {"forbid_unknown": false, "fields": [
             {"name": "text", "required": true, "read_only": false, "rule": {"types": ["string"]}},
             {"name": "stars", "required": false, "read_only": false, "default": 3,
              "rule": {"types": ["integer"], "maximum": 5}}]},
           "body_optional": false, "shows": ["id", "text", "stars"], "query": [], "page": null},
          {"kind": "delete", "method": "delete", "path": "/notes/{key}", "status": 204, "secured": false,
           "body": null, "body_optional": false, "shows": null, "query": [], "page": null},
          {"kind": "list", "method": "get", "path": "/notes", "status": 200, "secured": false, "body": null,
           "body_optional": false, "shows": ["id", "text"], "page": null,
           "query": [{"name": "text", "required": false, "default": null, "rule": {"types": ["string"]},
                      "role": "filter", "field": "text", "compare": "=", "fields": []}]}]}]
    }"#;

    /// Stores keeping each item as the JSON it is.
    fn untyped(api: &Api) -> Vec<Box<dyn Repository>> {
        api.resources
            .iter()
            .map(|r| typed::<Value, _>(MemoryStore::starting_at(r.first_id)))
            .collect()
    }

    fn wide(tokens: &[&str]) -> web::Data<App> {
        let api: Api = serde_json::from_str(WIDE).expect("the test description");
        let stores = untyped(&api);
        web::Data::new(App::new(
            api,
            tokens.iter().map(|t| t.to_string()).collect(),
            stores,
        ))
    }

    async fn send(
        app: &web::Data<App>,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let routes = app.clone();
        let service = test::init_service(
            actix_web::App::new()
                .app_data(app.clone())
                .app_data(web::PayloadConfig::new(256))
                .wrap(error_shape(app.api.error.media_type.clone()))
                .configure(move |config| configure(&routes, config)),
        )
        .await;
        let mut req = test::TestRequest::default().method(method).uri(uri);
        if let Some(body) = body {
            req = req.set_payload(body.to_string());
        }
        let res = test::call_service(&service, req.to_request()).await;
        let status = res.status().as_u16();
        let bytes = test::read_body(res).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn problems(app: &App, rule: &Rule, value: Value) -> Vec<String> {
        let mut out = Vec::new();
        check(app, rule, &value, "v", &mut out);
        out
    }

    #[actix_web::test]
    async fn bodies_are_checked_against_every_rule() {
        let app = wide(&[]);
        let (status, created) = send(
            &app,
            Method::POST,
            "/shelves",
            Some(serde_json::json!({
            "label": "abc", "rank": 4, "tags": ["a"], "meta": {"size": 1.5}, "id": 99})),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["id"], 5, "the server's id, not the client's");
        let broken = serde_json::json!({"label": "ABCDEFGHIJ", "rank": 3, "tags": ["a", "a", "d"],
            "meta": {"other": 1}, "extra": true});
        let (status, body) = send(&app, Method::POST, "/shelves", Some(broken)).await;
        assert_eq!(status, 422);
        assert_eq!(body["kind"], "fixed");
        assert_eq!(body["status"], 422);
        for bad in [
            serde_json::json!({"label": ""}),
            serde_json::json!({"label": "ok", "rank": 0}),
            serde_json::json!({"label": "ok", "rank": 100}),
            serde_json::json!({"label": "ok", "tags": []}),
            serde_json::json!({"label": null}),
            serde_json::json!({"label": "ok", "meta": []}),
        ] {
            let (status, answer) = send(&app, Method::POST, "/shelves", Some(bad.clone())).await;
            assert_eq!(
                (status, answer["status"].as_i64()),
                (422, Some(422)),
                "{bad}"
            );
        }
        let (status, _) = send(
            &app,
            Method::POST,
            "/shelves",
            Some(serde_json::json!({"label": "x", "rank": null})),
        )
        .await;
        assert_eq!(status, 201, "a nullable field takes null");
        let (status, patched) = send(
            &app,
            Method::PATCH,
            "/shelves/5",
            Some(serde_json::json!({"label": "new"})),
        )
        .await;
        assert_eq!(
            (status, patched["label"].as_str(), patched["rank"].as_i64()),
            (200, Some("new"), Some(4))
        );
        let (status, _) = send(
            &app,
            Method::PATCH,
            "/shelves/x",
            Some(serde_json::json!({})),
        )
        .await;
        assert_eq!(status, 404);
    }

    #[actix_web::test]
    async fn uuid_keys_deletes_and_unreadable_bodies() {
        let app = wide(&[]);
        let (status, note) = send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "hi"})),
        )
        .await;
        assert_eq!(status, 201);
        let id = note["id"].as_str().unwrap_or_default().to_string();
        assert!(has_format("uuid", &id), "{id}");
        send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "other"})),
        )
        .await;
        let (_, listed) = send(&app, Method::GET, "/notes?text=hi", None).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1));
        let (status, _) = send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "x", "stars": 6})),
        )
        .await;
        assert_eq!(status, 422);
        for (body, want) in [("{", 400), ("[1]", 422), (&"x".repeat(300), 413)] {
            let service = test::init_service(
                actix_web::App::new()
                    .app_data(app.clone())
                    .app_data(web::PayloadConfig::new(256))
                    .wrap(error_shape(app.api.error.media_type.clone()))
                    .configure(|config| configure(&app, config)),
            )
            .await;
            let req = test::TestRequest::post()
                .uri("/notes")
                .set_payload(body.to_string())
                .to_request();
            let res = test::call_service(&service, req).await;
            assert_eq!(res.status().as_u16(), want, "{body}");
            let answer: Value =
                serde_json::from_slice(&test::read_body(res).await).unwrap_or_default();
            assert_eq!(answer["status"], want, "in the error shape");
        }
        let (status, gone) = send(
            &app,
            Method::DELETE,
            &format!("/notes/{}", id.to_uppercase()),
            None,
        )
        .await;
        assert_eq!((status, gone), (204, Value::Null));
        let (status, _) = send(&app, Method::DELETE, &format!("/notes/{id}"), None).await;
        assert_eq!(status, 404);
    }

    #[actix_web::test]
    async fn lists_search_sort_filter_and_page() {
        let app = wide(&["k1"]);
        for (label, rank) in [("pear", 8), ("apple", 2), ("fig", 4)] {
            let (status, _) = send(
                &app,
                Method::POST,
                "/shelves",
                Some(serde_json::json!({"label": label, "rank": rank})),
            )
            .await;
            assert_eq!(status, 201);
        }
        let labels = |body: &Value| -> Vec<String> {
            body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["label"].as_str().map(String::from))
                .collect()
        };
        let (status, _) = send(&app, Method::GET, "/shelves", None).await;
        assert_eq!(status, 401);
        let (_, body) = send(&app, Method::GET, "/shelves?key=k1&sort=label", None).await;
        assert_eq!(labels(&body), ["apple", "fig", "pear"]);
        assert_eq!(
            (
                body["total"].as_i64(),
                body["page"].as_i64(),
                body["pageSize"].as_i64()
            ),
            (Some(3), Some(1), Some(10))
        );
        assert_eq!(body["kind"], "shelves");
        let (_, body) = send(&app, Method::GET, "/shelves?key=k1&sort=-rank", None).await;
        assert_eq!(labels(&body), ["pear", "fig", "apple"]);
        let (_, body) = send(
            &app,
            Method::GET,
            "/shelves?key=k1&sort=rank&order=desc&sort=nothing",
            None,
        )
        .await;
        assert_eq!(
            labels(&body),
            ["pear", "apple", "fig"],
            "a sort by no field leaves the order"
        );
        let (_, body) = send(&app, Method::GET, "/shelves?key=k1&q=PP", None).await;
        assert_eq!(labels(&body), ["apple"]);
        let (_, body) = send(
            &app,
            Method::GET,
            "/shelves?key=k1&minRank=4&flag=true&must=x",
            None,
        )
        .await;
        assert_eq!(labels(&body), ["pear", "fig"]);
        let (_, body) = send(
            &app,
            Method::GET,
            "/shelves?key=k1&labels=fig&labels=pear",
            None,
        )
        .await;
        assert_eq!(labels(&body), ["pear", "fig"]);
        let (_, body) = send(&app, Method::GET, "/shelves?key=k1&page=2&pageSize=2", None).await;
        assert_eq!(labels(&body), ["fig"]);
        let (status, _) = send(&app, Method::GET, "/shelves?key=k1&page=0", None).await;
        assert_eq!(status, 422);
        let (status, _) = send(&app, Method::GET, "/shelves?key=k1&flag=maybe", None).await;
        assert_eq!(status, 422);
    }

    #[actix_web::test]
    async fn nested_items_with_client_keys_and_filled_fields() {
        let app = wide(&[]);
        let (status, _) = send(&app, Method::POST, "/shelves/5/books", None).await;
        assert_eq!(status, 404, "no shelf 5 yet");
        send(
            &app,
            Method::POST,
            "/shelves",
            Some(serde_json::json!({"label": "a"})),
        )
        .await;
        send(
            &app,
            Method::POST,
            "/shelves",
            Some(serde_json::json!({"label": "b"})),
        )
        .await;
        let (status, book) = send(
            &app,
            Method::POST,
            "/shelves/5/books",
            Some(serde_json::json!({"code": "b1", "at": "2024-02-29T10:00:00.5+01:00"})),
        )
        .await;
        assert_eq!(status, 201, "{book}");
        assert_eq!(
            (book["shelfId"].as_i64(), book["state"].as_str()),
            (Some(5), Some("new"))
        );
        assert!(has_format("date", book["day"].as_str().unwrap_or_default()));
        assert!(has_format("uuid", book["ref"].as_str().unwrap_or_default()));
        let (status, _) = send(
            &app,
            Method::POST,
            "/shelves/5/books",
            Some(serde_json::json!({"code": "b1"})),
        )
        .await;
        assert_eq!(status, 409);
        let (status, _) = send(&app, Method::POST, "/shelves/5/books", None).await;
        assert_eq!(status, 201, "an optional body may be left out");
        let (status, _) = send(
            &app,
            Method::POST,
            "/shelves/5/books",
            Some(serde_json::json!({"at": "yesterday"})),
        )
        .await;
        assert_eq!(status, 422);
        let (status, replaced) = send(
            &app,
            Method::PUT,
            "/shelves/5/books/b1",
            Some(serde_json::json!({})),
        )
        .await;
        assert_eq!(
            (status, replaced["code"].as_str()),
            (200, Some("b1")),
            "{replaced}"
        );
        let (status, _) = send(
            &app,
            Method::PUT,
            "/shelves/6/books/b1",
            Some(serde_json::json!({})),
        )
        .await;
        assert_eq!(status, 404, "b1 is on shelf 5, not 6");
        let (status, _) = send(&app, Method::GET, "/shelves/5/books", None).await;
        assert_eq!(status, 422, "`need` is required");
        let (status, listed) = send(&app, Method::GET, "/shelves/5/books?need=1", None).await;
        assert_eq!((status, listed.as_array().map(Vec::len)), (200, Some(1)));
        assert!(app.stores[1]
            .put("loose", serde_json::json!({"code": 7}))
            .is_ok());
        let (status, _) = send(
            &app,
            Method::POST,
            "/shelves/6/books",
            Some(serde_json::json!({"code": 7})),
        )
        .await;
        assert_eq!(status, 422, "a code of the wrong type");
    }

    #[derive(Clone, Serialize, Deserialize)]
    struct Note {
        id: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stars: Option<u8>,
    }

    #[actix_web::test]
    async fn typed_stores_keep_only_what_their_type_holds() {
        let api: Api = serde_json::from_str(WIDE).expect("the test description");
        let mut stores = untyped(&api);
        stores[2] = typed::<Note, _>(MemoryStore::starting_at(1));
        let app = web::Data::new(App::new(api, Vec::new(), stores));
        let (status, created) = send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "t", "stars": 4})),
        )
        .await;
        assert_eq!(
            (status, created["stars"].as_u64()),
            (201, Some(4)),
            "{created}"
        );
        let (status, refused) = send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "t", "stars": -3})),
        )
        .await;
        assert_eq!(
            status, 422,
            "-3 keeps to the rule (at most 5) but is no u8: {refused}"
        );
        let (status, defaulted) = send(
            &app,
            Method::POST,
            "/notes",
            Some(serde_json::json!({"text": "t"})),
        )
        .await;
        assert_eq!(
            (status, defaulted["stars"].as_u64()),
            (201, Some(3)),
            "the schema's default: {defaulted}"
        );
        let (_, listed) = send(&app, Method::GET, "/notes", None).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    }

    #[actix_web::test]
    async fn every_security_scheme_reads_its_credential() {
        let with = |scheme: Option<Scheme>| {
            let mut api: Api = serde_json::from_str(WIDE).expect("the test description");
            api.security = scheme;
            let stores = untyped(&api);
            App::new(api, vec!["k1".to_string()], stores)
        };
        let schemes = [
            ("apiKey", "query", "key", "/x?key=k1", None),
            (
                "apiKey",
                "cookie",
                "sid",
                "/x",
                Some(("Cookie", "a=b; sid=k1")),
            ),
            ("apiKey", "header", "X-Key", "/x", Some(("X-Key", "k1"))),
            (
                "basic",
                "header",
                "Authorization",
                "/x",
                Some(("Authorization", "basic k1")),
            ),
            (
                "bearer",
                "header",
                "Authorization",
                "/x",
                Some(("Authorization", "Bearer k1")),
            ),
        ];
        for (kind, location, name, uri, header) in schemes {
            let app = with(Some(Scheme {
                kind: kind.into(),
                location: location.into(),
                name: name.into(),
            }));
            let mut req = test::TestRequest::default().uri(uri);
            if let Some(h) = header {
                req = req.insert_header(h);
            }
            assert!(
                authorized(&app, &req.to_http_request()),
                "{kind} in {location}"
            );
            assert!(!authorized(
                &app,
                &test::TestRequest::default()
                    .uri("/x?key=k2")
                    .to_http_request()
            ));
        }
        assert!(!authorized(
            &with(None),
            &test::TestRequest::default().to_http_request()
        ));
        assert_eq!(tokens_from(" a, ,b "), ["a", "b"]);
    }

    #[actix_web::test]
    async fn formats_numbers_and_orders() {
        let app = wide(&[]);
        for (format, good, bad) in [
            ("uuid", "123e4567-e89b-42d3-a456-426614174000", "123e4567"),
            ("email", "a@b.c", "a@@b"),
            ("date", "2024-12-31", "2024-13-01"),
            ("date-time", "2024-01-01T00:00:00Z", "2024-01-01T00:00"),
            ("date-time", "2024-01-01T23:59:59-05:00", "2024-01-01"),
            ("uri", "https://x.y", "no uri"),
            ("other", "x", ""),
        ] {
            assert!(has_format(format, good), "{good}");
            assert_eq!(has_format(format, bad), format == "other", "{bad}");
        }
        let rule = Rule {
            types: vec!["number".into()],
            minimum: Some(1.0),
            maximum: Some(3.0),
            multiple_of: Some(0.5),
            ..Rule::default()
        };
        assert_eq!(problems(&app, &rule, Value::from(0.75)).len(), 2);
        assert!(problems(&app, &rule, Value::from(2.5)).is_empty());
        assert_eq!(
            problems(
                &app,
                &Rule {
                    types: vec!["boolean".into()],
                    ..Rule::default()
                },
                Value::from(1)
            )
            .len(),
            1
        );
        let text = Rule {
            types: vec!["string".into()],
            ..Rule::default()
        };
        let named = Model {
            fields: vec![FieldRule {
                name: "n".into(),
                required: false,
                read_only: false,
                rule: Rule::default(),
                default: None,
            }],
            forbid_unknown: false,
        };
        let map = Rule {
            types: vec!["object".into()],
            object: Some(named),
            values: Some(Box::new(text)),
            ..Rule::default()
        };
        let mut compiled = HashMap::new();
        let patterned = Rule {
            values: Some(Box::new(Rule {
                pattern: Some("^a".into()),
                ..Rule::default()
            })),
            ..Rule::default()
        };
        collect_patterns(&patterned, &mut compiled);
        assert!(compiled.contains_key("^a"), "the values' pattern");
        let sent = serde_json::json!({"n": 1, "ab": "ab", "x": 2});
        assert_eq!(
            problems(&app, &map, sent),
            vec!["v.x: must be of type string".to_string()],
            "n is named, ab keeps to the values' rule"
        );
        let unknown = Rule {
            pattern: Some("(".into()),
            ..Rule::default()
        };
        let mut patterns = HashMap::new();
        collect_patterns(&unknown, &mut patterns);
        assert!(
            patterns.get("(").is_some_and(Option::is_none),
            "a pattern that does not compile matches nothing"
        );
        assert_eq!(
            query_value(
                &Rule {
                    types: vec!["number".into()],
                    ..Rule::default()
                },
                &["2.5".into()]
            ),
            Value::from(2.5)
        );
        assert_eq!(scalar(None, "x"), Value::from("x"));
        let whole_rule = Rule {
            types: vec!["integer".into()],
            ..Rule::default()
        };
        assert_eq!(whole(&whole_rule, Value::from(7.0)), Value::from(7));
        assert_eq!(
            whole(&whole_rule, Value::from(1e20)),
            Value::from(1e20),
            "beyond 64 bits it stays a float"
        );
        assert!(problems(&app, &whole_rule, Value::from(7.0)).is_empty());
        assert_eq!(problems(&app, &whole_rule, Value::from(7.5)).len(), 1);
        assert_eq!(
            problems(&app, &whole_rule, Value::from(1e20)).len(),
            1,
            "a float, not the digits of one"
        );
        let huge: Value =
            serde_json::from_str("-15864976890845116749279739772928").unwrap_or_default();
        assert!(problems(&app, &whole_rule, huge.clone()).is_empty());
        assert_eq!(
            huge.to_string(),
            "-15864976890845116749279739772928",
            "kept exactly"
        );
        assert!(!is_type("integer", &Value::from("1")));
        let big = scalar(Some(&whole_rule), "15934197952963622912");
        assert_eq!(big, Value::from(15_934_197_952_963_622_912u64));
        let bigger = scalar(Some(&whole_rule), "-159341979529636229120");
        assert_eq!(
            (saturated(&bigger), saturated(&Value::from(1e30))),
            (i64::MIN, i64::MAX)
        );
        assert_eq!(scalar(Some(&whole_rule), "1.5"), Value::from("1.5"));
        use std::cmp::Ordering::{Equal, Greater, Less};
        let (one, two) = (Value::from(1), Value::from(2));
        assert_eq!(compare(Some(&one), Some(&two)), Less);
        assert_eq!(
            compare(Some(&Value::from(true)), Some(&Value::from(false))),
            Greater
        );
        assert_eq!(compare(None, Some(&Value::Null)), Equal);
        assert_eq!(compare(None, Some(&one)), Greater);
        assert_eq!(compare(Some(&one), None), Less);
        assert_eq!(compare(Some(&one), Some(&Value::from("1"))), Greater);
        assert!(
            matches(Some(&one), "<", &two)
                && matches(Some(&one), "<=", &one)
                && matches(Some(&two), ">", &one)
        );
        assert!(!matches(None, "=", &one));
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
        assert_ne!(new_uuid(), new_uuid());
        assert_eq!(path_key("str", Some("Ab")), "Ab");
        assert_eq!(key_value("int", "x"), Value::from("x"));
    }
}
