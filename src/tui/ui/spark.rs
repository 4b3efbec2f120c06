//! One-line sparklines inside text, for places too small for ratatui's `Sparkline` widget.

use super::super::history::View;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A chart's values as bars, scaled to the largest of them (or to `ceiling` if given).
pub fn inline(view: &View, width: usize, ceiling: Option<f64>) -> String {
    let top = ceiling.unwrap_or_else(|| view.max());
    let skip = view.values.len().saturating_sub(width);
    let mut out: String = view.values[skip..]
        .iter()
        .map(|&v| {
            if top <= 0.0 || v <= 0.0 {
                BARS[0]
            } else {
                let i = (v / top * (BARS.len() - 1) as f64).round() as usize;
                BARS[i.min(BARS.len() - 1)]
            }
        })
        .collect();
    // Right-aligned: the newest value always sits at the same place.
    let missing = width.saturating_sub(out.chars().count());
    out.insert_str(0, &" ".repeat(missing));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::history::{Series, Window};

    #[test]
    fn bars_scale_to_the_largest_value() {
        let mut s = Series::default();
        for v in [0.0, 1.0, 2.0, 4.0] {
            s.push(v);
        }
        let live = |w| s.view(Window::Live, w);
        assert_eq!(inline(&live(4), 4, None), "▁▃▅█");
        assert_eq!(inline(&live(6), 6, None), "  ▁▃▅█");
        assert_eq!(inline(&live(2), 2, Some(8.0)), "▃▅");
    }
}
