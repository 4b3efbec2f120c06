//! A simulated second allocates nothing: its working memory is kept from step to step, so the
//! cost of a step is arithmetic, not the allocator. Only a second that logs an event (its text
//! is new) may allocate. Counted by this test binary's own global allocator.

use archtui::sim::Simulation;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

struct Counting;

thread_local! {
    // Per thread: the test harness's own thread allocates while it reports, at moments that
    // vary from run to run, and those are not the simulation's.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: a thread being torn down has no counter left, and needs none.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Steps `seconds` and returns the seconds that allocated without logging an event.
fn allocating_seconds(sim: &mut Simulation, seconds: u64) -> Vec<(u64, u64)> {
    let mut found = Vec::new();
    for _ in 0..seconds {
        let events = sim.events().len();
        let before = allocations();
        sim.step();
        let allocated = allocations() - before;
        if allocated > 0 && sim.events().len() == events {
            found.push((sim.time(), allocated));
        }
    }
    found
}

#[test]
fn a_second_without_events_allocates_nothing_on_any_preset_or_after_a_region_is_lost() {
    for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
        let arch = Arc::new(archtui::preset::load(preset).expect("built-in preset"));
        let mut sim = Simulation::new(arch.clone(), 1);
        // Warm up: rings, rare paths and scratch grow to their size once.
        for _ in 0..600 {
            sim.step();
        }
        let found = allocating_seconds(&mut sim, 600);
        assert!(
            found.is_empty(),
            "{preset}: (second, allocations) {found:?}"
        );
        // Through a lost region (Route 53's health checks, failovers, retries).
        let region = &arch.regions[0].id;
        sim.apply(
            &format!("kill-region:{region}")
                .parse::<archtui::action::Action>()
                .expect("an action"),
        )
        .expect("applies");
        for _ in 0..300 {
            sim.step();
        }
        let found = allocating_seconds(&mut sim, 300);
        assert!(found.is_empty(), "{preset} without {region}: {found:?}");
    }
}
