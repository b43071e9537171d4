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
        // `-o /dev/null`, a FIFO, a terminal: not a file to replace. Renaming
        // FILE.part over /dev/null would turn it into a regular file for
        // every program on the machine, so such a path is written directly.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(JsonLines {
                out: BufWriter::new(Box::new(file)),
                rename: None,
            });
        }
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
        self.write_line(&Self::line(record)?)
    }

    /// A record as one line of JSON, newline included (may run on any thread).
    pub fn line(record: &Record) -> io::Result<Vec<u8>> {
        let mut v = serde_json::to_vec(record)?;
        v.push(b'\n');
        Ok(v)
    }

    /// Writes a line made by [`JsonLines::line`].
    pub fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.out.write_all(line)
    }

    /// The underlying writer, for output that is not records (an export).
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.out
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
