//! The explorer: `archtui analyze` of the preset on screen, run on a background thread while
//! the dashboard goes on. Its verdicts mark the graph's boxes (a component whose loss takes
//! the service down, or breaks the SLO) and fill the explorer overlay (`X`).

use crate::analysis::{Report, Verdict, analyze};
use crate::arch::Architecture;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

/// The analysis running: how far it got, and the thread that will hand the report over.
struct Job {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    handle: JoinHandle<Report>,
}

#[derive(Default)]
pub struct Explorer {
    job: Option<Job>,
    report: Option<Report>,
    /// Why the analysis stopped without a report (a panic's message: a bug to report).
    failure: Option<String>,
}

impl Explorer {
    /// Starts analysing `arch` unless it is already being (or has been) analysed. It leaves
    /// a core to the dashboard.
    pub fn start(&mut self, arch: Arc<Architecture>, seed: u64) {
        if self.job.is_some() || self.report.is_some() || self.failure.is_some() {
            return;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .saturating_sub(1)
            .max(1);
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let (d, t) = (done.clone(), total.clone());
        let handle = std::thread::spawn(move || {
            analyze(arch, seed, threads, |done, total| {
                d.store(done, Ordering::Relaxed);
                t.store(total, Ordering::Relaxed);
            })
        });
        self.job = Some(Job {
            done,
            total,
            handle,
        });
    }

    /// Takes the report once the analysis is done. True when it just arrived.
    pub fn poll(&mut self) -> bool {
        if !self.job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            return false;
        }
        let job = self.job.take().expect("checked above");
        self.take(job);
        true
    }

    /// Waits for the analysis to finish (for a caller that has nothing else to do).
    pub fn wait(&mut self) {
        if let Some(job) = self.job.take() {
            self.take(job);
        }
    }

    /// A panic in the analysis is a bug: the dashboard goes on without its report, and says
    /// what the panic said.
    fn take(&mut self, job: Job) {
        match job.handle.join() {
            Ok(report) => self.report = Some(report),
            Err(panic) => self.failure = Some(crate::panic_text::of(&*panic)),
        }
    }

    /// Why the analysis stopped without a report, if it did.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Failure domains run so far and in all (0 of 0 before the warm-up is over); the
    /// capacity search follows them.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.job.as_ref().map(|j| {
            (
                j.done.load(Ordering::Relaxed),
                j.total.load(Ordering::Relaxed),
            )
        })
    }

    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// The worst verdict of the domains that lose part of `component` (an instance of it, its
    /// instances in an AZ, its writer, the cache's contents); `None` before the report or when
    /// none does. Losing a whole single point is down unless another region takes over: not
    /// marked.
    pub fn verdict_of(&self, component: &str) -> Option<Verdict> {
        crate::analysis::verdicts_of(&self.report.as_ref()?.domains, component, false).min()
    }

    /// Another architecture is on screen: the report is not about it. A job still running
    /// finishes on its own and is dropped.
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An analysis that panics leaves the explorer with the panic's message, not a report, and
    /// is not started again behind the user's back.
    #[test]
    fn a_panicking_analysis_is_reported_by_its_message() {
        let mut explorer = Explorer {
            job: Some(Job {
                done: Arc::default(),
                total: Arc::default(),
                handle: std::thread::spawn(|| panic!("{} users", 7)),
            }),
            ..Explorer::default()
        };
        explorer.wait();
        assert!(explorer.report().is_none() && !explorer.running());
        assert_eq!(explorer.failure(), Some("7 users"));
        explorer.start(Arc::new(crate::preset::load("100").unwrap()), 1);
        assert!(!explorer.running());
    }
}
