//! Where records go: JSON Lines files ([`JsonLines`]) and databases ([`db`]:
//! embedded SQLite or PostgreSQL).

pub mod db;
mod jsonl;

pub use jsonl::JsonLines;
