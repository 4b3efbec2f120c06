//! One-line sparklines inside text, for places too small for ratatui's `Sparkline` widget.

use super::super::history::Series;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `width` values as bars, scaled to the largest of them (or to `ceiling` if given).
pub fn inline(series: &Series, width: usize, ceiling: Option<f64>) -> String {
    let top = ceiling.unwrap_or_else(|| series.max_of_tail(width));
    let mut out: String = series
        .tail(width)
        .map(|v| {
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

    #[test]
    fn bars_scale_to_the_largest_value() {
        let mut s = Series::default();
        for v in [0.0, 1.0, 2.0, 4.0] {
            s.push(v);
        }
        assert_eq!(inline(&s, 4, None), "▁▃▅█");
        assert_eq!(inline(&s, 6, None), "  ▁▃▅█");
        assert_eq!(inline(&s, 2, Some(8.0)), "▃▅");
    }
}
