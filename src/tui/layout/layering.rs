//! Which layer each component sits in and its order within the layer: the part of graph
//! drawing a layered-layout crate does well. Everything after (frames, boxes, edge routing)
//! is ours, because only we know about regions and AZs.

use crate::arch::{Architecture, Link, NodeId};
use petgraph::visit::EdgeRef;

/// A component's place in a layered drawing: layer 0 is where users' requests enter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub layer: usize,
    /// Position within the layer; only the order matters.
    pub order: f64,
}

/// Assigns layers and in-layer order to every component (indexed by `NodeId::index()`).
pub trait Layering {
    fn places(&self, arch: &Architecture) -> Vec<Place>;
}

/// The request-carrying edges, caller first. Cross-region write forwarding is left out: it
/// links two copies of the same data and would pull them into different layers.
fn call_edges(arch: &Architecture) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
    arch.graph
        .edge_references()
        .filter(|e| *e.weight() == Link::Calls)
        .map(|e| (e.source(), e.target()))
}

/// Sugiyama layering from `rust-sugiyama` (longest-path ranking refined to shorten edges, then
/// barycentre crossing reduction). Falls back to [`LongestPath`] if the crate gives up.
pub struct Sugiyama;

impl Layering for Sugiyama {
    fn places(&self, arch: &Architecture) -> Vec<Place> {
        let vertices: Vec<(u32, (f64, f64))> = arch
            .nodes()
            .map(|(n, _)| (n.index() as u32, (1.0, 1.0)))
            .collect();
        let edges: Vec<(u32, u32)> = call_edges(arch)
            .map(|(a, b)| (a.index() as u32, b.index() as u32))
            .collect();
        let config = rust_sugiyama::configure::Config {
            dummy_vertices: true,
            ..Default::default()
        };
        // The crate asserts on inputs it does not expect; a drawing is not worth a crash.
        let layouts = std::panic::catch_unwind(|| {
            rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config)
        });
        match layouts {
            Ok(layouts) => {
                from_coordinates(arch, layouts).unwrap_or_else(|| LongestPath.places(arch))
            }
            Err(_) => LongestPath.places(arch),
        }
    }
}

type Layouts = Vec<(Vec<(usize, (f64, f64))>, f64, f64)>;

/// Turns the crate's coordinates into layers: distinct heights, top first, entry at 0.
fn from_coordinates(arch: &Architecture, layouts: Layouts) -> Option<Vec<Place>> {
    let mut coords = vec![None; arch.node_count()];
    for (layout, _, _) in layouts {
        for (id, (x, y)) in layout {
            *coords.get_mut(id)? = Some((x, y));
        }
    }
    let coords: Vec<(f64, f64)> = coords.into_iter().collect::<Option<_>>()?;
    let mut heights: Vec<f64> = coords.iter().map(|c| c.1).collect();
    heights.sort_by(f64::total_cmp);
    heights.dedup();
    let mut places: Vec<Place> = coords
        .iter()
        .map(|&(x, y)| Place {
            layer: heights.partition_point(|&h| h < y),
            order: x,
        })
        .collect();
    // The crate's vertical axis may point either way; the entry goes on top.
    if places[arch.entry.index()].layer != 0 {
        let last = heights.len() - 1;
        places.iter_mut().for_each(|p| p.layer = last - p.layer);
    }
    // Every call must point down a layer or more, or the routing has nothing to follow.
    call_edges(arch)
        .all(|(a, b)| places[a.index()].layer < places[b.index()].layer)
        .then_some(places)
}

/// Longest path from the entry, in declaration order: always works on the DAG a preset is.
pub struct LongestPath;

impl Layering for LongestPath {
    fn places(&self, arch: &Architecture) -> Vec<Place> {
        let mut layer = vec![0usize; arch.node_count()];
        // `order` lists callers before callees, so one pass settles every layer.
        for &n in &arch.order {
            for (a, b) in call_edges(arch).filter(|&(a, _)| a == n) {
                layer[b.index()] = layer[b.index()].max(layer[a.index()] + 1);
            }
        }
        layer
            .into_iter()
            .enumerate()
            .map(|(i, layer)| Place {
                layer,
                order: i as f64,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_points_down_and_the_entry_is_on_top() {
        for b in crate::preset::BUILTIN {
            let arch = crate::preset::load(b.name).unwrap();
            for layering in [&Sugiyama as &dyn Layering, &LongestPath] {
                let places = layering.places(&arch);
                assert_eq!(places[arch.entry.index()].layer, 0, "{}", b.name);
                for (a, c) in call_edges(&arch) {
                    assert!(
                        places[a.index()].layer < places[c.index()].layer,
                        "{}: {a:?}→{c:?}",
                        b.name
                    );
                }
            }
        }
    }

    #[test]
    fn sugiyama_is_the_same_every_time() {
        let arch = crate::preset::load("1m").unwrap();
        assert_eq!(Sugiyama.places(&arch), Sugiyama.places(&arch));
    }
}
