//! Where everything goes in the graph view: region frames with their AZ lanes, a box per
//! component (or per component and AZ), and an orthogonal path per call edge.
//!
//! A [`Scene`] depends only on the architecture and the space available, so the dashboard
//! builds one when the preset or the terminal size changes and reuses it for every frame.
//! Layers and in-layer order come from a [`Layering`]; frames, boxes and edge routing are
//! done here, because failure domains are ours to draw.

mod layering;
mod route;

use crate::arch::{Architecture, AzRef, Kind, NodeId};
use ratatui::layout::Rect;

pub use layering::{Layering, LongestPath, Place, Sugiyama};
pub use route::{Dir, EdgePath};

/// How much of the architecture's structure is spelled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// A box per component and AZ, inside the AZ's lane: failure domains drawn as such.
    Expanded,
    /// A box per component, its AZs summed (`×3`).
    Collapsed,
}

/// How tall a box is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxStyle {
    /// Three lines: a border carrying the name, and a line of figures.
    Boxed,
    /// One line: the name and its figures.
    Compact,
    /// Boxed, `widen` columns wider and with `gap` lines between rows: for large terminals,
    /// where the graph has room to spare (only chosen for a pane of at least [`ROOMY_PANE`]).
    Roomy { widen: u16, gap: u16 },
}

impl BoxStyle {
    fn height(self) -> u16 {
        match self {
            BoxStyle::Boxed | BoxStyle::Roomy { .. } => 3,
            BoxStyle::Compact => 1,
        }
    }

    /// Lines between one row of boxes and the next (edges run along them).
    fn gap(self) -> u16 {
        match self {
            BoxStyle::Roomy { gap, .. } => gap,
            _ => 1,
        }
    }
}

/// The smallest graph pane (columns, lines) that may get the roomy style: a 200×60 terminal's
/// is 158×43, a 120×40 one's 78×27.
pub const ROOMY_PANE: (u16, u16) = (140, 40);

/// How much wider than [`BoxStyle::Boxed`] roomy boxes may get, widest first: the graph takes
/// the widest that fits its pane, regions side by side if they fit and rows two lines apart
/// if they fit, in that order of importance.
const WIDENINGS: [u16; 6] = [10, 8, 6, 4, 2, 0];

/// A region's frame, and in the expanded view the x-range of each of its AZ lanes.
#[derive(Debug, Clone)]
pub struct RegionFrame {
    pub region: usize,
    pub rect: Rect,
    pub lanes: Vec<(AzRef, u16, u16)>,
    /// The x-range of the lane for regional services.
    pub regional: Option<(u16, u16)>,
}

/// A component's box: the whole component, or its part in one AZ.
#[derive(Debug, Clone)]
pub struct NodeBox {
    pub node: NodeId,
    pub az: Option<AzRef>,
    pub rect: Rect,
    /// The name drawn (region suffixes dropped inside their frame).
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Scene {
    pub width: u16,
    pub height: u16,
    pub detail: Detail,
    pub style: BoxStyle,
    pub frames: Vec<RegionFrame>,
    pub boxes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
}

/// Columns between boxes side by side, and between region frames.
const GAP: u16 = 2;
/// Figures shown next to a name need this many columns (`12/12 100%`).
const FIGURES: u16 = 11;

impl Scene {
    /// The most detailed scene that fits in `width` × `height`; if none does, the smallest one
    /// (the view scrolls).
    pub fn fit(arch: &Architecture, places: &[Place], width: u16, height: u16) -> Scene {
        let mut smallest: Option<Scene> = None;
        // A large pane first tries wider boxes further apart, with every AZ drawn.
        if width >= ROOMY_PANE.0 && height >= ROOMY_PANE.1 {
            for side_by_side in [true, false] {
                for gap in [2, 1] {
                    for widen in WIDENINGS {
                        let style = BoxStyle::Roomy { widen, gap };
                        let scene =
                            Scene::build(arch, places, Detail::Expanded, style, side_by_side);
                        if scene.height > height {
                            break; // narrower boxes are no shorter
                        }
                        if scene.width <= width {
                            return scene;
                        }
                    }
                }
            }
        }
        // Readable boxes matter more than per-AZ parts: three-line boxes first.
        for style in [BoxStyle::Boxed, BoxStyle::Compact] {
            for detail in [Detail::Expanded, Detail::Collapsed] {
                for side_by_side in [true, false] {
                    let scene = Scene::build(arch, places, detail, style, side_by_side);
                    if scene.width <= width && scene.height <= height {
                        return scene;
                    }
                    let area =
                        u32::from(scene.width.max(width)) * u32::from(scene.height.max(height));
                    if smallest.as_ref().is_none_or(|s| {
                        area < u32::from(s.width.max(width)) * u32::from(s.height.max(height))
                    }) {
                        smallest = Some(scene);
                    }
                }
            }
        }
        smallest.expect("at least one scene was built")
    }

    pub fn build(
        arch: &Architecture,
        places: &[Place],
        detail: Detail,
        style: BoxStyle,
        side_by_side: bool,
    ) -> Scene {
        let mut boxes = Vec::new();
        let h = style.height();

        // Global services on top, side by side.
        let mut global: Vec<NodeId> = arch
            .nodes()
            .filter(|(_, c)| c.region.is_none())
            .map(|(n, _)| n)
            .collect();
        sort_by_place(&mut global, places);
        let global_w: u16 = global
            .iter()
            .map(|&n| box_width(&arch.graph[n].id, style) + GAP)
            .sum::<u16>()
            .saturating_sub(GAP);
        let top = if global.is_empty() {
            0
        } else {
            h + style.gap()
        };

        // Each region on its own, then arranged.
        let plans: Vec<RegionPlan> = (0..arch.regions.len())
            .map(|r| RegionPlan::new(arch, places, r, detail, style))
            .collect();
        let align = side_by_side.then(|| {
            let layers = plans.iter().map(|p| p.rows.len()).max().unwrap_or(0);
            (0..layers)
                .map(|l| {
                    plans
                        .iter()
                        .map(|p| p.rows.get(l).map_or(0, Vec::len))
                        .max()
                        .unwrap_or(0)
                })
                .collect::<Vec<_>>()
        });
        let mut frames = Vec::new();
        let (mut x, mut y) = (0u16, top);
        let mut width = global_w;
        let mut bottom = top;
        for plan in &plans {
            let frame = plan.place(arch, x, y, style, align.as_deref(), &mut boxes);
            width = width.max(frame.rect.right());
            bottom = bottom.max(frame.rect.bottom());
            if side_by_side {
                x = frame.rect.right() + GAP;
            } else {
                y = frame.rect.bottom() + 1;
            }
            frames.push(frame);
        }

        // Centre the global services over everything below them.
        let mut gx = (width - global_w.min(width)) / 2;
        for &n in &global {
            let name = arch.graph[n].id.clone();
            let w = box_width(&name, style);
            boxes.push(NodeBox {
                node: n,
                az: None,
                rect: Rect::new(gx, 0, w, h),
                name,
            });
            gx += w + GAP;
        }

        let height = bottom.max(if global.is_empty() { 0 } else { h });
        let edges = route::edges(arch, &boxes, &frames, width, height);
        Scene {
            width,
            height,
            detail,
            style,
            frames,
            boxes,
            edges,
        }
    }

    /// The boxes of one component.
    pub fn boxes_of(&self, node: NodeId) -> impl Iterator<Item = &NodeBox> {
        self.boxes.iter().filter(move |b| b.node == node)
    }

    /// The components in reading order (top to bottom, left to right), for Tab.
    pub fn reading_order(&self) -> Vec<NodeId> {
        let mut firsts: Vec<(u16, u16, NodeId)> = Vec::new();
        for b in &self.boxes {
            if !firsts.iter().any(|f| f.2 == b.node) {
                firsts.push((b.rect.y, b.rect.x, b.node));
            }
        }
        firsts.sort_by_key(|f| (f.0, f.1, f.2.index()));
        firsts.into_iter().map(|f| f.2).collect()
    }

    /// The component nearest to `from` in a direction, for the arrow keys. Up and down: the
    /// nearest row of boxes ahead, and in it a box level with it (in its columns), then one
    /// it calls or is called by, then the nearest sideways — ↓ from the DNS is the load
    /// balancer under it even when another box further down lines up with it better.
    /// Sideways: only boxes level with it (on its rows), nearest first, one it calls first.
    /// A component drawn once per AZ moves as the row of its boxes.
    pub fn neighbour(&self, from: NodeId, dx: i32, dy: i32) -> Option<NodeId> {
        // The rows a box covers, or its columns.
        let span = |r: &Rect, rows: bool| {
            let (start, len) = if rows {
                (r.y, r.height)
            } else {
                (r.x, r.width)
            };
            (i32::from(start), i32::from(start) + i32::from(len))
        };
        let centre = |r: &Rect| {
            (
                i32::from(r.x) + i32::from(r.width) / 2,
                i32::from(r.y) + i32::from(r.height) / 2,
            )
        };
        let start = self
            .boxes_of(from)
            .map(|b| b.rect)
            .reduce(|a, b| a.union(b))?;
        let (sx, sy) = centre(&start);
        let horizontal = dx != 0;
        let (s_lo, s_hi) = span(&start, horizontal);
        let (a_lo, a_hi) = span(&start, !horizontal);
        let forward = dx + dy;
        self.boxes
            .iter()
            .filter(|b| b.node != from)
            .filter_map(|b| {
                let (x, y) = centre(&b.rect);
                let (ax, ay) = (x - sx, y - sy);
                if ax * dx + ay * dy <= 0 {
                    return None;
                }
                let (lo, hi) = span(&b.rect, horizontal);
                let level = lo < s_hi && s_lo < hi;
                if horizontal && !level {
                    return None;
                }
                let (b_lo, b_hi) = span(&b.rect, !horizontal);
                let gap = if forward > 0 {
                    b_lo - a_hi
                } else {
                    a_lo - b_hi
                }
                .max(0);
                let linked = self.edges.iter().any(|e| {
                    (e.from == from && e.to == b.node) || (e.to == from && e.from == b.node)
                });
                let side = (ax * dy).abs() + (ay * dx).abs();
                // Ties go to the box first in reading order.
                Some(((gap, !level, !linked, side, b.rect.x, b.rect.y), b.node))
            })
            .min_by_key(|&(cost, n)| (cost, n.index()))
            .map(|(_, n)| n)
    }

    /// The component under a point of the scene.
    pub fn hit(&self, x: u16, y: u16) -> Option<NodeId> {
        self.boxes
            .iter()
            .find(|b| b.rect.contains((x, y).into()))
            .map(|b| b.node)
    }
}

/// A region's rows: one list per layer, each list a set of sub-rows that can share a line.
struct RegionPlan {
    region: usize,
    rows: Vec<Vec<SubRow>>,
    /// Expanded: the AZ lanes' widths; collapsed: empty.
    lanes: Vec<(AzRef, u16)>,
    /// Expanded: the width of the lane for regional services (queue, storage), if any.
    regional: Option<u16>,
    inner_width: u16,
}

/// Components drawn on one line of boxes.
#[derive(Debug, Clone, Default)]
struct SubRow {
    /// Collapsed: every component of the layer. Expanded: components with a part per AZ.
    nodes: Vec<NodeId>,
    /// Expanded: load balancers, stretched over the AZ lanes they balance across.
    spanning: bool,
    /// Expanded: a regional service in the regional lane.
    regional: Option<NodeId>,
}

impl RegionPlan {
    fn new(
        arch: &Architecture,
        places: &[Place],
        region: usize,
        detail: Detail,
        style: BoxStyle,
    ) -> Self {
        let mut members: Vec<NodeId> = arch
            .nodes()
            .filter(|(_, c)| c.region == Some(region))
            .map(|(n, _)| n)
            .collect();
        sort_by_place(&mut members, places);
        let mut layers: Vec<usize> = members.iter().map(|n| places[n.index()].layer).collect();
        layers.dedup();

        let r = &arch.regions[region];
        let name_w = |n: NodeId| box_width(&short_name(arch, n), style);
        let mut rows = Vec::new();
        for layer in layers {
            let here: Vec<NodeId> = members
                .iter()
                .copied()
                .filter(|n| places[n.index()].layer == layer)
                .collect();
            rows.push(match detail {
                Detail::Collapsed => vec![SubRow {
                    nodes: here,
                    ..SubRow::default()
                }],
                Detail::Expanded => expanded_sub_rows(arch, &here),
            });
        }

        let (lanes, regional) = match detail {
            Detail::Collapsed => (Vec::new(), None),
            Detail::Expanded => {
                let lanes = (0..r.azs.len())
                    .map(|az| {
                        let az = AzRef { region, az };
                        let widest = members
                            .iter()
                            .filter(|&&n| part_azs(arch, n).contains(&az))
                            .map(|&n| name_w(n))
                            .max()
                            .unwrap_or(0);
                        (az, widest.max(box_width("AZ a", style)) + 2)
                    })
                    .collect();
                let regional = rows
                    .iter()
                    .flatten()
                    .filter_map(|s| s.regional)
                    .map(|n| name_w(n) + 2)
                    .max();
                (lanes, regional)
            }
        };

        let lanes_w: u16 = lanes
            .iter()
            .map(|l: &(AzRef, u16)| l.1 + 1)
            .sum::<u16>()
            .saturating_sub(1);
        let spanning_w = rows
            .iter()
            .flatten()
            .filter(|s| detail == Detail::Collapsed || s.spanning)
            .map(|s| s.nodes.iter().map(|&n| name_w(n) + GAP).sum::<u16>() + GAP)
            .max()
            .unwrap_or(0);
        let title_w = r.id.len() as u16 + 16 + 4 * r.azs.len() as u16;
        let mut lanes = lanes;
        // AZ lanes share out any width the spanning rows or the title need.
        let regional_w = regional.map_or(0, |w| w + 1);
        let needed = spanning_w.max(title_w.saturating_sub(regional_w));
        if let Some(last) = lanes.last_mut() {
            last.1 += needed.saturating_sub(lanes_w);
        }
        let lanes_w = lanes_w.max(needed);
        RegionPlan {
            region,
            rows,
            lanes,
            regional,
            inner_width: if detail == Detail::Collapsed {
                needed
            } else {
                lanes_w + regional_w
            },
        }
    }

    /// Places the frame at (x, y) and pushes the boxes. With `align`, each layer takes that
    /// many sub-rows, so regions side by side line up.
    fn place(
        &self,
        arch: &Architecture,
        x: u16,
        y: u16,
        style: BoxStyle,
        align: Option<&[usize]>,
        boxes: &mut Vec<NodeBox>,
    ) -> RegionFrame {
        let h = style.height();
        let inner_x = x + 1;
        let mut lanes = Vec::new();
        let mut lx = inner_x;
        for &(az, w) in &self.lanes {
            lanes.push((az, lx, w));
            lx += w + 1;
        }
        let lanes_w = lx.saturating_sub(inner_x + 1);
        let regional = self.regional.map(|w| (lx, w));
        let mut push = |n: NodeId, az: Option<AzRef>, x: u16, y: u16, w: u16| {
            boxes.push(NodeBox {
                node: n,
                az,
                rect: Rect::new(x, y, w, h),
                name: short_name(arch, n),
            })
        };
        // Header line (AZ names) then a gap line for edges coming in from above.
        let mut row_y = y + 2 + style.gap();
        for (l, row) in self.rows.iter().enumerate() {
            for sub in row {
                let width_of = |n: NodeId| box_width(&short_name(arch, n), style);
                if self.lanes.is_empty() || sub.spanning {
                    // Equal slots over the AZ lanes (or the whole frame when collapsed).
                    let total = if self.lanes.is_empty() {
                        self.inner_width
                    } else {
                        lanes_w
                    };
                    let slot = total / sub.nodes.len().max(1) as u16;
                    for (i, &n) in sub.nodes.iter().enumerate() {
                        let w = if sub.spanning {
                            slot.saturating_sub(4).max(width_of(n))
                        } else {
                            width_of(n)
                        };
                        push(
                            n,
                            None,
                            inner_x + slot * i as u16 + slot.saturating_sub(w) / 2,
                            row_y,
                            w,
                        );
                    }
                } else {
                    for &n in &sub.nodes {
                        let w = width_of(n);
                        for az in part_azs(arch, n) {
                            if let Some(&(_, lane_x, lane_w)) = lanes.iter().find(|l| l.0 == az) {
                                push(n, Some(az), lane_x + lane_w.saturating_sub(w) / 2, row_y, w);
                            }
                        }
                    }
                    if let (Some(n), Some((rx, rw))) = (sub.regional, regional) {
                        let w = width_of(n);
                        push(n, None, rx + rw.saturating_sub(w) / 2, row_y, w);
                    }
                }
                row_y += h + style.gap();
            }
            let wanted = align.and_then(|a| a.get(l)).copied().unwrap_or(row.len());
            row_y += (h + style.gap()) * wanted.saturating_sub(row.len()) as u16;
        }
        let rect = Rect::new(x, y, self.inner_width + 2, row_y - y);
        RegionFrame {
            region: self.region,
            rect,
            lanes: lanes.into_iter().map(|(az, x, w)| (az, x, x + w)).collect(),
            regional: regional.map(|(x, w)| (x, x + w)),
        }
    }
}

/// Splits one layer's components into lines: load balancers on a line of their own, the
/// other regional services one per line in the regional lane, per-AZ components sharing a
/// line when their AZs do not collide.
fn expanded_sub_rows(arch: &Architecture, here: &[NodeId]) -> Vec<SubRow> {
    let mut subs: Vec<SubRow> = Vec::new();
    for &n in here {
        let azs = part_azs(arch, n);
        if matches!(arch.graph[n].kind, Kind::LoadBalancer(_)) {
            match subs.iter_mut().find(|s| s.spanning && s.nodes.len() < 3) {
                Some(s) => s.nodes.push(n),
                None => subs.push(SubRow {
                    nodes: vec![n],
                    spanning: true,
                    regional: None,
                }),
            }
        } else if azs.is_empty() {
            match subs
                .iter_mut()
                .find(|s| !s.spanning && s.regional.is_none())
            {
                Some(s) => s.regional = Some(n),
                None => subs.push(SubRow {
                    regional: Some(n),
                    ..SubRow::default()
                }),
            }
        } else {
            let fits = |s: &SubRow| {
                !s.spanning
                    && s.nodes
                        .iter()
                        .all(|&m| part_azs(arch, m).iter().all(|a| !azs.contains(a)))
            };
            match subs.iter_mut().find(|s| fits(s)) {
                Some(s) => s.nodes.push(n),
                None => subs.push(SubRow {
                    nodes: vec![n],
                    ..SubRow::default()
                }),
            }
        }
    }
    subs
}

/// The AZs a component has a part of its own in (instances, cache nodes, database copies).
pub fn part_azs(arch: &Architecture, n: NodeId) -> Vec<AzRef> {
    let c = &arch.graph[n];
    let mut azs = match &c.kind {
        Kind::Pool(_) | Kind::Cache(_) => c.azs.clone(),
        Kind::Database(db) => {
            let mut azs = vec![db.primary_az];
            azs.extend(db.standby_az);
            azs.extend(db.replicas.iter().flat_map(|r| r.azs.iter().copied()));
            azs
        }
        _ => Vec::new(),
    };
    azs.sort();
    azs.dedup();
    azs
}

/// The id without its region's suffix (`app-tokyo` is `app` inside the Tokyo frame).
pub fn short_name(arch: &Architecture, n: NodeId) -> String {
    let c = &arch.graph[n];
    let Some(region) = c.region else {
        return c.id.clone();
    };
    let suffix = format!("-{}", arch.regions[region].id);
    c.id.strip_suffix(&suffix)
        .filter(|s| !s.is_empty())
        .unwrap_or(&c.id)
        .to_string()
}

fn box_width(name: &str, style: BoxStyle) -> u16 {
    let name = name.chars().count() as u16;
    match style {
        BoxStyle::Boxed => (name + 4).max(FIGURES + 2),
        BoxStyle::Roomy { widen, .. } => (name + 4).max(FIGURES + 2) + widen,
        BoxStyle::Compact => name + 1 + FIGURES.min(8),
    }
}

fn sort_by_place(nodes: &mut [NodeId], places: &[Place]) {
    nodes.sort_by(|a, b| {
        let (pa, pb) = (places[a.index()], places[b.index()]);
        pa.layer
            .cmp(&pb.layer)
            .then(pa.order.total_cmp(&pb.order))
            .then(a.index().cmp(&b.index()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: Rect, b: Rect) -> bool {
        a.intersects(b)
    }

    #[test]
    fn no_two_boxes_overlap_and_every_component_is_drawn() {
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            let places = Sugiyama.places(&arch);
            for detail in [Detail::Expanded, Detail::Collapsed] {
                for style in [
                    BoxStyle::Boxed,
                    BoxStyle::Compact,
                    BoxStyle::Roomy { widen: 10, gap: 2 },
                ] {
                    for side in [true, false] {
                        let s = Scene::build(&arch, &places, detail, style, side);
                        for (i, a) in s.boxes.iter().enumerate() {
                            for c in &s.boxes[i + 1..] {
                                assert!(
                                    !overlaps(a.rect, c.rect),
                                    "{} {detail:?} {style:?}: {a:?} and {c:?}",
                                    b.name
                                );
                            }
                            assert!(a.rect.right() <= s.width && a.rect.bottom() <= s.height);
                        }
                        for (n, _) in arch.nodes() {
                            assert!(s.boxes_of(n).next().is_some(), "{}: {n:?} missing", b.name);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_expanded_view_puts_each_part_in_its_az_lane() {
        let arch = crate::preset::load("1k").unwrap();
        let s = Scene::build(
            &arch,
            &Sugiyama.places(&arch),
            Detail::Expanded,
            BoxStyle::Boxed,
            true,
        );
        for b in s.boxes.iter().filter(|b| b.az.is_some()) {
            let (_, x0, x1) = s.frames[0]
                .lanes
                .iter()
                .find(|l| Some(l.0) == b.az)
                .copied()
                .unwrap();
            assert!(
                b.rect.x >= x0 && b.rect.right() <= x1,
                "{b:?} outside its lane {x0}..{x1}"
            );
        }
        assert!(s.boxes.iter().filter(|b| b.az.is_some()).count() >= 4);
    }

    #[test]
    fn a_large_pane_gets_roomy_boxes_and_a_120_by_40_one_never_does() {
        let arch = crate::preset::load("1k").unwrap();
        let places = Sugiyama.places(&arch);
        let big = Scene::fit(&arch, &places, 158, 43);
        assert!(
            matches!(big.style, BoxStyle::Roomy { .. }),
            "{:?}",
            big.style
        );
        assert_eq!(big.detail, Detail::Expanded);
        let normal = Scene::fit(&arch, &places, 78, 27);
        assert!(big.width > normal.width && big.height > normal.height);
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            let s = Scene::fit(&arch, &Sugiyama.places(&arch), 78, 27);
            assert!(!matches!(s.style, BoxStyle::Roomy { .. }), "{}", b.name);
        }
    }

    /// At 200×60 every tier's boxes grow into the room the pane has, and still fit it.
    #[test]
    fn a_200_by_60_pane_widens_the_boxes_of_every_preset() {
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            let places = Sugiyama.places(&arch);
            let s = Scene::fit(&arch, &places, 158, 43);
            let BoxStyle::Roomy { widen, .. } = s.style else {
                panic!("{}: {:?}", b.name, s.style);
            };
            assert!(widen > 0 && s.width <= 158 && s.height <= 43, "{}", b.name);
            let beside = s.frames.windows(2).all(|f| f[0].rect.y == f[1].rect.y);
            assert!(beside, "{}: regions side by side", b.name);
        }
    }

    #[test]
    fn every_tier_fits_a_120_by_40_dashboard_without_scrolling() {
        // The graph pane of a 120×40 terminal (see ui::screen) is at least 78×25.
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            let s = Scene::fit(&arch, &Sugiyama.places(&arch), 78, 25);
            assert!(
                s.width <= 78 && s.height <= 25,
                "{}: {}×{}",
                b.name,
                s.width,
                s.height
            );
        }
    }
}
