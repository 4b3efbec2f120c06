//! The generated architecture the cost-against-size measurements use: `regions` active
//! regions, each running the `1m` tier's stack (load balancer, app pods, cache, queue, write
//! workers, database shards, object store), behind one DNS and one CDN. Shared by
//! `benches/sim_scale.rs` and `examples/generated_preset.rs` (which prints it, for
//! `benches/per_component.sh`).

use std::fmt::Write;

/// Database shards per region.
const SHARDS: usize = 4;

/// A preset with `regions` active regions of `6 + SHARDS` components each, behind one DNS and
/// one CDN; every region takes an equal share of 100,000 users per region.
pub fn generated(regions: usize) -> String {
    let mut t = String::new();
    let users = 100_000 * regions;
    let _ = write!(
        t,
        "title = \"generated: {regions} regions\"\n\
         [traffic]\nusers = {users}\nrps_per_user = 0.05\npeak_hour = 21\npeak_to_trough = 4\n\
         noise = 0.05\nstatic_fraction = 0.6\nwrite_fraction = 0.1\n\
         [slo]\np99_ms = 300\navailability = 0.9995\n\
         [network]\ninter_region_rtt_ms = 100\n"
    );
    let share = 1.0 / regions as f64;
    for r in 0..regions {
        let _ = write!(
            t,
            "[[region]]\nid = \"r{r}\"\nname = \"region-{r}\"\nazs = [\"a\", \"b\", \"c\"]\n\
             user_share = {share}\nuser_rtt_ms = 20\n"
        );
    }
    let entries: Vec<String> = std::iter::once("\"cdn\"".to_string())
        .chain((0..regions).map(|r| format!("\"alb{r}\"")))
        .collect();
    let stores: Vec<String> = (0..regions).map(|r| format!("\"s3-{r}\"")).collect();
    let _ = write!(
        t,
        "[[dns]]\nid = \"dns\"\nrouting = \"latency\"\nto = [{}]\n\
         [[cdn]]\nid = \"cdn\"\nhit_ratio = 0.95\nto = [{}]\n",
        entries.join(", "),
        stores.join(", ")
    );
    for r in 0..regions {
        let shards: Vec<String> = (0..SHARDS).map(|s| format!("\"db{r}-{s}\"")).collect();
        let shards = shards.join(", ");
        let _ = write!(
            t,
            "[[object_store]]\nid = \"s3-{r}\"\nregion = \"r{r}\"\n\
             [[load_balancer]]\nid = \"alb{r}\"\nregion = \"r{r}\"\nto = [\"app{r}\"]\n\
             [[containers]]\nid = \"app{r}\"\nregion = \"r{r}\"\npods = 60\npod_vcpus = 2\n\
             service_ms = 30\ndb_pool = 5\nnodes = 15\npods_per_node = 4\nmax_nodes = 200\n\
             to = [\"cache{r}\", \"queue{r}\"]\n\
             [containers.hpa]\nmin = 20\nmax = 600\ntarget_utilization = 0.5\n\
             [[cache]]\nid = \"cache{r}\"\nregion = \"r{r}\"\nhit_ratio = 0.9\n\
             working_set = 500_000\nto = [{shards}]\n\
             [[queue]]\nid = \"queue{r}\"\nregion = \"r{r}\"\nto = [\"workers{r}\"]\n\
             [[workers]]\nid = \"workers{r}\"\nregion = \"r{r}\"\ninstances = 4\nvcpus = 4\n\
             service_ms = 10\nto = [{shards}]\n\
             [workers.autoscaling]\nmin = 2\nmax = 40\nbacklog_per_worker = 800\n"
        );
        for s in 0..SHARDS {
            let _ = write!(
                t,
                "[[database]]\nid = \"db{r}-{s}\"\nregion = \"r{r}\"\nengine = \"aurora\"\n\
                 primary_az = \"a\"\nvcpus = 16\nread_ms = 3\nwrite_ms = 10\n\
                 max_connections = 3000\nshare = {}\n",
                1.0 / SHARDS as f64
            );
        }
    }
    t
}
