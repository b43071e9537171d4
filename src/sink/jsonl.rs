//! JSON Lines: one record per line, UTF-8, in input order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::record::Record;

/// Writes records one per line. Writing to a file goes through `FILE.part`
/// renamed on [`JsonLines::finish`], so an interrupted run never leaves a
/// truncated file that looks complete.
pub struct JsonLines {
    out: BufWriter<Box<dyn Write + Send>>,
    rename: Option<(PathBuf, PathBuf)>,
}

impl JsonLines {
    pub fn stdout() -> JsonLines {
        JsonLines {
            out: BufWriter::new(Box::new(io::stdout())),
            rename: None,
        }
    }

    pub fn create(path: &Path) -> io::Result<JsonLines> {
        let mut part = path.as_os_str().to_owned();
        part.push(".part");
        let part = PathBuf::from(part);
        let file = File::create(&part)?;
        Ok(JsonLines {
            out: BufWriter::new(Box::new(file)),
            rename: Some((part, path.to_path_buf())),
        })
    }

    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }

    /// Flushes, and moves the finished file into place.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()?;
        if let Some((part, path)) = self.rename.take() {
            std::fs::rename(part, path)?;
        }
        Ok(())
    }
}
