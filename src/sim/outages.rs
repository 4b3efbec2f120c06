//! Whole components lost (`kill-component`): a load balancer, a table, a queue or a server
//! pool that stops answering as one — a bad deploy everywhere, a broken security group, a
//! managed service's own outage. Requests sent to it fail as to a dead target (its callers
//! wait out their connect timeout), whatever its region and AZs are doing.

use super::Timed;
use crate::arch::NodeId;

#[derive(Debug, Clone)]
pub struct Outages {
    /// Each outage, and when it ends (`None`: until restored).
    lost: Vec<Timed<NodeId>>,
    /// Per component: whether it is lost now.
    out: Vec<bool>,
}

impl Outages {
    pub fn new(components: usize) -> Self {
        Self {
            lost: Vec::new(),
            out: vec![false; components],
        }
    }

    pub fn is_out(&self, n: NodeId) -> bool {
        self.out[n.index()]
    }

    /// Loses `n` until `until` (a second), or until restored.
    pub fn lose(&mut self, n: NodeId, until: Option<u64>) {
        self.lost.push(Timed { value: n, until });
        self.out[n.index()] = true;
    }

    /// Ends the outages whose time is up at `now`; returns the components back.
    pub fn lift(&mut self, now: u64) -> Vec<NodeId> {
        let over = |t: &Timed<NodeId>| t.until.is_some_and(|u| u <= now);
        if !self.lost.iter().any(over) {
            return Vec::new();
        }
        self.lost.retain(|t| !over(t));
        self.recount()
    }

    /// Ends every outage.
    pub fn clear(&mut self) {
        self.lost.clear();
        self.recount();
    }

    /// Marks what is still lost; returns the components no longer lost.
    fn recount(&mut self) -> Vec<NodeId> {
        let mut back = Vec::new();
        for (i, out) in self.out.iter_mut().enumerate() {
            let still = self.lost.iter().any(|t| t.value.index() == i);
            if *out && !still {
                back.push(NodeId::new(i));
            }
            *out = still;
        }
        back
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_lasts_until_its_time_or_the_longest_of_two() {
        let (a, b) = (NodeId::new(0), NodeId::new(1));
        let mut o = Outages::new(2);
        o.lose(a, Some(10));
        o.lose(a, Some(20));
        o.lose(b, None);
        assert!(o.is_out(a) && o.is_out(b));
        assert!(o.lift(10).is_empty(), "the second outage of a goes on");
        assert_eq!(o.lift(20), vec![a]);
        assert!(!o.is_out(a) && o.is_out(b));
        o.clear();
        assert!(!o.is_out(b));
    }
}
