//! Orthogonal edge routing: down out of the caller, along the gap line under it, down a
//! column free of boxes, along the gap line over the callee, and into it. Gap lines hold no
//! boxes by construction, so an edge never runs through one.

use super::{NodeBox, RegionFrame};
use crate::arch::{Architecture, AzRef, Link, NodeId};
use petgraph::visit::EdgeRef;

/// Which neighbours a cell of an edge connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dir {
    pub up: bool,
    pub down: bool,
    pub left: bool,
    pub right: bool,
}

impl Dir {
    const NONE: Dir = Dir {
        up: false,
        down: false,
        left: false,
        right: false,
    };

    /// The box-drawing character for these connections.
    pub fn symbol(self) -> &'static str {
        match (self.up, self.down, self.left, self.right) {
            (true, true, false, false)
            | (true, false, false, false)
            | (false, true, false, false) => "│",
            (false, false, true, true)
            | (false, false, true, false)
            | (false, false, false, true) => "─",
            (false, true, false, true) => "┌",
            (false, true, true, false) => "┐",
            (true, false, false, true) => "└",
            (true, false, true, false) => "┘",
            (true, true, false, true) => "├",
            (true, true, true, false) => "┤",
            (false, true, true, true) => "┬",
            (true, false, true, true) => "┴",
            (true, true, true, true) => "┼",
            (false, false, false, false) => " ",
        }
    }
}

/// One drawn call edge: the cells it passes, from the caller to the callee.
#[derive(Debug, Clone)]
pub struct EdgePath {
    pub from: NodeId,
    pub to: NodeId,
    /// The AZs of the caller's box it starts at and the callee's it ends at, when they are
    /// drawn a box per AZ.
    pub from_az: Option<AzRef>,
    pub to_az: Option<AzRef>,
    pub cells: Vec<(u16, u16, Dir)>,
}

/// Pairs the boxes of each call edge and routes a path for each pair.
pub fn edges(
    arch: &Architecture,
    boxes: &[NodeBox],
    frames: &[RegionFrame],
    width: u16,
    height: u16,
) -> Vec<EdgePath> {
    let mut blocked = vec![false; usize::from(width) * usize::from(height)];
    let mut block =
        |x: u16, y: u16| blocked[usize::from(y) * usize::from(width) + usize::from(x)] = true;
    for b in boxes {
        for y in b.rect.top()..b.rect.bottom() {
            for x in b.rect.left()..b.rect.right() {
                block(x, y);
            }
        }
    }
    // No edge runs along a region's side: it would read as the frame.
    for f in frames {
        for y in f.rect.top()..f.rect.bottom() {
            block(f.rect.left(), y);
            block(f.rect.right() - 1, y);
        }
    }
    // Columns hugging a frame's side are used only when nothing else is free.
    let mut hugged = blocked.clone();
    for f in frames {
        for y in f.rect.top()..f.rect.bottom() {
            for x in [f.rect.left() + 1, f.rect.right().saturating_sub(2)] {
                hugged[usize::from(y) * usize::from(width) + usize::from(x)] = true;
            }
        }
    }
    let free = |x: u16, y: u16| !hugged[usize::from(y) * usize::from(width) + usize::from(x)];
    let free_at_all =
        |x: u16, y: u16| !blocked[usize::from(y) * usize::from(width) + usize::from(x)];
    let mut out = Vec::new();
    for e in arch
        .graph
        .edge_references()
        .filter(|e| *e.weight() == Link::Calls)
    {
        for (a, b) in pairs(boxes, e.source(), e.target()) {
            if let Some(cells) =
                route(a, b, width, &free).or_else(|| route(a, b, width, &free_at_all))
            {
                out.push(EdgePath {
                    from: e.source(),
                    to: e.target(),
                    from_az: a.az,
                    to_az: b.az,
                    cells,
                });
            }
        }
    }
    out
}

/// Which caller box connects to which callee box: part to part in the same AZ, otherwise
/// every part to the one box (or one box to every part).
fn pairs(boxes: &[NodeBox], from: NodeId, to: NodeId) -> Vec<(&NodeBox, &NodeBox)> {
    let sources: Vec<&NodeBox> = boxes.iter().filter(|b| b.node == from).collect();
    let targets: Vec<&NodeBox> = boxes.iter().filter(|b| b.node == to).collect();
    let mut out = Vec::new();
    if sources.len() > 1 && targets.len() > 1 {
        for s in &sources {
            // Same AZ if the callee has a part there, else its nearest part.
            let t = targets.iter().find(|t| t.az == s.az).or_else(|| {
                targets
                    .iter()
                    .min_by_key(|t| (i32::from(t.rect.x) - i32::from(s.rect.x)).abs())
            });
            if let Some(t) = t {
                out.push((*s, *t));
            }
        }
    } else {
        for s in &sources {
            for t in &targets {
                out.push((*s, *t));
            }
        }
    }
    out
}

fn route(
    a: &NodeBox,
    b: &NodeBox,
    width: u16,
    free: &dyn Fn(u16, u16) -> bool,
) -> Option<Vec<(u16, u16, Dir)>> {
    if a.rect.y == b.rect.y {
        return beside(a, b, free);
    }
    let below = a.rect.bottom();
    let above = b.rect.top().checked_sub(1)?;
    if above < below {
        return None;
    }
    let sx = a.rect.x + a.rect.width / 2;
    let tx = b.rect.x + b.rect.width / 2;
    // A column with no box between the two gap lines: the callee's centre if free, else the
    // nearest free one, preferring columns over the callee.
    let clear = |x: u16| (below..=above).all(|y| free(x, y));
    let column = (0..width)
        .flat_map(|d| [tx.checked_sub(d), tx.checked_add(d).filter(|&x| x < width)])
        .flatten()
        .find(|&x| clear(x))?;

    let mut points = vec![(sx, below), (column, below), (column, above), (tx, above)];
    points.dedup();
    let mut cells: Vec<(u16, u16, Dir)> = Vec::new();
    let mut push = |x: u16, y: u16| {
        if cells.last().is_none_or(|c| (c.0, c.1) != (x, y)) {
            cells.push((x, y, Dir::NONE));
        }
    };
    push(sx, below);
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if y0 == y1 {
            let step: i32 = if x1 > x0 { 1 } else { -1 };
            let mut x = i32::from(x0);
            while x != i32::from(x1) {
                x += step;
                push(x as u16, y0);
            }
        } else {
            for y in y0 + 1..=y1 {
                push(x0, y);
            }
        }
    }
    // Connections: into the caller above the first cell, into the callee below the last.
    let n = cells.len();
    for i in 0..n {
        let (x, y, _) = cells[i];
        let mut d = Dir::NONE;
        for j in [i.checked_sub(1), (i + 1 < n).then_some(i + 1)]
            .into_iter()
            .flatten()
        {
            let (ox, oy, _) = cells[j];
            d.left |= ox < x;
            d.right |= ox > x;
            d.up |= oy < y;
            d.down |= oy > y;
        }
        d.up |= i == 0;
        d.down |= i == n - 1;
        cells[i].2 = d;
    }
    Some(cells)
}

/// Two boxes on one line (global services): a straight line between their facing sides.
fn beside(
    a: &NodeBox,
    b: &NodeBox,
    free: &dyn Fn(u16, u16) -> bool,
) -> Option<Vec<(u16, u16, Dir)>> {
    let y = a.rect.y + a.rect.height / 2;
    let (from, to) = if a.rect.x < b.rect.x {
        (a.rect.right(), b.rect.left().checked_sub(1)?)
    } else {
        (b.rect.right(), a.rect.left().checked_sub(1)?)
    };
    if to < from || !(from..=to).all(|x| free(x, y)) {
        return None;
    }
    let across = Dir {
        left: true,
        right: true,
        ..Dir::NONE
    };
    Some((from..=to).map(|x| (x, y, across)).collect())
}

#[cfg(test)]
mod tests {
    use super::super::{BoxStyle, Detail, Layering, Scene, Sugiyama};
    use super::*;

    #[test]
    fn edges_never_cross_a_box_and_join_their_two_ends() {
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            let places = Sugiyama.places(&arch);
            for detail in [Detail::Expanded, Detail::Collapsed] {
                for style in [
                    BoxStyle::Boxed,
                    BoxStyle::Compact,
                    BoxStyle::Roomy { widen: 10, gap: 2 },
                ] {
                    let s = Scene::build(&arch, &places, detail, style, true);
                    for e in &s.edges {
                        for &(x, y, _) in &e.cells {
                            assert!(
                                !s.boxes.iter().any(|bx| bx.rect.contains((x, y).into())),
                                "{}: edge {:?}→{:?} crosses a box at {x},{y}",
                                b.name,
                                e.from,
                                e.to
                            );
                        }
                        // Each end touches its box: from below or above, or from the side.
                        let touches = |n: NodeId, x: u16, y: u16| {
                            s.boxes_of(n).any(|bx| {
                                let r = bx.rect;
                                let in_x = (r.left()..r.right()).contains(&x);
                                let in_y = (r.top()..r.bottom()).contains(&y);
                                (in_x && (y == r.bottom() || y + 1 == r.top()))
                                    || (in_y && (x == r.right() || x + 1 == r.left()))
                            })
                        };
                        let (fx, fy, _) = e.cells[0];
                        let (lx, ly, _) = *e.cells.last().unwrap();
                        assert!(touches(e.from, fx, fy) || touches(e.from, lx, ly));
                        assert!(touches(e.to, lx, ly) || touches(e.to, fx, fy));
                    }
                    let calls = arch
                        .graph
                        .edge_references()
                        .filter(|e| *e.weight() == Link::Calls)
                        .count();
                    assert!(
                        s.edges.len() >= calls,
                        "{}: {} paths for {calls} calls",
                        b.name,
                        s.edges.len()
                    );
                }
            }
        }
    }
}
