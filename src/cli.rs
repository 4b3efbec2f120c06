//! The command line. Flags spelled out by issues are a contract: extend, never rename.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "archtui",
    version,
    // `archtui --seed 3 drill x` would quietly ignore the seed: say so instead.
    args_conflicts_with_subcommands = true,
    about = "Feel how a cloud architecture behaves under load and failure.",
    long_about = "Simulates an AWS-style architecture for one user tier (100, 1k, 10k, 100k, 1m, 10m) under daily \
                  traffic and injected faults. Without --headless it opens a live dashboard; with --headless it runs \
                  at full speed and prints a summary.",
    after_help = "Actions for --inject: kill-az:<az>, restore-az:<az>, kill-region:<region>, restore-region:<region>, \
                  spike:<factor>x[:<duration>], drop-cache[:<cache>], kill-db-primary[:<db>], kill-instance:<group>, \
                  kill-instances:<group>:<az>, kill-component:<component>[:<duration>], degrade-instance:<group>:<factor>x[:<duration>], add-latency:<component>:<ms>[:<duration>], \
                  hot-shard:<db>:<factor>x[:<duration>], set-retry:<caller>:<policy>, restore-all.\n\
                  Durations: 90, 90s, 15m, 24h, 5m30s.\n\
                  Exit status: 0 on success, 2 on bad input."
)]
pub struct Cli {
    /// A built-in preset (100, 1k, 10k, 100k, 1m, 10m) or the path to a preset file.
    #[arg(long, value_name = "NAME|PATH", default_value = archtui::preset::DEFAULT)]
    pub preset: String,

    /// Seed for the traffic noise and every random draw; the same seed gives the same run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,

    /// Override the preset's number of active users.
    #[arg(long, value_name = "N")]
    pub users: Option<f64>,

    /// What if: override one preset field, e.g. `--set db.write_ms=20`, `--set app.hpa.max=800`,
    /// `--set traffic.users=3000000` (repeatable; the dashboard, headless runs, `drill`, `analyze`,
    /// and `diff`'s B).
    #[arg(long = "set", value_name = "COMPONENT.FIELD=VALUE", global = true)]
    pub set: Vec<String>,

    /// Run without the dashboard, at full speed, and print a summary.
    #[arg(long)]
    pub headless: bool,

    /// Simulated time to run: 90, 90s, 15m, 24h, 5m30s. Headless runs default to 24h; given to the
    /// dashboard, its clock stops there.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = run_length)]
    pub duration: archtui::units::Duration,

    /// Apply an action at a simulated time, e.g. --inject 5m=kill-az:a (repeatable).
    #[arg(long, value_name = "AT=ACTION")]
    pub inject: Vec<String>,

    /// Write one JSON object per simulated second to this file (JSON Lines); `-` is stdout.
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<std::path::PathBuf>,

    /// Print the summary as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,

    /// List the built-in presets and exit.
    #[arg(long)]
    pub list_presets: bool,

    /// Dashboard: start in the high-contrast theme (for projectors); `t` toggles it.
    #[arg(long, conflicts_with = "headless")]
    pub high_contrast: bool,

    /// Play back a recording (a drill file): its preset, seed, users and actions at the same
    /// simulated seconds. With --headless, prints the summary like a normal run; without, the
    /// dashboard plays it like a drill.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["preset", "seed", "users", "duration", "inject", "list_presets"]
    )]
    pub replay: Option<std::path::PathBuf>,

    /// Dashboard: run a drill (a built-in name, see `archtui drill --list`, or a drill file)
    /// with its preset, seed and users; its steps, countdown, narration and checks show in a
    /// drill panel.
    #[arg(
        long,
        value_name = "FILE|NAME",
        conflicts_with_all = [
            "preset", "seed", "users", "duration", "inject", "replay", "headless", "list_presets"
        ]
    )]
    pub drill: Option<String>,

    /// Dashboard, with --drill or --replay: pause before each step until `space`, so a speaker
    /// can explain and then strike.
    #[arg(long)]
    pub presenter: bool,

    /// Dashboard: open paused, on the first second's figures (`space` starts the clock).
    #[arg(long)]
    pub paused: bool,

    /// Dashboard: save every action taken (by key, command line or drill) with its simulated
    /// second to FILE, a drill file that --replay plays back.
    #[arg(long, value_name = "FILE", conflicts_with = "headless")]
    pub record: Option<std::path::PathBuf>,

    /// Dashboard: read settings (default preset, speed, theme, colours, keys) from FILE
    /// instead of the config file in the platform's config folder
    /// ($XDG_CONFIG_HOME/archtui/config.toml on Linux). Flags given here win over it.
    #[arg(long, value_name = "FILE", conflicts_with = "headless")]
    pub config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a drill headless: a rehearsed incident with a steady state, timed faults and checks.
    #[command(
        after_help = "Exit status: 0 when the verdict is what the drill expects, 1 when it is not, \
                      2 on a bad drill file."
    )]
    Drill(DrillArgs),
    /// Lose each failure domain (region, AZ, instance, cache, database writer) at the preset's
    /// peak hour and rank what users saw over the next hour: down, breach or absorbed.
    Analyze(AnalyzeArgs),
    /// The six built-in tiers side by side: capacity, bottleneck, single points of failure,
    /// what an AZ and a region loss do, cost; and what each tier buys over the one before.
    Story(StoryArgs),
    /// Compare two presets: components added, removed and changed, failure domains that
    /// changed verdict, capacity and cost.
    Diff(DiffArgs),
    /// Print a shell completion script, e.g. `archtui completions bash > ~/.local/share/bash-completion/completions/archtui`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `archtui man > ~/.local/share/man/man1/archtui.1`,
    /// or a command's, e.g. `archtui man drill > ~/.local/share/man/man1/archtui-drill.1`.
    Man {
        /// The command whose page to print (drill, analyze, story, diff, completions); the
        /// main page without one.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// A built-in preset (100, 1k, 10k, 100k, 1m, 10m) or the path to a preset file.
    #[arg(value_name = "PRESET|FILE")]
    pub preset: String,

    #[command(flatten)]
    pub output: AnalysisOutput,
}

/// How an analysis prints and runs: shared by `analyze`, `story` and `diff`.
#[derive(Debug, clap::Args)]
pub struct AnalysisOutput {
    /// Seed of the runs (each failure domain runs from the same state).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Print the result as one JSON object.
    #[arg(long, conflicts_with = "md")]
    pub json: bool,

    /// Print the result as Markdown (for handouts).
    #[arg(long)]
    pub md: bool,

    /// Threads to run on (default: every core). The result is the same whatever the number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct StoryArgs {
    #[command(flatten)]
    pub output: AnalysisOutput,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The preset to compare from: a built-in name or a file.
    #[arg(value_name = "A")]
    pub a: String,

    /// The preset to compare to.
    #[arg(value_name = "B")]
    pub b: String,

    #[command(flatten)]
    pub output: AnalysisOutput,
}

#[derive(Debug, clap::Args)]
pub struct DrillArgs {
    /// A built-in drill (see --list) or the path to a drill file.
    #[arg(value_name = "FILE|NAME", required_unless_present = "list")]
    pub drill: Option<String>,

    /// List the built-in drills and exit.
    #[arg(long, conflicts_with = "drill")]
    pub list: bool,

    /// Also write the report to FILE.json or FILE.md (repeatable).
    #[arg(long, value_name = "FILE")]
    pub report: Vec<std::path::PathBuf>,

    /// Print the report as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A run's length: at least a second, or nothing is simulated and a summary of no requests
/// would read as an SLO met.
fn run_length(text: &str) -> Result<archtui::units::Duration, String> {
    let d = archtui::units::Duration::parse(text)?;
    if d.secs() == 0 {
        return Err("a run lasts at least one second".into());
    }
    Ok(d)
}
