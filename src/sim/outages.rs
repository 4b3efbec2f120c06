//! Whole components lost (`kill-component`): a load balancer, a table, a queue or a server
//! pool that stops answering as one — a bad deploy everywhere, a broken security group, a
//! managed service's own outage. Requests sent to it fail as to a dead target (its callers
//! wait out their connect timeout), whatever its region and AZs are doing.

use super::Timed;
use crate::arch::NodeId;

/// The outages going on, and when each ends. Usually none, at most a few: asking whether a
/// component is lost looks through them.
#[derive(Debug, Clone, Default)]
pub struct Outages {
    /// Each outage, and when it ends (`None`: until restored).
    lost: Vec<Timed<NodeId>>,
}

impl Outages {
    pub fn is_out(&self, n: NodeId) -> bool {
        self.lost.iter().any(|t| t.value == n)
    }

    /// Loses `n` until `until` (a second), or until restored.
    pub fn lose(&mut self, n: NodeId, until: Option<u64>) {
        self.lost.push(Timed { value: n, until });
    }

    /// Ends the outages whose time is up at `now`; returns the components back.
    pub fn lift(&mut self, now: u64) -> Vec<NodeId> {
        let over = |t: &Timed<NodeId>| t.until.is_some_and(|u| u <= now);
        let mut ended: Vec<NodeId> = self
            .lost
            .iter()
            .filter(|t| over(t))
            .map(|t| t.value)
            .collect();
        if ended.is_empty() {
            return ended;
        }
        self.lost.retain(|t| !over(t));
        ended.sort_unstable();
        ended.dedup();
        ended.retain(|&n| !self.is_out(n));
        ended
    }

    pub fn is_empty(&self) -> bool {
        self.lost.is_empty()
    }

    /// Ends every outage.
    pub fn clear(&mut self) {
        self.lost.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_lasts_until_its_time_or_the_longest_of_two() {
        let (a, b) = (NodeId::new(0), NodeId::new(1));
        let mut o = Outages::default();
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
