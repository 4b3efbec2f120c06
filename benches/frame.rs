//! One full dashboard frame at 120×40, rendered into ratatui's `TestBackend`: every preset
//! (layout cached, as in the app; graph, metrics, events, detail and bars), and a drill in
//! progress (the drill panel in place of part of the metrics), and `10m` a simulated day in.

use archtui::drill;
use archtui::tui::{App, Options, ui};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn draw(group: &mut BenchmarkGroup<WallTime>, name: &str, mut app: App, seconds: u32) {
    for _ in 0..seconds {
        app.step();
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    group.bench_function(name, |b| {
        b.iter(|| {
            terminal.draw(|f| ui::draw(f, black_box(&mut app))).unwrap();
        })
    });
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_120x40");
    for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
        draw(
            &mut group,
            preset,
            App::new(Options::new(preset)).unwrap(),
            600,
        );
    }
    // A day in: the event log has a day's events, which a frame must not pass over one by one.
    draw(
        &mut group,
        "10m_after_a_day",
        App::new(Options::new("10m")).unwrap(),
        86_400,
    );
    let drill = drill::load("az-loss-1k").unwrap();
    let options = Options {
        drill: Some(drill),
        ..Options::new("")
    };
    // Twelve minutes in: the AZ has just gone and the checks are being decided.
    draw(
        &mut group,
        "drill_az-loss-1k",
        App::new(options).unwrap(),
        720,
    );
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
