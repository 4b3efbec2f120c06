//! Writes a lost region's writers acknowledged but had not yet copied to another region
//! (replication across regions is asynchronous). They are lost only when a copy elsewhere is
//! promoted and takes writes of its own: the data then goes on without them. A region that
//! comes back before that still has them on its own storage.

use crate::arch::NodeId;

/// Per writer: the writes held back by its region's loss, until a copy is promoted (lost)
/// or the region returns (kept).
#[derive(Debug, Clone)]
pub struct Unreplicated {
    held: Vec<f64>,
}

impl Unreplicated {
    pub fn new(nodes: usize) -> Self {
        Self {
            held: vec![0.0; nodes],
        }
    }

    /// `writer`'s region is lost with `writes` not yet copied.
    pub fn hold(&mut self, writer: NodeId, writes: f64) {
        self.held[writer.index()] = writes;
    }

    /// `writer`'s region is back before any copy took over: nothing was lost.
    pub fn keep(&mut self, writer: NodeId) {
        self.held[writer.index()] = 0.0;
    }

    /// A copy of `writer` now takes writes: what it never received is lost (counted once).
    pub fn lose(&mut self, writer: NodeId) -> f64 {
        std::mem::take(&mut self.held[writer.index()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_lost_once_and_only_when_a_copy_takes_over() {
        let w = NodeId::new(1);
        let mut u = Unreplicated::new(3);
        u.hold(w, 500.0);
        assert_eq!(u.lose(w), 500.0);
        assert_eq!(u.lose(w), 0.0);
        u.hold(w, 300.0);
        u.keep(w);
        assert_eq!(u.lose(w), 0.0);
    }
}
