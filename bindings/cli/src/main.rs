//! `recobro`: evaluate cases, check and test policies, from the command line.

mod convert;
mod errors;

use convert::table;
use errors::{fail, internal, out_fail, out_fail_or, report};

use clap::{Parser, Subcommand, ValueEnum};
use recobro::tooling::{self, Suite};
use recobro::{Case, Error, EvalOptions, Instant, Policy, PolicyBuilder};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a case makes about 300 small allocations
/// (read and decided), and glibc's malloc and free were about 14% of `recobro eval`'s
/// instructions (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "recobro",
    version,
    about = "Collections decision engine: evaluate cases against Rhai policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// One decision per line (JSON).
    Ndjson,
    /// A readable work queue, highest priority first.
    Table,
}

#[derive(clap::Args)]
struct PolicyArgs {
    /// Policy file (.rhai); default: the embedded consumer policy.
    #[arg(long, short)]
    policy: Option<PathBuf>,
    /// Host module the policy can import, as NAME=FILE (repeatable).
    #[arg(long = "module", value_name = "NAME=FILE")]
    modules: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate cases (JSON array, single JSON object, NDJSON, or a directory of .json files; stdin when no path).
    Eval {
        /// Case files or directories.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        policy: PolicyArgs,
        /// The evaluation clock (RFC 3339 with offset). Required: the engine never reads the wall clock.
        #[arg(long)]
        as_of: String,
        /// Include the trace in each decision.
        #[arg(long)]
        trace: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "ndjson")]
        format: Format,
        /// Evaluate N generated cases instead of reading any (seeded, see --seed).
        #[arg(long, value_name = "N")]
        generate: Option<usize>,
        /// Seed for --generate.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Compile and lint policies, and check scorecards, decision tables and
    /// contact-timing priors (`.json`: gaps, overlapping bins, rows no input reaches,
    /// rates out of range; overlapping rows of a first-hit table are listed as notes);
    /// errors carry line and column. Exits non-zero on any error.
    Check {
        /// Policy files (`.rhai`), scorecards, decision tables and priors (`.json`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Host module, as NAME=FILE (repeatable).
        #[arg(long = "module", value_name = "NAME=FILE")]
        modules: Vec<String>,
    },
    /// Run policy test files (directories are searched for *.json under `tests/`).
    Test {
        /// Test files or directories (default: `rules`).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Check one proposed contact against the compliance rules (no policy run): prints
    /// the verdict, every rule with its citation, and `next_allowed_at` when blocked.
    Contact {
        /// The case (JSON).
        #[arg(long)]
        case: PathBuf,
        /// Channel: call, sms, email, whatsapp, letter, visit, push.
        #[arg(long)]
        channel: String,
        /// The proposed instant (RFC 3339 with offset).
        #[arg(long)]
        at: String,
        /// The debt the contact is about (default: all the debtor's debts).
        #[arg(long)]
        debt: Option<String>,
        /// Policy whose house rules also apply (default: the embedded consumer policy).
        #[arg(long, short)]
        policy: Option<PathBuf>,
    },
    /// Simulate a portfolio over time under a champion policy and challengers; prints the
    /// KPI table (challenger minus champion too) and can write the daily series and a chart.
    Simulate(SimArgs),
    /// The delinquency report of a portfolio snapshot: aging by currency, segment and
    /// jurisdiction, promises, plans, contacts, compliance blocks; with --previous, roll
    /// rates, cures and the collection effectiveness index. Exit 1 if any case failed
    /// (the report still lists it).
    Report(ReportArgs),
    /// The day's work queue of a batch under daily channel capacities: every case
    /// decided, then queued by priority and expected value; a case whose channel is
    /// full takes its next lawful candidate or waits, with the reason. Exit 1 if any
    /// case failed (the queue still lists it under `errors`).
    Queue(QueueArgs),
    /// Live champion/challenger experiments: `plan` gives the cases a fixed-horizon test
    /// needs (schemas: the `plan` of experiment-request.schema.json); `analyze`
    /// compares the outcomes a host recorded (schemas/experiment-request.schema.json)
    /// with a fixed-horizon or sequential test. Exit 1 on a bad file.
    Experiment {
        /// `plan` or `analyze`.
        #[arg(value_enum)]
        what: ExperimentCommand,
        /// The plan or the request (JSON); `-` for standard input.
        file: PathBuf,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// List the compliance packs and their rules.
    Rules,
    /// Print the policy API reference (Markdown).
    Docs,
    /// Print a generated portfolio as NDJSON.
    Generate {
        /// Number of cases.
        n: usize,
        /// Seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Clock the portfolio is generated for.
        #[arg(long)]
        as_of: String,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExperimentCommand {
    /// The cases a fixed-horizon test needs.
    Plan,
    /// Compare a live experiment's arms.
    Analyze,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ReportFormat {
    /// Plain-text tables.
    Table,
    /// One CSV table in long form (table,group,currency,bucket,to,measure,value).
    Csv,
    /// The report as JSON (schemas/report.schema.json).
    Json,
    /// A self-contained HTML page with charts (no network needed).
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum QueueFormat {
    /// Used and capacity per channel, counts by status.
    Table,
    /// One row per case in queue order.
    Csv,
    /// The queue as JSON (schemas/work-queue.schema.json).
    Json,
}

#[derive(clap::Args)]
struct QueueArgs {
    /// Case files or directories (stdin when none).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// The clock (RFC 3339 with offset).
    #[arg(long)]
    as_of: String,
    /// A channel's daily capacity, CHANNEL=N (repeatable); channels not given are not limited.
    #[arg(long)]
    capacity: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: QueueFormat,
    /// Write the queue to this file instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// `--capacity CHANNEL=N` (repeatable) as capacities; a bad one is reported, exit 2.
fn capacity_arg(pairs: &[String]) -> Result<recobro::queue::Capacity, ExitCode> {
    let mut capacity = recobro::queue::Capacity::default();
    for c in pairs {
        let (ch, n) = recobro::queue::Capacity::parse_pair(c).map_err(|e| {
            report(&e, None);
            ExitCode::from(2)
        })?;
        capacity.0.insert(ch, n);
    }
    Ok(capacity)
}

fn queue_cmd(a: QueueArgs) -> Result<ExitCode, ExitCode> {
    let as_of = parse_as_of(&a.as_of)?;
    let capacity = capacity_arg(&a.capacity)?;
    let policy = build_policy(a.policy.policy.as_deref(), &a.policy.modules)?;
    let cases = read_snapshot(&a.paths)?;
    let q = recobro::queue::queue(&policy, cases, as_of, &capacity).map_err(|e| {
        report(&e, None);
        ExitCode::from(2)
    })?;
    for e in &q.errors {
        report(&e.error, None);
    }
    let body = match a.format {
        QueueFormat::Table => q.to_table(),
        QueueFormat::Csv => q.to_csv(),
        QueueFormat::Json => {
            let mut j = q.to_json();
            j.push('\n');
            j
        }
    };
    let status = if q.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    match &a.out {
        Some(p) => std::fs::write(p, body).map_err(|e| fail(format!("{}: {e}", p.display())))?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(body.as_bytes())
                .map_err(|e| out_fail_or(e, status))?;
            out.flush().map_err(|e| out_fail_or(e, status))?;
        }
    }
    Ok(status)
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Case files or directories: the snapshot (stdin when none).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// The snapshot's clock (RFC 3339 with offset).
    #[arg(long)]
    as_of: String,
    /// The previous snapshot of the same portfolio: a case file or directory (repeatable).
    #[arg(long, requires = "previous_as_of")]
    previous: Vec<PathBuf>,
    /// The previous snapshot's clock, before --as-of.
    #[arg(long, requires = "previous")]
    previous_as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Every case of the files (or stdin when none), in order, each read on its own by the
/// host boundary; a reading error names its file.
fn read_snapshot(paths: &[PathBuf]) -> Result<Vec<Result<Case, Error>>, ExitCode> {
    if paths.is_empty() {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(fail)?;
        return Ok(convert::parse_cases(&text, None));
    }
    let mut out = Vec::new();
    for p in convert::expand(paths).map_err(fail)? {
        let text =
            std::fs::read_to_string(&p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
        out.extend(convert::parse_cases(&text, Some(&p)));
    }
    Ok(out)
}

fn experiment_cmd(what: ExperimentCommand, file: &Path, json: bool) -> Result<ExitCode, ExitCode> {
    let text = if file == Path::new("-") {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| fail(format!("stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(file).map_err(|e| fail(format!("{}: {e}", file.display())))?
    };
    let bad = |e: Error| {
        report(&e, Some(file));
        ExitCode::from(1)
    };
    let out = match what {
        ExperimentCommand::Plan => {
            let p = recobro::host::experiment_plan(&text).map_err(bad)?;
            if json {
                serde_json::to_string(&p).map_err(fail)?
            } else {
                p.to_text()
            }
        }
        ExperimentCommand::Analyze => {
            let r = recobro::host::experiment(&text).map_err(bad)?;
            if json {
                r.to_json()
            } else {
                r.to_table().trim_end().to_string()
            }
        }
    };
    outln!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn report_cmd(a: ReportArgs) -> Result<ExitCode, ExitCode> {
    let as_of = parse_as_of(&a.as_of)?;
    let policy = build_policy(a.policy.policy.as_deref(), &a.policy.modules)?;
    let cases = read_snapshot(&a.paths)?;
    let previous = match &a.previous_as_of {
        Some(t) => {
            let at = t
                .parse::<Instant>()
                .map_err(|e| fail(format!("--previous-as-of: {}", e.message)))?;
            Some((read_snapshot(&a.previous)?, at))
        }
        None => None,
    };
    let r = recobro::report::report(&policy, cases, as_of, previous).map_err(|e| {
        report(&e, None);
        ExitCode::from(2)
    })?;
    let mut failed = r.errors.len();
    for e in &r.errors {
        report(&e.error, None);
    }
    if let Some(c) = &r.comparison {
        failed += c.errors.len();
        for e in &c.errors {
            eprint!("previous snapshot: ");
            report(&e.error, None);
        }
    }
    let body = match a.format {
        ReportFormat::Table => r.to_table(),
        ReportFormat::Csv => r.to_csv(),
        ReportFormat::Json => {
            let mut j = r.to_json();
            j.push('\n');
            j
        }
        ReportFormat::Html => r.to_html(),
    };
    let status = if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    match &a.out {
        Some(p) => std::fs::write(p, body).map_err(|e| fail(format!("{}: {e}", p.display())))?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(body.as_bytes())
                .map_err(|e| out_fail_or(e, status))?;
            out.flush().map_err(|e| out_fail_or(e, status))?;
        }
    }
    Ok(status)
}

fn parse_as_of(s: &str) -> Result<Instant, ExitCode> {
    s.parse::<Instant>()
        .map_err(|e| fail(format!("--as-of: {}", e.message)))
}

fn build_policy(file: Option<&Path>, modules: &[String]) -> Result<Policy, ExitCode> {
    let source = match file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| fail(format!("{}: {e}", f.display())))?,
        None => tooling::embedded(tooling::DEFAULT_CONSUMER_POLICY)
            .unwrap_or_default()
            .to_string(),
    };
    let mut b = PolicyBuilder::new(source);
    for m in modules {
        let Some((name, path)) = m.split_once('=') else {
            return Err(fail(format!("--module `{m}`: expected NAME=FILE")));
        };
        let src = std::fs::read_to_string(path).map_err(|e| fail(format!("{path}: {e}")))?;
        b = b.module(name, src);
    }
    b.build().map_err(|e| {
        report(&e, file);
        ExitCode::from(1)
    })
}

fn main() -> ExitCode {
    // A panic is reported as an `internal` error (below), never as a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))) {
        // What `out!` left after the last newline: its error is not lost at exit.
        Ok(code) => match io::stdout().flush() {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => fail(e),
            _ => code,
        },
        Err(payload) => {
            report(&internal(&*payload), None);
            ExitCode::from(70)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Eval {
            paths,
            policy,
            as_of,
            trace,
            format,
            generate,
            seed,
        } => eval(paths, policy, &as_of, trace, format, generate, seed),
        Command::Check { files, modules } => check(files, &modules),
        Command::Test { paths, policy } => test(paths, policy),
        Command::Contact {
            case,
            channel,
            at,
            debt,
            policy,
        } => contact(&case, &channel, &at, debt.as_deref(), policy.as_deref()),
        Command::Report(args) => report_cmd(args),
        Command::Queue(args) => queue_cmd(args),
        Command::Experiment { what, file, json } => experiment_cmd(what, &file, json),
        Command::Rules => rules(),
        Command::Simulate(args) => simulate(args),
        Command::Docs => (|| {
            out!("{}", tooling::policy_reference());
            Ok(ExitCode::SUCCESS)
        })(),
        Command::Generate { n, seed, as_of } => (|| {
            let as_of = parse_as_of(&as_of)?;
            recobro::simulation::check_count(n, "N").map_err(|e| {
                report(&e, None);
                ExitCode::from(2)
            })?;
            let cases = recobro::simulation::portfolio(n, seed, as_of, Default::default());
            let mut out = io::BufWriter::new(io::stdout().lock());
            for c in cases {
                let line = serde_json::to_string(&c).map_err(fail)?;
                writeln!(out, "{line}").map_err(out_fail)?;
            }
            out.flush().map_err(out_fail)?;
            Ok(ExitCode::SUCCESS)
        })(),
    };
    result.unwrap_or_else(|code| code)
}

fn eval(
    paths: Vec<PathBuf>,
    policy: PolicyArgs,
    as_of: &str,
    trace: bool,
    format: Format,
    generate: Option<usize>,
    seed: u64,
) -> Result<ExitCode, ExitCode> {
    let as_of = parse_as_of(as_of)?;
    let policy = build_policy(policy.policy.as_deref(), &policy.modules)?;
    let opts = EvalOptions { trace };
    let mut rows = Rows {
        out: io::BufWriter::new(io::stdout().lock()),
        format,
        next: 0,
        failed: 0,
        kept: Vec::new(),
    };
    if let Some(n) = generate {
        recobro::simulation::check_count(n, "--generate").map_err(|e| {
            report(&e, None);
            ExitCode::from(2)
        })?;
        let cases = recobro::simulation::portfolio(n, seed, as_of, Default::default());
        let mut cases = cases.into_iter().map(Ok).peekable();
        while cases.peek().is_some() {
            let slice: Vec<_> = cases.by_ref().take(SLICE).collect();
            rows.decide(&policy, slice, as_of, opts)?;
        }
    } else if paths.is_empty() {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(fail)?;
        rows.decide_text(&policy, &text, None, as_of, opts)?;
    } else {
        for p in convert::expand(&paths).map_err(fail)? {
            let text =
                std::fs::read_to_string(&p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
            rows.decide_text(&policy, &text, Some(&p), as_of, opts)?;
        }
    }
    rows.finish()
}

/// Cases read and decided at a time by `eval`: the output streams a slice at a time,
/// so memory holds one slice of cases and decisions, not the whole batch.
const SLICE: usize = 4096;

/// `eval`'s output: rows written as they are decided (the table, which needs every row,
/// keeps them).
struct Rows<W: Write> {
    out: W,
    format: Format,
    /// The batch index of the next row.
    next: usize,
    failed: usize,
    kept: Vec<Result<recobro::Decision, Error>>,
}

impl<W: Write> Rows<W> {
    /// Read and decide one file's (or stdin's) batch, a slice at a time, both in parallel.
    fn decide_text(
        &mut self,
        policy: &Policy,
        text: &str,
        file: Option<&Path>,
        as_of: Instant,
        opts: EvalOptions,
    ) -> Result<(), ExitCode> {
        let texts = match recobro::host::case_texts(text) {
            Ok(t) => t,
            Err(e) => return self.decide(policy, vec![Err(convert::named(e, file))], as_of, opts),
        };
        for slice in texts.chunks(SLICE) {
            let cases = recobro::host::cases_from_texts(slice.iter().map(Ok).collect())
                .into_iter()
                .map(|r| r.map_err(|e| convert::named(e, file)))
                .collect();
            self.decide(policy, cases, as_of, opts)?;
        }
        Ok(())
    }

    /// Decide one slice; the host boundary decides every row under its own panic guard
    /// and puts each error under the case's index in the whole batch, as in every binding.
    fn decide(
        &mut self,
        policy: &Policy,
        cases: Vec<Result<Case, Error>>,
        as_of: Instant,
        opts: EvalOptions,
    ) -> Result<(), ExitCode> {
        let first = self.next;
        self.next += cases.len();
        let results = recobro::host::evaluate_rows_from(policy, cases, first, as_of, opts);
        for e in results.iter().filter_map(|r| r.as_ref().err()) {
            self.failed += 1;
            report(e, None);
        }
        match self.format {
            Format::Ndjson => {
                for line in recobro::host::rows_json(first, &results) {
                    writeln!(self.out, "{line}").map_err(|e| out_fail_or(e, self.status()))?;
                }
            }
            Format::Table => self.kept.extend(results),
        }
        Ok(())
    }

    fn finish(mut self) -> Result<ExitCode, ExitCode> {
        if let Format::Table = self.format {
            write!(self.out, "{}", table::render(&self.kept))
                .map_err(|e| out_fail_or(e, self.status()))?;
        }
        self.out
            .flush()
            .map_err(|e| out_fail_or(e, self.status()))?;
        Ok(self.status())
    }

    /// 1 once a case has failed, else 0.
    fn status(&self) -> ExitCode {
        if self.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}

fn contact(
    case: &Path,
    channel: &str,
    at: &str,
    debt: Option<&str>,
    policy: Option<&Path>,
) -> Result<ExitCode, ExitCode> {
    let at = at
        .parse::<Instant>()
        .map_err(|e| fail(format!("--at: {}", e.message)))?;
    let ch = recobro::Channel::parse(channel).ok_or_else(|| {
        fail(format!(
            "--channel `{channel}`: expected one of {}",
            recobro::Channel::names()
        ))
    })?;
    let policy = build_policy(policy, &[])?;
    let text =
        std::fs::read_to_string(case).map_err(|e| fail(format!("{}: {e}", case.display())))?;
    let result = Case::from_json(&text).and_then(|c| policy.check_contact(&c, ch, at, debt));
    match result {
        Ok(check) => {
            outln!("{}", serde_json::to_string_pretty(&check).map_err(fail)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            report(&e, Some(case));
            Ok(ExitCode::from(1))
        }
    }
}

#[derive(clap::Args)]
struct SimArgs {
    /// Champion policy (.rhai); default: the embedded consumer policy.
    #[arg(long, short)]
    policy: Option<PathBuf>,
    /// Challenger policy (repeatable).
    #[arg(long)]
    challenger: Vec<PathBuf>,
    /// Portfolio file (JSON array or NDJSON of cases).
    #[arg(long, conflicts_with = "generate")]
    portfolio: Option<PathBuf>,
    /// Generate N cases instead (seeded by --seed).
    #[arg(long, value_name = "N")]
    generate: Option<usize>,
    /// Horizon in days.
    #[arg(long, default_value_t = 180)]
    days: u32,
    /// Seed for the response draws (and the generated portfolio).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Start instant (RFC 3339). Fixed by default so runs are reproducible.
    #[arg(long, default_value = "2026-03-16T15:00:00Z")]
    start: String,
    /// Response model (JSON); default: the documented assumptions.
    #[arg(long)]
    response_model: Option<PathBuf>,
    /// Assign each case to one policy by a stable hash instead of running all through
    /// each: shares in percent, champion first, e.g. `50,50`.
    #[arg(long, value_delimiter = ',')]
    shares: Vec<u32>,
    /// Experiment id for the assignment hash.
    #[arg(long, default_value = "exp-1")]
    experiment: String,
    /// Write the daily series: `.csv` or `.json`.
    #[arg(long)]
    series: Option<PathBuf>,
    /// Write an SVG chart of collected amount over time per policy.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Print the whole result as JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Repeat the run with this many seeds (common random numbers across the
    /// policies) and print every KPI with its 95% interval, each challenger's
    /// difference with a verdict, and the cases a live test would need (1 to 100).
    #[arg(long, default_value_t = 1)]
    replications: u32,
    /// A channel's daily capacity, CHANNEL=N (repeatable), each policy its own team of
    /// that size: a case over capacity takes its next lawful candidate or waits a day.
    #[arg(long)]
    capacity: Vec<String>,
}

fn simulate(a: SimArgs) -> Result<ExitCode, ExitCode> {
    use recobro::simulation::{self as simulate, ResponseModel, Settings, Split};
    let start = a
        .start
        .parse::<Instant>()
        .map_err(|e| fail(format!("--start: {}", e.message)))?;
    let mut policies = vec![build_policy(a.policy.as_deref(), &[])?];
    for c in &a.challenger {
        policies.push(build_policy(Some(c), &[])?);
    }
    let cases = match (&a.portfolio, a.generate) {
        (Some(p), _) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
            let parsed: Result<Vec<Case>, Error> =
                convert::parse_cases(&text, None).into_iter().collect();
            parsed.map_err(|e| {
                report(&e, Some(p));
                ExitCode::from(1)
            })?
        }
        (None, n) => {
            let n = n.unwrap_or(1000);
            recobro::simulation::check_count(n, "--generate").map_err(|e| {
                report(&e, None);
                ExitCode::from(2)
            })?;
            recobro::simulation::portfolio(n, a.seed, start, Default::default())
        }
    };
    let response = match &a.response_model {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
            serde_json::from_str::<ResponseModel>(&text)
                .map_err(|e| fail(format!("{}: {e}", p.display())))?
        }
        None => ResponseModel::default(),
    };
    let capacity = capacity_arg(&a.capacity)?;
    let split = if a.shares.is_empty() {
        Split::All
    } else {
        Split::Assign {
            experiment: a.experiment.clone(),
            shares: a.shares.clone(),
        }
    };
    let settings = Settings {
        start,
        days: a.days,
        seed: a.seed,
        split,
        response,
        replications: a.replications,
        capacity,
    };
    let began = std::time::Instant::now();
    let result = simulate::simulate(&policies, &cases, &settings).map_err(|e| {
        report(&e, None);
        ExitCode::from(1)
    })?;
    let elapsed = began.elapsed();
    // The files first: a reader that closes stdout early does not stop them.
    if let Some(p) = &a.series {
        let body = if p.extension().is_some_and(|e| e == "json") {
            serde_json::to_string_pretty(
                &result
                    .arms
                    .iter()
                    .map(|x| (&x.role, &x.series))
                    .collect::<Vec<_>>(),
            )
            .map_err(fail)?
        } else {
            result.series_csv()
        };
        std::fs::write(p, body).map_err(|e| fail(format!("{}: {e}", p.display())))?;
    }
    if let Some(p) = &a.chart {
        std::fs::write(p, simulate::svg_collected(&result))
            .map_err(|e| fail(format!("{}: {e}", p.display())))?;
    }
    if a.json {
        outln!("{}", serde_json::to_string(&result).map_err(fail)?);
    } else {
        outln!(
            "{} cases x {} days, {} polic{}, seed {} ({:.2} s)\n",
            cases.len(),
            a.days,
            policies.len(),
            if policies.len() == 1 { "y" } else { "ies" },
            a.seed,
            elapsed.as_secs_f64()
        );
        out!("{}", result.kpi_table());
        if let Some(t) = result.uncertainty_table() {
            out!("\n{t}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rules() -> Result<ExitCode, ExitCode> {
    let packs = recobro::compliance::standard_packs().map_err(|e| {
        report(&e, None);
        ExitCode::from(1)
    })?;
    for p in packs {
        // The holidays the pack's rules close on, not merely its default calendar.
        let observed = p.holidays_observed();
        outln!(
            "{} ({}) {} from {}{}{}",
            p.jurisdiction,
            p.id,
            p.title,
            p.effective_from(),
            p.effective_to()
                .map(|t| format!(" to {t}"))
                .unwrap_or_default(),
            if observed.is_empty() {
                String::new()
            } else {
                format!(", holidays: {}", observed.join(", "))
            }
        );
        for r in p.rule_info() {
            let conf = serde_json::to_value(r.confidence).unwrap_or_default();
            outln!(
                "  {:<36} {:<10} {}{}",
                r.id,
                conf.as_str().unwrap_or(""),
                r.citation,
                r.closed_on_holidays
                    .map(|h| format!(" [closed on {h} holidays]"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(files: Vec<PathBuf>, modules: &[String]) -> Result<ExitCode, ExitCode> {
    let mut bad = 0;
    for f in &files {
        // A `.json` file is a decision table (it has `rows`) or a scorecard: its checks,
        // with the line of the row or bin at fault.
        if f.extension().is_some_and(|e| e == "json") {
            let text =
                std::fs::read_to_string(f).map_err(|e| fail(format!("{}: {e}", f.display())))?;
            let stem = f
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let shape = serde_json::from_str::<serde_json::Value>(&text).ok();
            let is_table = shape.as_ref().is_some_and(|v| v.get("rows").is_some());
            let is_prior = shape.as_ref().is_some_and(|v| v.get("channels").is_some());
            let checked = if is_prior {
                recobro::timing::Prior::parse(&format!("priors/{stem}"), &text).map(|p| {
                    vec![format!(
                        "{}: ok: contact-timing prior `{}` ({})",
                        f.display(),
                        p.name,
                        p.source
                    )]
                })
            } else if is_table {
                recobro::table::Table::parse(&format!("tables/{stem}"), &text).map(|t| {
                    let mut lines = vec![format!(
                        "{}: ok: decision table `{}`",
                        f.display(),
                        t.name()
                    )];
                    // One note per row that earlier rows partly shadow (first hit).
                    let mut by_row: std::collections::BTreeMap<usize, Vec<String>> =
                        Default::default();
                    for (a, b) in t.overlaps() {
                        by_row.entry(b).or_default().push(a.to_string());
                    }
                    for (b, earlier) in by_row {
                        lines.push(format!(
                            "{}:{}: note: row {b} overlaps row(s) {}, which win where both match",
                            f.display(),
                            t.row_line(b).unwrap_or(1),
                            earlier.join(", ")
                        ));
                    }
                    lines
                })
            } else {
                recobro::scorecard::Scorecard::parse(&format!("scorecards/{stem}"), &text)
                    .map(|card| vec![format!("{}: ok: scorecard `{}`", f.display(), card.name())])
            };
            match checked {
                Ok(lines) => {
                    for l in lines {
                        outln!("{l}");
                    }
                }
                Err(e) => {
                    report(&e, Some(f));
                    bad += 1;
                }
            }
            continue;
        }
        match build_policy(Some(f), modules) {
            Ok(p) => {
                let h = p.hooks();
                let hooks: Vec<&str> = [
                    ("segment", h.segment),
                    ("actions", h.actions),
                    ("charges", h.charges),
                ]
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| *n)
                .collect();
                outln!(
                    "{}: ok: `{}` {} ({}), hooks: {}, {} literal action rule(s)",
                    f.display(),
                    p.info().name,
                    p.info().version,
                    p.info().digest,
                    hooks.join(", "),
                    tooling::source_rules(p.source()).len()
                );
            }
            Err(_) => bad += 1,
        }
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `writeln!` into a `String` (which cannot fail).
macro_rules! push_line {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

fn test(paths: Vec<PathBuf>, policy: PolicyArgs) -> Result<ExitCode, ExitCode> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths
    };
    let files = convert::expand_tests(&paths).map_err(fail)?;
    if files.is_empty() {
        return Err(fail("no test files found"));
    }
    let explicit = match &policy.policy {
        Some(p) => Some(build_policy(Some(p), &policy.modules)?),
        None => None,
    };
    let (mut passed, mut failed) = (0, 0);
    // Written once at the end, with the exit code known: a reader that closes the pipe
    // early does not turn failed tests into exit code 0.
    let mut out = String::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| fail(format!("{}: {e}", f.display())))?;
        let suite = match Suite::from_json(&text) {
            Ok(s) => s,
            Err(e) => {
                report(&e, Some(f));
                failed += 1;
                continue;
            }
        };
        let pol = match &explicit {
            Some(p) => p.clone(),
            None => match tooling::suite_policy(&suite) {
                Ok(p) => p,
                Err(e) => {
                    report(&e, Some(f));
                    failed += suite.tests.len().max(1);
                    continue;
                }
            },
        };
        let r = tooling::run(&pol, &suite);
        push_line!(out, "{} ({})", f.display(), pol.info().name);
        for t in &r.results {
            if t.failures.is_empty() {
                push_line!(out, "  PASS {}", t.name);
            } else {
                push_line!(out, "  FAIL {}", t.name);
                for m in &t.failures {
                    push_line!(out, "       {m}");
                }
            }
        }
        for u in &r.uncovered {
            push_line!(out, "  not exercised by any test: {u}");
        }
        passed += r.passed();
        failed += r.failed();
    }
    push_line!(out, "{passed} passed, {failed} failed");
    let status = if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| out_fail_or(e, status))?;
    Ok(status)
}
