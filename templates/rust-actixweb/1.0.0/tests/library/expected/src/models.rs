//! The items each resource keeps, typed from the spec's schemas: what a `Store` holds and every answer shows.
//! A request body is checked against its schema's rules (`engine::check`, which names every problem and its
//! place) before it becomes one of these.

use serde::{Deserialize, Deserializer, Serialize};

/// One shelve, as stored and answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shelf {
    pub label: String,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub floor: Option<Option<i64>>,
    pub id: i64,
}

/// One book, as stored and answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Book {
    pub id: i64,
    #[serde(rename = "shelfId")]
    pub shelf_id: i64,
    pub title: String,
    pub language: Language,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<serde_json::Number>,
    #[serde(rename = "addedAt")]
    pub added_at: String,
}

/// The spec's schema Language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// The variants are the spec's values: a shared prefix is theirs to have.
#[allow(clippy::enum_variant_names)]
pub enum Language {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "de")]
    De,
}

/// Reads a field that may be absent or null: absent stays `None`, null is `Some(None)`, so each answers as sent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    reader: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(reader).map(Some)
}
