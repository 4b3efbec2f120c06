//! The failure domains of an architecture: what can be lost together, as the fault that loses
//! it, and the components it takes with it.

use crate::action::Action;
use crate::arch::{Architecture, Kind, NodeId};

/// One failure domain.
#[derive(Debug, Clone)]
pub struct Domain {
    /// What is lost, for people: `AZ seoul/a`, `database primary shard1`.
    pub name: String,
    /// The fault that loses it.
    pub action: Action,
    /// The component whose loss it is, when it is one component's.
    pub component: Option<NodeId>,
}

/// Every failure domain: each region, each AZ, one instance of each scaling group, each
/// server pool's instances in one AZ, each cache, each database writer, and each component
/// as a whole.
pub fn of(arch: &Architecture) -> Vec<Domain> {
    let mut domains = Vec::new();
    let parse = |text: &str| Action::parse(text).expect("a well-formed action");
    for region in &arch.regions {
        domains.push(Domain {
            name: format!("region {}", region.id),
            action: parse(&format!("kill-region:{}", region.id)),
            component: None,
        });
    }
    for az in arch.all_azs() {
        let name = arch.az_name(az);
        domains.push(Domain {
            name: format!("AZ {name}"),
            action: parse(&format!("kill-az:{name}")),
            component: None,
        });
    }
    for (n, group) in arch.groups() {
        domains.push(Domain {
            name: format!("an instance of {group}"),
            action: parse(&format!("kill-instance:{group}")),
            component: Some(n),
        });
    }
    // A server pool's instances in one AZ (a bad deploy there), when it spans several.
    for (n, c) in arch.nodes() {
        if matches!(c.kind, Kind::Pool(_)) && c.azs.len() > 1 {
            for &az in &c.azs {
                let name = arch.az_name(az);
                domains.push(Domain {
                    name: format!("{} in AZ {name}", c.id),
                    action: parse(&format!("kill-instances:{}:{name}", c.id)),
                    component: Some(n),
                });
            }
        }
    }
    for (n, c) in arch.nodes() {
        match &c.kind {
            Kind::Cache(_) => domains.push(Domain {
                name: format!("cache {}", c.id),
                action: parse(&format!("drop-cache:{}", c.id)),
                component: Some(n),
            }),
            Kind::Database(db) if db.replicates_from.is_none() => domains.push(Domain {
                name: format!("database primary {}", c.id),
                action: parse(&format!("kill-db-primary:{}", c.id)),
                component: Some(n),
            }),
            _ => {}
        }
    }
    // A whole component, however it is spread: what the graph alone reasons about.
    for (n, c) in arch.nodes() {
        domains.push(Domain {
            name: format!("all of {}", c.id),
            action: parse(&format!("kill-component:{}", c.id)),
            component: Some(n),
        });
    }
    // Every domain's fault must be one the architecture accepts.
    domains.retain(|d| d.action.check(arch).is_ok());
    domains
}
