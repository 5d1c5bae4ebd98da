//! The command line: `lint`, `rules`, `explain <id>`.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read, Write};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::deprecated_apis;
use crate::diagnostic::Severity;
use crate::engine::{self, Report};
use crate::kube_version::KubeVersion;
use crate::output;
use crate::rules;
use crate::settings::Settings;
use crate::source::{self, Filters};

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
                  2 something could not be linted (parse error, unreadable file, bad arguments)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint manifests: files, directories (recursive), or `-` for standard input.
    Lint(LintArgs),
    /// List every rule: id, default severity and summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. missing-readiness-probe.
        rule: String,
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

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
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
    /// Namespace of objects without `metadata.namespace`.
    #[arg(long, value_name = "NS", default_value = "default")]
    namespace: String,
    /// The Kubernetes release to check API versions against.
    #[arg(long, value_name = "X.Y", value_parser = parse_kubernetes_version, help = kubernetes_version_help())]
    kubernetes_version: Option<KubeVersion>,
    /// Zones the platform spreads workloads over.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    zones: u32,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
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
}

fn parse_kubernetes_version(s: &str) -> Result<KubeVersion, String> {
    s.parse()
}

/// `--kubernetes-version`'s help, with the default read from the deprecated-API table.
fn kubernetes_version_help() -> String {
    let default = match deprecated_apis::table() {
        Ok(t) => format!(
            "{}, the newest release in the deprecated-API table",
            t.newest
        ),
        Err(_) => "the newest release in the deprecated-API table".to_string(),
    };
    format!(
        "The Kubernetes release to check API versions against (`1.29`, `v1.29` or `1.29.3`) \
         [default: {default}]"
    )
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    engine::tune_allocator();
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
                print_out(&crate::docs::rule_page(m));
                EXIT_CLEAN
            }
            None => {
                eprintln!("error: unknown rule `{rule}`; `kube-contract rules` lists them");
                EXIT_INCOMPLETE
            }
        },
        Command::Lint(args) => lint(args),
    }
}

fn print_out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

fn check_ids(ids: &[String]) -> Result<BTreeSet<String>, String> {
    let mut set = BTreeSet::new();
    for id in ids {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        if rules::find(id).is_none() {
            return Err(format!(
                "unknown rule `{id}`; `kube-contract rules` lists them"
            ));
        }
        set.insert(id.to_string());
    }
    Ok(set)
}

fn lint(args: LintArgs) -> i32 {
    let (select, ignore) = match (check_ids(&args.select), check_ids(&args.ignore)) {
        (Ok(s), Ok(i)) => (s, i),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let settings = Settings {
        namespace: args.namespace.clone(),
        zones: args.zones,
        fail_on: match args.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Never => Severity::Error,
        },
        select,
        ignore,
        jobs: args.jobs,
        kubernetes_version: args.kubernetes_version,
        ..Settings::default()
    };
    let filters = match Filters::new(&args.include, &args.exclude) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let mut inputs = match source::discover(&args.paths, &filters, &args.stdin_filename) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    for input in inputs.iter_mut().filter(|i| i.path.is_none()) {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read standard input: {e}");
            return EXIT_INCOMPLETE;
        }
        match engine::decode(bytes, &input.display) {
            Ok(text) => input.stdin = Some(text),
            Err((_, message)) => {
                eprintln!("error: {message}");
                return EXIT_INCOMPLETE;
            }
        }
    }
    let report = engine::run(inputs, &settings);
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_deref();
    let text = match args.format {
        Format::Json => output::json::render(&report),
        Format::Sarif => output::sarif::render(&report, &output::sarif::Options { cwd }),
        Format::Github => output::github::render(
            &report,
            &output::github::Options {
                cwd,
                quiet: args.quiet,
            },
        ),
        Format::Junit => output::junit::render(&report),
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
            output::human::render(
                &report,
                &output::human::Options {
                    color,
                    width: 100,
                    quiet: args.quiet,
                },
            )
        }
    };
    match &args.output_file {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text.as_bytes()) {
                eprintln!(
                    "error: cannot write {}: {}",
                    path.display(),
                    source::describe_io(&e)
                );
                return EXIT_INCOMPLETE;
            }
        }
        None => print_out(&text),
    }
    exit_code(&report, &settings, args.fail_on == FailOn::Never)
}

pub fn exit_code(report: &Report, settings: &Settings, never: bool) -> i32 {
    if report.incomplete() {
        EXIT_INCOMPLETE
    } else if !never
        && report
            .diagnostics
            .iter()
            .any(|d| d.severity >= settings.fail_on)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn help_names_the_default_release() {
        let newest = deprecated_apis::table().unwrap().newest;
        assert!(kubernetes_version_help().contains(&format!("[default: {newest}, ")));
    }
}
