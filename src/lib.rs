//! vanban: Vietnamese administrative reports → structured JSON.
//!
//! The modules follow the data:
//!
//! ```text
//! ingest (bytes → Document of blocks)  →  normalize (NFC, spaces, offsets)
//!   →  extract (legal references, dates, percentages, numbers)
//!   →  check (citations against themselves and the regulation registry)  →  sink (JSON Lines)
//! ```
//!
//! [`batch`] drives them over many files in parallel, turning every failure,
//! panics included, into an error record so the batch goes on. [`eval`]
//! measures precision, recall and F1 against hand-written gold annotations.
//! The vocabulary lives in `patterns/` as data ([`patterns`]).

pub mod batch;
pub mod check;
pub mod cli;
pub mod document;
pub mod error;
pub mod eval;
pub mod extract;
mod fnv;
pub mod ingest;
pub mod normalize;
pub mod patterns;
pub mod record;
pub mod sink;
pub mod watch;
