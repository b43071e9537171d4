//! Ruled tables: the cell borders a word processor draws (thin horizontal
//! and vertical rules that touch) make a grid of rows and columns.
//!
//! The layout reads a table's text cell by cell through its grid, so a cell
//! whose text wraps onto a second line stays one cell of its row, as the
//! DOCX reader gives it, instead of becoming a row of its own. Tables
//! without borders have no grid and are read as lines.

/// Thin paths, as the content interpreter keeps them: horizontal
/// `(x0, x1, y)` and vertical `(x, y0, y1)`.
pub type Rules = [(f32, f32, f32)];

/// Rules of each direction looked at per page.
const MAX_RULES: usize = 256;
/// Rules closer than this (points) touch.
const TOUCH: f32 = 2.0;
/// Rule positions closer than this (points) are one edge.
const SAME_EDGE: f32 = 1.5;

/// A table's edges: column edges left to right, row edges top to bottom
/// (page y is up, so `ys` descends).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
}

impl Grid {
    /// The `(row, column)` of the cell a point lies in.
    pub fn cell(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        let row = self.ys.windows(2).position(|w| y <= w[0] && y >= w[1])?;
        let col = self.xs.windows(2).position(|w| x >= w[0] && x <= w[1])?;
        Some((row, col))
    }

    pub fn columns(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }
}

/// The grids that horizontal rules `(x0, x1, y)` and vertical rules
/// `(x, y0, y1)` make: each set of rules joined by touching, with two
/// horizontal edges or more and three vertical edges or more (a table of
/// one column is a box, read as lines).
pub fn grids(h: &Rules, v: &Rules) -> Vec<Grid> {
    // A page has a few dozen borders; past this many a page is no table
    // anyone typed, and the pairs below stay bounded.
    let (h, v) = (&h[..h.len().min(MAX_RULES)], &v[..v.len().min(MAX_RULES)]);
    if v.is_empty() || h.len() < 2 {
        return Vec::new();
    }
    // Union-find over rules: horizontal ones first, then vertical.
    let mut parent: Vec<usize> = (0..h.len() + v.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, &(x0, x1, y)) in h.iter().enumerate() {
        for (j, &(x, y0, y1)) in v.iter().enumerate() {
            let touch = x >= x0 - TOUCH && x <= x1 + TOUCH && y >= y0 - TOUCH && y <= y1 + TOUCH;
            if touch {
                let (a, b) = (root(&mut parent, i), root(&mut parent, h.len() + j));
                parent[a] = b;
            }
        }
    }
    // Rules by set: (root, rule) sorted, so each set is a run.
    let mut sets: Vec<(usize, usize)> = (0..parent.len())
        .map(|k| (root(&mut parent, k), k))
        .collect();
    sets.sort_unstable();
    sets.chunk_by(|a, b| a.0 == b.0)
        .filter_map(|set| {
            let xs = edges(
                set.iter()
                    .filter_map(|&(_, k)| k.checked_sub(h.len()))
                    .map(|k| v[k].0),
            );
            let mut ys = edges(
                set.iter()
                    .filter(|&&(_, k)| k < h.len())
                    .map(|&(_, k)| h[k].2),
            );
            ys.reverse();
            (xs.len() >= 3 && ys.len() >= 2).then_some(Grid { xs, ys })
        })
        .collect()
}

/// Positions sorted, those within [`SAME_EDGE`] of each other as one.
fn edges(values: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut all: Vec<f32> = values.filter(|v| v.is_finite()).collect();
    all.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for v in all {
        if out.last().is_none_or(|&last| v - last > SAME_EDGE) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Report 004's data table as LibreOffice draws its part on page 2:
    /// three row borders across, six column borders down.
    fn report_004_page_2() -> (Box<Rules>, Box<Rules>) {
        let h = Box::new([
            (84.35, 516.85, 125.85),
            (84.85, 516.35, 86.95),
            (84.35, 516.85, 73.65),
        ]);
        let v = [84.6, 171.0, 257.4, 343.8, 430.2, 516.6]
            .iter()
            .map(|&x| (x, 73.9, 125.6))
            .collect();
        (h, v)
    }

    #[test]
    fn touching_borders_make_one_grid_of_rows_and_columns() {
        let (h, v) = report_004_page_2();
        let g = grids(&h, &v);
        assert_eq!(
            g,
            [Grid {
                xs: vec![84.6, 171.0, 257.4, 343.8, 430.2, 516.6],
                ys: vec![125.85, 86.95, 73.65],
            }]
        );
        assert_eq!(g[0].columns(), 5);
        assert_eq!(g[0].cell(200.0, 100.0), Some((0, 1)));
        assert_eq!(g[0].cell(500.0, 80.0), Some((1, 4)));
        assert_eq!(g[0].cell(50.0, 100.0), None, "left of the table");
        assert_eq!(g[0].cell(200.0, 130.0), None, "above the table");
    }

    #[test]
    fn a_lone_rule_or_a_box_is_no_table() {
        // The footnote separator: one short rule, nothing down.
        assert!(grids(&[(85.0, 229.0, 120.0)], &[]).is_empty());
        // A framed paragraph: two rules across, two down.
        let h = [(80.0, 500.0, 700.0), (80.0, 500.0, 600.0)];
        let v = [(80.0, 600.0, 700.0), (500.0, 600.0, 700.0)];
        assert!(grids(&h, &v).is_empty());
        // Rules far apart do not join.
        let v = [
            (80.0, 100.0, 200.0),
            (300.0, 100.0, 200.0),
            (500.0, 100.0, 200.0),
        ];
        assert!(grids(&h, &v).is_empty());
    }
}
