//! One full dashboard frame per preset at 120×40, rendered into ratatui's `TestBackend`:
//! layout (cached, as in the app), graph, metrics, events, detail and bars.

use archtui::tui::{App, Options, ui};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_120x40");
    for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
        let mut app = App::new(Options {
            preset: preset.into(),
            seed: 1,
            users: None,
            high_contrast: false,
        })
        .unwrap();
        for _ in 0..600 {
            app.step();
        }
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        group.bench_function(preset, |b| {
            b.iter(|| {
                terminal.draw(|f| ui::draw(f, black_box(&mut app))).unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
