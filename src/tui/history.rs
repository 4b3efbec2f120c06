//! The run's history for the charts: the recent past one sample per simulated second, the
//! whole run downsampled. Recorded after each step, never while drawing.

use crate::arch::{Architecture, NodeId};
use crate::sim::{NodeState, Simulation};
use std::collections::VecDeque;

/// Seconds kept one by one: more than the widest sparkline.
pub const KEEP: usize = 600;
/// The whole run is kept too, as means over buckets of `bucket_s` seconds; past this many
/// buckets, pairs merge and the buckets double, so memory stays bounded however long it runs.
const COARSE_MOST: usize = 720;
/// The first buckets' length (seconds).
const FIRST_BUCKET_S: u64 = 10;
/// The last hour is kept too, minute by minute: the whole run's buckets grow past an hour in
/// a long run, and the hour's chart would be down to a column or two.
const MINUTES: usize = 60;

/// What the charts cover: the last seconds one per column, or a longer span downsampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// One simulated second a column: as many as fit.
    #[default]
    Live,
    TenMinutes,
    Hour,
    /// Since the run started.
    Run,
}

impl Window {
    pub const ALL: [Window; 4] = [Window::Live, Window::TenMinutes, Window::Hour, Window::Run];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|&w| w == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Seconds it covers (`None`: the whole run; Live: one a column).
    fn span_s(self) -> Option<u64> {
        match self {
            Window::Live => Some(0),
            Window::TenMinutes => Some(600),
            Window::Hour => Some(3_600),
            Window::Run => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::Live => "live",
            Window::TenMinutes => "10 min",
            Window::Hour => "1 h",
            Window::Run => "whole run",
        }
    }

    /// The narrowest window that shows a moment `ago` seconds back on `width` columns.
    pub fn covering(ago: u64, width: usize) -> Self {
        match ago {
            a if a < width as u64 => Window::Live,
            a if a < 600 => Window::TenMinutes,
            a if a < 3_600 => Window::Hour,
            _ => Window::Run,
        }
    }
}

/// A series as a chart shows it: values oldest first, and the seconds each column spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub values: Vec<f64>,
    pub column_s: f64,
}

impl View {
    pub fn max(&self) -> f64 {
        self.values.iter().copied().fold(0.0, f64::max)
    }

    /// The column (counted from the left of `width`, the newest at the right) where the
    /// moment `ago` seconds back falls, if it is on the chart.
    pub fn column(&self, ago: u64, width: usize) -> Option<usize> {
        let back = (ago as f64 / self.column_s.max(1.0)).floor() as usize;
        (back < self.values.len().min(width)).then(|| width - 1 - back)
    }
}

/// A series of one value a simulated second: the last `KEEP` one by one, the whole run in
/// buckets.
#[derive(Debug, Clone)]
pub struct Series {
    recent: VecDeque<f64>,
    coarse: Vec<f64>,
    bucket_s: u64,
    sum: f64,
    n: u64,
    /// The last `MINUTES` whole minutes' means, and the minute under way's sum and count.
    minutes: VecDeque<f64>,
    minute_sum: f64,
    minute_n: u64,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            recent: VecDeque::new(),
            coarse: Vec::new(),
            bucket_s: FIRST_BUCKET_S,
            sum: 0.0,
            n: 0,
            minutes: VecDeque::new(),
            minute_sum: 0.0,
            minute_n: 0,
        }
    }
}

impl Series {
    pub fn push(&mut self, value: f64) {
        let value = if value.is_finite() { value } else { 0.0 };
        if self.recent.len() == KEEP {
            self.recent.pop_front();
        }
        self.recent.push_back(value);
        self.minute_sum += value;
        self.minute_n += 1;
        if self.minute_n == 60 {
            if self.minutes.len() == MINUTES {
                self.minutes.pop_front();
            }
            self.minutes.push_back(self.minute_sum / 60.0);
            (self.minute_sum, self.minute_n) = (0.0, 0);
        }
        self.sum += value;
        self.n += 1;
        if self.n == self.bucket_s {
            self.coarse.push(self.sum / self.n as f64);
            (self.sum, self.n) = (0.0, 0);
            if self.coarse.len() == 2 * COARSE_MOST {
                self.coarse = self.coarse.chunks(2).map(|p| (p[0] + p[1]) / 2.0).collect();
                self.bucket_s *= 2;
            }
        }
    }

    pub fn last(&self) -> Option<f64> {
        self.recent.back().copied()
    }

    /// The last `n` values (fewer if there are fewer), oldest first.
    fn tail(&self, n: usize) -> impl Iterator<Item = f64> + '_ {
        self.recent
            .iter()
            .skip(self.recent.len().saturating_sub(n))
            .copied()
    }

    /// The series over `window` on `width` columns: each column the mean of the seconds it
    /// spans (the newest column may span fewer).
    pub fn view(&self, window: Window, width: usize) -> View {
        let width = width.max(1);
        let seconds = self.coarse.len() as u64 * self.bucket_s + self.n;
        let span = window.span_s().unwrap_or(seconds);
        if span == 0 {
            return View {
                values: self.tail(width).collect(),
                column_s: 1.0,
            };
        }
        // One by one while the span fits in what is kept so; minutes up to an hour; buckets
        // beyond.
        let (source, unit): (Vec<f64>, f64) = if span <= KEEP as u64 || seconds <= KEEP as u64 {
            (self.tail(span as usize).collect(), 1.0)
        } else if span <= (MINUTES * 60) as u64 {
            let whole = (span / 60) as usize;
            let mut v: Vec<f64> = self
                .minutes
                .iter()
                .skip(self.minutes.len().saturating_sub(whole))
                .copied()
                .collect();
            if self.minute_n > 0 {
                v.push(self.minute_sum / self.minute_n as f64);
            }
            (v, 60.0)
        } else {
            let buckets = span.div_ceil(self.bucket_s) as usize;
            let mut v: Vec<f64> = self.coarse[self.coarse.len().saturating_sub(buckets)..].to_vec();
            if self.n > 0 {
                v.push(self.sum / self.n as f64);
            }
            (v, self.bucket_s as f64)
        };
        // Every column that the values can fill: the values spread over them evenly (some
        // columns one more than others), so the chart fills its width, newest at the right.
        let columns = width.min(source.len());
        let bound = |k: usize| k * source.len() / columns;
        let values = (0..columns)
            .map(|k| {
                let chunk = &source[bound(k)..bound(k + 1)];
                chunk.iter().sum::<f64>() / chunk.len() as f64
            })
            .collect();
        View {
            values,
            column_s: unit * source.len() as f64 / columns.max(1) as f64,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct History {
    pub offered: Series,
    pub served: Series,
    pub error_rate: Series,
    pub p50: Series,
    pub p99: Series,
    /// Instances in service per scaling group: (component, group id, series).
    pub groups: Vec<(NodeId, String, Series)>,
    /// Per component: utilisation of its busiest station, requests arriving per second, and
    /// the share of them failing there.
    pub utilization: Vec<Series>,
    pub arrivals: Vec<Series>,
    pub failing: Vec<Series>,
}

impl History {
    pub fn new(arch: &Architecture) -> Self {
        Self {
            groups: arch
                .groups()
                .map(|(n, id)| (n, id, Series::default()))
                .collect(),
            utilization: vec![Series::default(); arch.node_count()],
            arrivals: vec![Series::default(); arch.node_count()],
            failing: vec![Series::default(); arch.node_count()],
            ..Self::default()
        }
    }

    pub fn record(&mut self, sim: &Simulation) {
        let last = sim.last();
        self.offered.push(last.offered_total());
        self.served.push(last.served);
        self.error_rate.push(last.error_rate());
        let [p50, p99] = sim.p50_p99_ms();
        self.p50.push(p50.unwrap_or(0.0));
        self.p99.push(p99.unwrap_or(0.0));
        for (n, id, series) in &mut self.groups {
            let serving = match sim.node(*n) {
                NodeState::Pool(p) => p.serving(),
                NodeState::Database(db) => db.readers_serving(),
                _ => 0,
            };
            let _ = id;
            series.push(f64::from(serving));
        }
        for (n, _) in sim.arch().nodes() {
            self.utilization[n.index()].push(utilization(sim, n));
            let flow = sim.node_flow(n);
            self.arrivals[n.index()].push(flow.arrived[..3].iter().sum());
            self.failing[n.index()].push(super::view::failing_share(sim, n));
        }
    }
}

/// Offered work over capacity of a component's busiest station (0 when it has none).
pub fn utilization(sim: &Simulation, n: NodeId) -> f64 {
    match sim.node(n) {
        NodeState::Pool(p) => p.utilization,
        NodeState::Database(db) => db
            .writer_utilization
            .max(db.replicas.as_ref().map_or(0.0, |r| r.utilization)),
        NodeState::Cache(c) => c.utilization,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: impl IntoIterator<Item = f64>) -> Series {
        let mut s = Series::default();
        for v in values {
            s.push(v);
        }
        s
    }

    #[test]
    fn live_is_one_second_a_column_and_longer_windows_average_theirs() {
        let s = series((0..600).map(f64::from));
        let live = s.view(Window::Live, 4);
        assert_eq!(live.values, [596.0, 597.0, 598.0, 599.0]);
        // Ten minutes on 60 columns: ten seconds each, the newest at the right.
        let ten = s.view(Window::TenMinutes, 60);
        assert_eq!(ten.values.len(), 60);
        assert_eq!(ten.column_s, 10.0);
        assert_eq!(
            ten.values[59],
            (590..600).map(f64::from).sum::<f64>() / 10.0
        );
        assert_eq!(ten.values[0], 4.5);
    }

    #[test]
    fn the_whole_run_is_kept_in_bounded_memory() {
        // Four simulated days.
        let s = series((0..345_600).map(|t| f64::from(t / 3_600)));
        assert!(s.coarse.len() < 2 * COARSE_MOST, "{}", s.coarse.len());
        let run = s.view(Window::Run, 96);
        assert!(run.values.len() <= 96);
        // The first column is the first hours', the last the last hour's.
        assert!(run.values[0] < 2.0, "{:?}", &run.values[..3]);
        assert!((run.values[run.values.len() - 1] - 95.0).abs() < 1.0);
        // An hour: the last hour's value (its oldest bucket reaches a little further back).
        let hour = s.view(Window::Hour, 60);
        assert!(
            hour.values[1..].iter().all(|&v| (v - 95.0).abs() < 1e-9),
            "{hour:?}"
        );
        assert!((hour.values[0] - 95.0).abs() < 1.0, "{hour:?}");
    }

    #[test]
    fn the_last_hour_keeps_its_minutes_however_long_the_run() {
        // A thousand hours in (at 1000×, a presenter gets there in an hour): the run's
        // buckets span most of an hour each, and the hour still shows each of its minutes.
        let s = series((0..3_600_000).map(|t| f64::from(t / 60 % 7)));
        assert!(s.bucket_s > 1_800, "{}", s.bucket_s);
        let hour = s.view(Window::Hour, 37);
        assert_eq!(hour.values.len(), 37, "the chart's width, filled: {hour:?}");
        assert!((hour.column_s - 3_600.0 / 37.0).abs() < 1e-9, "{hour:?}");
        let wide = s.view(Window::Hour, 120);
        assert_eq!((wide.values.len(), wide.column_s), (60, 60.0));
        let expected: Vec<f64> = (60_000 - 60..60_000).map(|m| f64::from(m % 7)).collect();
        assert_eq!(wide.values, expected);
    }

    #[test]
    fn a_moment_maps_to_its_column_when_on_the_chart() {
        let s = series((0..600).map(f64::from));
        let ten = s.view(Window::TenMinutes, 60);
        assert_eq!(ten.column(0, 60), Some(59));
        assert_eq!(ten.column(15, 60), Some(58));
        assert_eq!(ten.column(599, 60), Some(0));
        assert_eq!(ten.column(600, 60), None);
        assert_eq!(Window::covering(20, 36), Window::Live);
        assert_eq!(Window::covering(200, 36), Window::TenMinutes);
        assert_eq!(Window::covering(7_200, 36), Window::Run);
    }
}
