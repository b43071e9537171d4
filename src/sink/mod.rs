//! Where records go. JSON Lines now; SQLite and PostgreSQL come with the ingest issue.

mod jsonl;

pub use jsonl::JsonLines;
