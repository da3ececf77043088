//! The items each resource keeps, typed from the spec's schemas: what a `Store` holds and every answer shows.
//! A request body is checked against its schema's rules (`engine::check`, which names every problem and its
//! place) before it becomes one of these.

use serde::{Deserialize, Deserializer, Serialize};

/// One book, as stored and answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Book {
    pub title: String,
    #[serde(rename = "authorId")]
    pub author_id: String,
    pub genre: Genre,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    #[serde(
        rename = "publishedOn",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub published_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    pub id: String,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

/// One author, as stored and answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Author {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub born: Option<Option<serde_json::Number>>,
    pub id: String,
}

/// The spec's schema Genre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// The variants are the spec's values: a shared prefix is theirs to have.
#[allow(clippy::enum_variant_names)]
pub enum Genre {
    #[serde(rename = "fiction")]
    Fiction,
    #[serde(rename = "non-fiction")]
    NonFiction,
    #[serde(rename = "poetry")]
    Poetry,
    #[serde(rename = "drama")]
    Drama,
}

/// Reads a field that may be absent or null: absent stays `None`, null is `Some(None)`, so each answers as sent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    reader: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(reader).map(Some)
}
