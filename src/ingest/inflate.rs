//! Deflate data inflated in one go by one inflater per thread, reset for
//! each stream: PDF content streams (zlib-wrapped) and DOCX parts (raw).
//! Setting an inflater up, and zeroing its window, cost more than
//! inflating a page's content or a small part.

use std::cell::RefCell;

use flate2::{Decompress, FlushDecompress, Status};

thread_local! {
    static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(true));
}

/// The data inflates to more than the cap allows.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// `data` inflated whole, at most `cap` bytes, else [`TooLarge`]; `None`
/// when it is damaged. `zlib`: a zlib header and checksum wrap the deflate
/// data (PDF streams), or not (zip entries). Output room starts at `hint`
/// bytes and doubles. Data that ends early without being corrupt gives what
/// came out of it.
pub(crate) fn whole(
    data: &[u8],
    zlib: bool,
    cap: usize,
    hint: usize,
) -> Option<Result<Vec<u8>, TooLarge>> {
    INFLATER.with(|cell| {
        let mut z = cell.try_borrow_mut().ok()?;
        z.reset(zlib);
        let mut out = Vec::with_capacity(hint.min(cap.saturating_add(1)));
        loop {
            if out.len() > cap {
                return Some(Err(TooLarge));
            }
            if out.len() == out.capacity() {
                // Doubling, but never far past the cap.
                out.reserve(
                    out.len()
                        .max(32 << 10)
                        .min(cap.saturating_add(1) - out.len()),
                );
            }
            let input = usize::try_from(z.total_in())
                .ok()
                .and_then(|n| data.get(n..))
                .unwrap_or(&[]);
            let flush = if input.is_empty() {
                FlushDecompress::Finish
            } else {
                FlushDecompress::None
            };
            let before = (z.total_in(), out.len());
            match z.decompress_vec(input, &mut out, flush) {
                Ok(Status::StreamEnd) => break,
                // Out of input (a stream cut short but not corrupt): what
                // came out is all there is.
                Ok(_) if (z.total_in(), out.len()) == before => break,
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        Some(if out.len() > cap {
            Err(TooLarge)
        } else {
            Ok(out)
        })
    })
}
