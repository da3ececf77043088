//! The items each resource keeps, typed from the spec's schemas: what a `Store` holds and every answer shows.
//! A request body is checked against its schema's rules (`engine::check`, which names every problem and its
//! place) before it becomes one of these.

use serde::{Deserialize, Serialize};

/// One pet, as stored and answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pet {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    pub id: i64,
}
