//! The command line: `lint`, `rules`, `explain <id>`.

pub mod fuzzing;
mod problems;

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::base::io;
use crate::base::kube_version::KubeVersion;
use crate::config::{self, Config};
use crate::engine::{self, Report};
use crate::output;
use crate::rule::settings::{FailOn, Settings, ALWAYS_ON};
use crate::rules::{self, unknown_rule};
use crate::source::scope::{self, ConfigChoice, ScopeError};

/// Exit codes.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_INCOMPLETE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "kube-contract",
    version,
    about = "Lints Kubernetes manifests against the zero-downtime developer contract",
    after_help = "Exit codes: 0 no finding at or above --fail-on; 1 such findings; \
                  2 something could not be linted (parse error, unreadable file, no manifest found, \
                  a bad baseline, bad arguments)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint manifests: files, directories (recursive), or `-` for standard input.
    Lint(Box<LintArgs>),
    /// List every rule: id, default severity and summary.
    Rules,
    /// Print a rule's documentation, options included.
    Explain {
        /// The rule id, e.g. missing-readiness-probe.
        rule: String,
    },
    /// Write `.kube-contract.yaml` in the current directory: every setting and every rule
    /// with its default, commented.
    Init {
        /// Overwrite an existing `.kube-contract.yaml`.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Source lines with a marker under the field, then a summary.
    Human,
    /// One JSON document for editors and scripts (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
    /// JUnit XML, for GitLab and Jenkins test reports.
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Files and directories to lint (`*.yaml`, `*.yml`, `*.json` under directories; hidden
    /// directories and git-ignored files skipped). `-` reads standard input. Default: `.`.
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to this file instead of standard output (any format).
    #[arg(short = 'o', long, value_name = "PATH")]
    output_file: Option<std::path::PathBuf>,
    /// Only lint files under directories that match this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Skip files that match this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// The name standard input gets in reports.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Namespace of objects without `metadata.namespace` [default: the configuration's
    /// `namespace`, else `default`].
    #[arg(long, value_name = "NS")]
    namespace: Option<String>,
    /// The Kubernetes release to check API versions against.
    #[arg(long, value_name = "X.Y", value_parser = parse_kubernetes_version, help = kubernetes_version_help())]
    kubernetes_version: Option<KubeVersion>,
    /// Zones the platform spreads workloads over [default: the configuration's `zones`, else 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    zones: Option<u32>,
    /// Exit with 1 when a finding at or above this severity is reported [default: the
    /// configuration's `fail-on`, else warning].
    #[arg(long, value_parser = fail_on_parser())]
    fail_on: Option<FailOn>,
    /// Read this configuration file for every file, instead of the nearest
    /// `.kube-contract.yaml` above each file (up to the repository root).
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// The workspace root, whose manifests are the context of the named files [default: the
    /// directory of the configuration file above them, else their git repository's root, else
    /// their common directory].
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    root: Option<PathBuf>,
    /// Lint only the named files: no other manifest of the repository is read as context for
    /// the cross-object rules.
    #[arg(long)]
    no_context: bool,
    /// Read no configuration file.
    #[arg(long)]
    no_config: bool,
    /// List the findings that suppressions silenced, with their reasons.
    #[arg(long)]
    show_suppressed: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only the findings, no summary (human and github formats; the JSON, SARIF and
    /// JUnit documents are unchanged).
    #[arg(short, long)]
    quiet: bool,
    /// Print only the per-rule table: findings per rule and severity, most frequent first
    /// (human format; JSON's `summary.rules` carries the same counts).
    #[arg(long)]
    statistics: bool,
    /// Report only findings not recorded in this baseline file (written by --write-baseline);
    /// its entries that match nothing any more are listed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every finding of this run (parse errors aside) in FILE, then report as if it
    /// were the baseline: commit it and lint with --baseline FILE to fail only on new ones.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Allow a run that finds no manifest to lint (an empty directory, every file excluded):
    /// without it, such a run is exit code 2.
    #[arg(long)]
    allow_empty: bool,
}

fn parse_kubernetes_version(s: &str) -> Result<KubeVersion, String> {
    s.parse().and_then(crate::schema::check_target)
}

/// `--kubernetes-version`'s help, with the default read from the schema data.
fn kubernetes_version_help() -> String {
    let default = match crate::schema::newest_release() {
        Some(newest) => format!("{newest}, the newest release kube-contract knows"),
        None => "the newest release kube-contract knows".to_string(),
    };
    format!(
        "The Kubernetes release to check API versions against (`1.29`, `v1.29` or `1.29.3`) \
         [default: {default}]"
    )
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_INCOMPLETE
            } else {
                EXIT_CLEAN
            };
        }
    };
    match cli.command {
        Command::Rules => {
            let mut out = String::new();
            let width = rules::all_metas()
                .iter()
                .map(|m| m.id.len())
                .max()
                .unwrap_or(0);
            for m in rules::all_metas() {
                out.push_str(&format!(
                    "{:width$}  {:7}  {}\n",
                    m.id,
                    m.severity.as_str(),
                    m.summary
                ));
            }
            print_out(&out);
            EXIT_CLEAN
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(m) => {
                print_out(&crate::output::docs::rule_page(m));
                EXIT_CLEAN
            }
            None => {
                eprintln!("error: {}", unknown_rule::describe(&rule));
                EXIT_INCOMPLETE
            }
        },
        Command::Lint(args) => lint(*args),
        Command::Init { force } => init(Path::new(config::FILE_NAME), force),
    }
}

/// `kube-contract init`: writes the commented default configuration.
fn init(path: &Path, force: bool) -> i32 {
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists; `kube-contract init --force` overwrites it",
            path.display()
        );
        return EXIT_INCOMPLETE;
    }
    match std::fs::write(path, config::init_text()) {
        Ok(()) => {
            print_out(&format!(
                "wrote {}: every setting and rule at its default; edit it to fit your platform\n",
                path.display()
            ));
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!(
                "error: cannot write {}: {}",
                path.display(),
                io::describe_io(&e)
            );
            EXIT_INCOMPLETE
        }
    }
}

fn print_out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

/// `--ignore`: the ids, of which `parse-error` is not one.
fn check_ignored(ids: &[String]) -> Result<BTreeSet<String>, String> {
    let set = check_ids(ids)?;
    if set.contains(ALWAYS_ON) {
        return Err(format!(
            "`{ALWAYS_ON}` cannot be ignored: a document that could not be read is never a \
             silent pass (exit code 2)"
        ));
    }
    Ok(set)
}

fn check_ids(ids: &[String]) -> Result<BTreeSet<String>, String> {
    let mut set = BTreeSet::new();
    for id in ids {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        if rules::find(id).is_none() {
            return Err(unknown_rule::describe(id));
        }
        set.insert(id.to_string());
    }
    Ok(set)
}

/// `--fail-on`: the values `fail-on` takes, listed in the help.
fn fail_on_parser() -> impl clap::builder::TypedValueParser<Value = FailOn> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(FailOn::VALUES)
        .map(|s: String| FailOn::parse(&s).unwrap_or_default())
}

/// Settings from the configuration file, then the flags, which win.
fn resolve(args: &LintArgs, config: &Config) -> Result<Settings, String> {
    let mut settings = Settings {
        select: check_ids(&args.select)?,
        ignore: check_ignored(&args.ignore)?,
        jobs: args.jobs,
        ..Settings::default()
    };
    config.apply(&mut settings);
    if let Some(ns) = &args.namespace {
        settings.namespace = ns.clone();
    }
    if let Some(z) = args.zones {
        settings.zones = z;
    }
    if let Some(v) = args.kubernetes_version {
        settings.kubernetes_version = Some(v);
    }
    // `--select` names rules to run: it runs them even when the file turns them off.
    for id in &settings.select {
        if settings.severities.get(id) == Some(&None) {
            settings.severities.remove(id);
        }
    }
    if let Some(f) = args.fail_on {
        settings.fail_on = f;
    }
    Ok(settings)
}

fn lint(args: LintArgs) -> i32 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let stdin_named = std::env::args_os().any(|a| {
        a.to_str()
            .is_some_and(|a| a == "--stdin-filename" || a.starts_with("--stdin-filename="))
    });
    let reads_stdin = args.paths.iter().any(|p| p == "-");
    let request = scope::Request {
        paths: &args.paths,
        stdin_name: &args.stdin_filename,
        include: &args.include,
        exclude: &args.exclude,
        root: args.root.clone(),
        // Standard input has a place in the repository only when it is given a name.
        context: !args.no_context && (!reads_stdin || stdin_named),
        config: match (&args.config, args.no_config) {
            (_, true) => ConfigChoice::Off,
            (Some(p), false) => ConfigChoice::File(p.clone()),
            (None, false) => ConfigChoice::Discover,
        },
        cwd: cwd.clone(),
    };
    let scope = match scope::resolve(&request) {
        Ok(s) => s,
        // The configuration's mistakes are the report, in the chosen format (exit code 2):
        // nothing is linted with settings the files did not mean.
        Err(ScopeError::Config(failed)) => {
            let report = problems::config_report(failed);
            return match write_report(&args, &report) {
                Ok(()) => EXIT_INCOMPLETE,
                Err(code) => code,
            };
        }
        Err(e) => {
            eprintln!("{e}");
            return EXIT_INCOMPLETE;
        }
    };
    if !args.allow_empty && scope.inputs.iter().all(|i| i.context) {
        eprintln!("{}", nothing_found(&args, &scope));
        return EXIT_INCOMPLETE;
    }
    // Settings 0: no configuration file; then one per configuration file.
    let mut all_settings = Vec::with_capacity(scope.configs.len() + 1);
    for config in std::iter::once(&Config::default()).chain(scope.configs.iter().map(|c| &c.config))
    {
        match resolve(&args, config) {
            Ok(s) => all_settings.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_INCOMPLETE;
            }
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(capped) = all_settings.first().and_then(|s| cap_jobs(s.jobs, cores)) {
        eprintln!(
            "note: -j {} capped at {capped} worker threads ({JOBS_PER_CORE} per core, {cores} cores)",
            args.jobs
        );
        for s in &mut all_settings {
            s.jobs = capped;
        }
    }
    let mut inputs = scope.inputs;
    // Standard input is read here, once, and decoded by the engine like a file, so that
    // malformed bytes are the same located finding whichever path they came by.
    for input in inputs.iter_mut().filter(|i| i.path.is_none()) {
        let display = input.display.clone();
        input.stdin = Some(Box::new(crate::base::regular_file::read_bounded(
            std::io::stdin().lock(),
            &display,
        )));
    }
    // The run's own settings: those of the named files' configuration (fail-on, threads).
    let run_settings = inputs
        .iter()
        .find(|i| !i.context)
        .and_then(|i| all_settings.get(i.settings))
        .cloned()
        .unwrap_or_else(|| all_settings.first().cloned().unwrap_or_default());
    let used: Vec<usize> = {
        let mut v: Vec<usize> = inputs
            .iter()
            .filter(|i| !i.context && i.settings > 0)
            .map(|i| i.settings - 1)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut report = engine::run_with(inputs, all_settings);
    report.configs = used
        .iter()
        .filter_map(|&i| scope.configs.get(i))
        .map(|c| c.display.clone())
        .collect();
    report.root = scope
        .root
        .as_deref()
        .map(|r| scope::display_relative(r, &io::absolute(&cwd)));
    report.fail_on = run_settings.fail_on;
    report.docs_url = run_settings.docs_url.clone();
    if let Err(e) = baseline(&args, &mut report, &cwd) {
        eprintln!("error: {e}");
        return EXIT_INCOMPLETE;
    }
    let code = match write_report(&args, &report) {
        Ok(()) => exit_code(&report),
        Err(code) => code,
    };
    // The process exits with this code: freeing every finding first would only cost time.
    std::mem::forget(report);
    code
}

/// `--write-baseline` records the report's findings; `--baseline` (or the baseline just
/// written) leaves out those it holds. Fingerprints name files relative to the baseline's
/// directory, so it works from any working directory.
fn baseline(args: &LintArgs, report: &mut Report, cwd: &Path) -> Result<(), String> {
    use crate::engine::baseline::Baseline;
    let dir_of = |p: &Path| {
        io::absolute(&cwd.join(p))
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
    };
    if let Some(path) = &args.write_baseline {
        let written = Baseline::of(report, &dir_of(path));
        std::fs::write(path, written.to_json()).map_err(|e| {
            format!(
                "cannot write the baseline {}: {}",
                path.display(),
                io::describe_io(&e)
            )
        })?;
        let n: usize = written.entries.values().sum();
        eprintln!(
            "wrote {n} finding{} to {}; lint with --baseline {} to report only new ones",
            if n == 1 { "" } else { "s" },
            path.display(),
            path.display()
        );
        written.apply(report, &dir_of(path), &path.display().to_string());
        return Ok(());
    }
    if let Some(path) = &args.baseline {
        let read = Baseline::load(path)?;
        read.apply(report, &dir_of(path), &path.display().to_string());
    }
    Ok(())
}

/// Why a run found nothing to lint: what it looked for, where, and what it left out.
fn nothing_found(args: &LintArgs, scope: &scope::Scope) -> String {
    let paths = if args.paths.is_empty() {
        "`.`".to_string()
    } else {
        args.paths
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!(
        "error: no manifest found: looked for *.yaml, *.yml and *.json files under {paths} \
         (hidden directories and git-ignored files skipped)"
    );
    let globs = |flag: &[String], from: &dyn Fn(&Config) -> &Vec<String>| -> Vec<String> {
        let mut all: Vec<String> = flag.to_vec();
        for c in &scope.configs {
            all.extend(
                from(&c.config)
                    .iter()
                    .map(|g| format!("{g} ({})", c.display)),
            );
        }
        all
    };
    let include = globs(&args.include, &|c| &c.include);
    let exclude = globs(&args.exclude, &|c| &c.exclude);
    if !include.is_empty() {
        s.push_str(&format!("; only files matching {}", include.join(", ")));
    }
    if !exclude.is_empty() {
        s.push_str(&format!("; excluding {}", exclude.join(", ")));
    }
    s.push_str(". Pass --allow-empty to accept a run with nothing to lint.");
    s
}

/// Renders the report in the chosen format and writes it to `--output-file` or standard
/// output. A failed write (a full disk, `>/dev/full`, a closed pipe) is exit code 2, said on
/// standard error since the report itself could not be written.
fn write_report(args: &LintArgs, report: &Report) -> Result<(), i32> {
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_deref();
    let (mut sink, target): (Box<dyn Write>, String) = match &args.output_file {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => (
                Box::new(std::io::BufWriter::new(f)),
                path.display().to_string(),
            ),
            Err(e) => {
                eprintln!(
                    "error: cannot write {}: {}",
                    path.display(),
                    io::describe_io(&e)
                );
                return Err(EXIT_INCOMPLETE);
            }
        },
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            "the report to standard output".into(),
        ),
    };
    // JSON, SARIF and human output are written a finding at a time; the other formats are
    // rendered whole first.
    let written = match args.format {
        Format::Json => output::json::write(report, &mut sink),
        Format::Sarif => output::sarif::write(report, &output::sarif::Options { cwd }, &mut sink),
        Format::Github => sink.write_all(
            output::github::render(
                report,
                &output::github::Options {
                    cwd,
                    quiet: args.quiet,
                },
            )
            .as_bytes(),
        ),
        Format::Junit => sink.write_all(output::junit::render(report).as_bytes()),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    args.output_file.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            if args.statistics {
                return sink
                    .write_all(output::human::statistics(report).as_bytes())
                    .and_then(|()| sink.flush())
                    .map_err(|e| {
                        eprintln!("error: cannot write {target}: {}", io::describe_io(&e));
                        EXIT_INCOMPLETE
                    });
            }
            output::human::write(
                report,
                &output::human::Options {
                    color,
                    width: 100,
                    quiet: args.quiet,
                    show_suppressed: args.show_suppressed,
                },
                &mut sink,
            )
        }
    };
    written.and_then(|()| sink.flush()).map_err(|e| {
        eprintln!("error: cannot write {target}: {}", io::describe_io(&e));
        EXIT_INCOMPLETE
    })
}

/// Worker threads per core `-j` may ask for: more only adds threads that wait.
const JOBS_PER_CORE: usize = 4;

/// The thread count `-j` is lowered to, when it asks for more than [`JOBS_PER_CORE`] per core.
fn cap_jobs(jobs: usize, cores: usize) -> Option<usize> {
    let max = cores.max(1).saturating_mul(JOBS_PER_CORE);
    (jobs > max).then_some(max)
}

/// The exit code of a report: the one its summary gives the reason for.
pub fn exit_code(report: &Report) -> i32 {
    output::exit_reason(report).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostic::Severity;

    fn kubernetes_version(args: &[&str]) -> Result<Option<KubeVersion>, clap::Error> {
        let argv = ["kube-contract", "lint"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Lint(a) => Ok(a.kubernetes_version),
            _ => unreachable!("lint was parsed"),
        }
    }

    #[test]
    fn kubernetes_version_accepts_the_three_spellings() {
        let v125 = Some(KubeVersion::new(1, 25));
        assert_eq!(kubernetes_version(&[]).unwrap(), None);
        for spelling in ["1.25", "v1.25", "1.25.16"] {
            assert_eq!(
                kubernetes_version(&["--kubernetes-version", spelling]).unwrap(),
                v125
            );
        }
    }

    #[test]
    fn a_bad_kubernetes_version_is_a_usage_error() {
        for bad in ["1", "1.x", "latest", "1.25-gke.100"] {
            let e = kubernetes_version(&["--kubernetes-version", bad]).unwrap_err();
            assert!(e.use_stderr(), "{bad}: exits with 2");
            assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
            assert!(e.to_string().contains("1.29, v1.29 or 1.29.3"), "{e}");
        }
    }

    fn lint_args(args: &[&str]) -> LintArgs {
        let argv = ["kube-contract", "lint"].iter().chain(args);
        match Cli::try_parse_from(argv).expect("valid flags").command {
            Command::Lint(a) => *a,
            _ => unreachable!("lint was parsed"),
        }
    }

    #[test]
    fn flags_win_over_the_configuration_file() {
        let config = Config::parse(
            "zones: 2\nnamespace: shop\nkubernetes-version: \"1.25\"\nfail-on: info\n\
             rules:\n  bare-pod: off\n  prestop-exceeds-grace-period: {min-shutdown-seconds: 9}\n",
            "c",
        )
        .expect("valid");
        let s = resolve(&lint_args(&[]), &config).expect("resolves");
        assert_eq!(s.zones, 2, "zones reaches the settings rules read");
        assert_eq!(s.namespace, "shop");
        assert_eq!(s.kubernetes_version, Some(KubeVersion::new(1, 25)));
        assert_eq!(s.fail_on, FailOn::Severity(Severity::Info));
        assert!(!s.enabled("bare-pod"));
        assert_eq!(
            s.integer(
                "prestop-exceeds-grace-period",
                &crate::rules::prestop_exceeds_grace_period::MIN_SHUTDOWN
            ),
            9
        );
        let s = resolve(
            &lint_args(&[
                "--zones",
                "5",
                "--namespace",
                "ops",
                "--kubernetes-version",
                "1.31",
                "--fail-on",
                "never",
                "--select",
                "bare-pod,zero-grace-period",
            ]),
            &config,
        )
        .expect("resolves");
        assert_eq!(s.zones, 5);
        assert_eq!(s.namespace, "ops");
        assert_eq!(s.kubernetes_version, Some(KubeVersion::new(1, 31)));
        assert_eq!(s.fail_on, FailOn::Never);
        assert!(
            s.enabled("bare-pod"),
            "--select runs a rule the file turned off"
        );
        assert!(!s.enabled("missing-readiness-probe"));
        let s = resolve(&lint_args(&["--ignore", "zero-grace-period"]), &config).expect("ok");
        assert!(!s.enabled("zero-grace-period"));
        assert!(resolve(&lint_args(&["--select", "bare-pods"]), &config)
            .unwrap_err()
            .contains("did you mean `bare-pod`?"));
        let never_file = Config::parse("fail-on: never\n", "c").expect("valid");
        assert_eq!(
            resolve(&lint_args(&[]), &never_file).expect("ok").fail_on,
            FailOn::Never
        );
        assert_eq!(
            resolve(&lint_args(&["--fail-on", "error"]), &never_file)
                .expect("ok")
                .fail_on,
            FailOn::Severity(Severity::Error)
        );
    }

    #[test]
    fn discovered_files_are_named_relative_to_the_current_directory() {
        let cwd = Path::new("/repo/a/b");
        assert_eq!(
            scope::display_relative(Path::new("/repo/a/b/.kube-contract.yaml"), cwd),
            ".kube-contract.yaml"
        );
        assert_eq!(
            scope::display_relative(Path::new("/repo/.kube-contract.yaml"), cwd),
            "../../.kube-contract.yaml"
        );
    }

    #[test]
    fn jobs_are_capped_at_four_per_core() {
        assert_eq!(cap_jobs(0, 2), None, "0 is one per core");
        assert_eq!(cap_jobs(8, 2), None);
        assert_eq!(cap_jobs(9, 2), Some(8));
        assert_eq!(cap_jobs(100_000, 16), Some(64));
        assert_eq!(cap_jobs(usize::MAX, 0), Some(4));
    }

    #[test]
    fn help_names_the_default_release() {
        let newest = crate::schema::newest_release().unwrap();
        assert!(kubernetes_version_help().contains(&format!("[default: {newest}, ")));
    }
}
