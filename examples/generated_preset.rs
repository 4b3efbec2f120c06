//! Prints the generated architecture of `benches/common/generated.rs` as a preset file:
//! `cargo run --release --example generated_preset -- 500 > g500.toml` gives 500 regions,
//! 5,002 components (see `benches/per_component.sh`).

#[path = "../benches/common/generated.rs"]
mod generated;

fn main() {
    let regions = std::env::args()
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    match regions {
        Some(regions) if regions > 0 => print!("{}", generated::generated(regions)),
        _ => {
            eprintln!("usage: generated_preset REGIONS (a whole number above 0)");
            std::process::exit(2);
        }
    }
}
