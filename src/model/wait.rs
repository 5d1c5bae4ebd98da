//! What a preStop hook waits before the kubelet sends SIGTERM to its container.
//!
//! One place reads it for every rule that asks: `sleep N` in an exec command (run directly, as
//! `/bin/sleep`, through `busybox`, or in a `sh -c`/`bash -c` script such as
//! `sleep 5 && nginx -s quit`), the native `sleep: {seconds: N}` action, and an `httpGet` hook,
//! which waits for as long as its endpoint takes to answer (the manifest does not say how long).
//! Durations are read the way GNU and busybox `sleep` read them: `20`, `20s`, `1.5`, `1m`,
//! `2h`, `1d`, several operands added up (`sleep 1m 30s`), and `infinity`.

use std::fmt;

use crate::model::Handler;

/// How long a hook holds the container back from SIGTERM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A known duration, in milliseconds (the sleeps of one script added up).
    Fixed(i64),
    /// `sleep infinity`: the hook never returns by itself.
    Forever,
    /// A wait whose length the manifest does not say: an `httpGet` hook, `sleep $DELAY`, a
    /// sleep inside a loop.
    Unknown,
}

impl Wait {
    /// Whether the hook waits at all (`sleep 0` does not).
    pub fn waits(self) -> bool {
        !matches!(self, Wait::Fixed(0))
    }
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::Fixed(ms) => f.write_str(&seconds(*ms)),
            Wait::Forever => f.write_str("infinity"),
            Wait::Unknown => f.write_str("of unknown duration"),
        }
    }
}

/// Milliseconds as seconds for messages: `45s`, `2.5s`.
pub fn seconds(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        format!("{}s", s.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// Where in a handler its wait is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitAt {
    /// Elements `first..=last` of `exec.command` (`"sleep", "20"`, or the one script string).
    Command { first: usize, last: usize },
    /// The native `sleep` action.
    SleepAction,
    /// The `httpGet` action.
    HttpGet,
}

impl Handler {
    /// What this handler, run as a preStop hook, waits before the container gets SIGTERM, and
    /// where that is written; `None` when it does not wait (or waits `sleep 0`).
    pub fn wait(&self) -> Option<(Wait, WaitAt)> {
        let found = match self {
            Handler::Exec { command } => {
                let argv: Vec<&str> = command.iter().map(String::as_str).collect();
                argv_wait(&argv, 0).map(|(w, first, last)| (w, WaitAt::Command { first, last }))
            }
            // The API server requires `seconds`; without it the duration is not known. It
            // refuses a negative one (not known either); more milliseconds than an i64 holds
            // (292 million years) is forever.
            Handler::Sleep { seconds } => Some((
                match seconds {
                    Some(s) if *s >= 0 => s.checked_mul(1000).map_or(Wait::Forever, Wait::Fixed),
                    _ => Wait::Unknown,
                },
                WaitAt::SleepAction,
            )),
            Handler::HttpGet { .. } => Some((Wait::Unknown, WaitAt::HttpGet)),
            // A tcpSocket lifecycle handler is accepted but not run by the kubelet; grpc and
            // a missing handler are not lifecycle actions.
            Handler::TcpSocket { .. } | Handler::Grpc { .. } | Handler::Unknown => None,
        };
        found.filter(|(w, _)| w.waits())
    }
}

impl Handler {
    /// Whether this handler, run as a preStop hook, stops the application before it waits:
    /// a shell script whose first command that stops something (`nginx -s quit`, `kill 1`,
    /// `redis-cli shutdown`) comes before its first `sleep`, as in `nginx -s quit; sleep 5`.
    /// The sleep then only delays SIGTERM to a container that no longer serves, so load
    /// balancers still send requests to a stopped application.
    pub fn shuts_down_before_wait(&self) -> bool {
        let Handler::Exec { command } = self else {
            return false;
        };
        let argv: Vec<&str> = command.iter().map(String::as_str).collect();
        shell_script(&argv).is_some_and(|script| script_shuts_down_first(script, 1))
    }
}

/// The script of `sh -c <script>` (any shell of [`SHELLS`], after its options).
fn shell_script<'a>(argv: &[&'a str]) -> Option<&'a str> {
    let at = argv.iter().position(|w| SHELLS.contains(&basename(w)))?;
    let mut command_string = false;
    for a in argv.get(at + 1..)? {
        if a.len() > 1 && a.starts_with('-') {
            command_string |= a.contains('c');
            continue;
        }
        return command_string.then_some(*a);
    }
    None
}

/// Whether a command, given as its words, stops a process: `kill`, `pkill`, `killall`,
/// `shutdown`, or a program told to `quit`, `stop`, `shutdown` or `terminate` (`nginx -s
/// quit`, `apachectl graceful-stop`, `redis-cli shutdown`, `supervisorctl stop all`).
fn is_shutdown(words: &[&str]) -> bool {
    let Some(prog) = words.first().map(|w| basename(w)) else {
        return false;
    };
    matches!(
        prog,
        "kill" | "pkill" | "killall" | "shutdown" | "halt" | "poweroff"
    ) || words.iter().skip(1).any(|w| {
        matches!(
            w.trim_start_matches('-').to_ascii_lowercase().as_str(),
            "quit" | "stop" | "shutdown" | "graceful-stop" | "terminate"
        )
    })
}

/// Whether a shell script stops something before its first `sleep`.
fn script_shuts_down_first(script: &str, depth: usize) -> bool {
    for cmd in simple_commands(script) {
        if cmd.background {
            continue;
        }
        let argv: Vec<&str> = cmd
            .words
            .iter()
            .map(String::as_str)
            .skip_while(|w| {
                matches!(
                    *w,
                    "while"
                        | "until"
                        | "do"
                        | "then"
                        | "else"
                        | "elif"
                        | "if"
                        | "!"
                        | "{"
                        | "}"
                        | "exec"
                        | "command"
                        | "nohup"
                )
            })
            .collect();
        if argv_wait(&argv, depth).is_some() {
            return false;
        }
        if is_shutdown(&argv) {
            return true;
        }
    }
    false
}

/// Nested `sh -c` deeper than this is not followed.
const MAX_DEPTH: usize = 4;

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

fn basename(word: &str) -> &str {
    word.rsplit(['/', '\\']).next().unwrap_or(word)
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// The wait of one command given as its words, with the words (indices into `argv`) that
/// hold it.
fn argv_wait(argv: &[&str], depth: usize) -> Option<(Wait, usize, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut i = 0;
    // Wrappers that run the rest of the line: `exec sleep 5`, `env A=b sleep 5`,
    // `busybox sleep 5`, `A=b sleep 5`.
    while let Some(&w) = argv.get(i) {
        match basename(w) {
            "exec" | "command" | "nohup" | "busybox" | "toybox" => i += 1,
            "env" => {
                i += 1;
                while argv
                    .get(i)
                    .is_some_and(|a| is_assignment(a) || a.starts_with('-'))
                {
                    i += 1;
                }
            }
            _ if is_assignment(w) => i += 1,
            _ => break,
        }
    }
    let prog = basename(argv.get(i)?);
    let args = argv.get(i + 1..).unwrap_or(&[]);
    if prog == "sleep" {
        let wait = sleep_operands(args)?;
        return Some((wait, i, argv.len().saturating_sub(1).max(i)));
    }
    if SHELLS.contains(&prog) {
        let mut command_string = false;
        let mut j = 0;
        while let Some(&a) = args.get(j) {
            if a == "-o" || a == "+o" {
                j += 2;
                continue;
            }
            if a == "--" {
                j += 1;
                break;
            }
            if a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
                command_string |= a.starts_with('-') && a.contains('c');
                j += 1;
                continue;
            }
            break;
        }
        if !command_string {
            // `sh /stop.sh`: a script file the manifest does not show.
            return None;
        }
        let script = args.get(j)?;
        let at = i + 1 + j;
        return script_wait(script, depth + 1).map(|w| (w, at, at));
    }
    None
}

/// The operands of `sleep`, added up; `None` when there is none (an error, no wait).
fn sleep_operands(args: &[&str]) -> Option<Wait> {
    let args: Vec<&str> = args.iter().copied().filter(|a| *a != "--").collect();
    if args.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    for a in args {
        match duration(a) {
            Some(Wait::Fixed(ms)) => total = total.saturating_add(ms),
            Some(Wait::Forever) => return Some(Wait::Forever),
            // `$DELAY`, `${DELAY:-10}`, `$((…))`: known only when the container runs.
            _ => return Some(Wait::Unknown),
        }
    }
    Some(saturated(total))
}

/// A sum of waits that saturated at `i64::MAX` milliseconds is forever, not a number.
fn saturated(total: i64) -> Wait {
    if total == i64::MAX {
        Wait::Forever
    } else {
        Wait::Fixed(total)
    }
}

/// One `sleep` operand: a non-negative number with an optional `s`, `m`, `h` or `d` suffix,
/// or `infinity`.
fn duration(arg: &str) -> Option<Wait> {
    if arg.eq_ignore_ascii_case("infinity") || arg.eq_ignore_ascii_case("inf") {
        return Some(Wait::Forever);
    }
    let (num, unit) = match arg.char_indices().last()? {
        (i, 's') => (arg.get(..i)?, 1.0),
        (i, 'm') => (arg.get(..i)?, 60.0),
        (i, 'h') => (arg.get(..i)?, 3600.0),
        (i, 'd') => (arg.get(..i)?, 86400.0),
        _ => (arg, 1.0),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let ms = n * unit * 1000.0;
    if !ms.is_finite() || ms < 0.0 {
        return None;
    }
    if ms >= i64::MAX as f64 {
        return Some(Wait::Forever);
    }
    Some(Wait::Fixed(ms.round() as i64))
}

/// The wait of a shell script: its sleeps added up. A backgrounded sleep (`sleep 5 &`) does
/// not wait; one inside a `while`, `until` or `for` loop waits an unknown time.
fn script_wait(script: &str, depth: usize) -> Option<Wait> {
    let mut total: i64 = 0;
    let mut fixed = false;
    let mut unknown = false;
    let mut loops = 0usize;
    for cmd in simple_commands(script) {
        let mut words: &[String] = &cmd.words;
        let mut for_header = false;
        while let Some(first) = words.first() {
            match first.as_str() {
                "while" | "until" => loops += 1,
                "for" | "select" => {
                    loops += 1;
                    for_header = true;
                }
                "done" => loops = loops.saturating_sub(1),
                "do" | "then" | "else" | "elif" | "if" | "!" | "{" | "}" | "time" | "fi"
                | "esac" => {}
                _ => break,
            }
            words = words.get(1..).unwrap_or(&[]);
        }
        if for_header || cmd.background {
            continue;
        }
        let argv: Vec<&str> = words.iter().map(String::as_str).collect();
        let Some((wait, _, _)) = argv_wait(&argv, depth) else {
            continue;
        };
        match wait {
            Wait::Forever if loops == 0 => return Some(Wait::Forever),
            Wait::Fixed(ms) if loops == 0 => {
                total = total.saturating_add(ms);
                fixed = true;
            }
            _ => unknown = true,
        }
    }
    if fixed {
        // What is known is a lower bound of the whole wait.
        Some(saturated(total))
    } else if unknown {
        Some(Wait::Unknown)
    } else {
        None
    }
}

#[derive(Debug, Default, PartialEq)]
struct SimpleCommand {
    words: Vec<String>,
    /// Ended by a single `&`: the script does not wait for it.
    background: bool,
}

/// Splits a shell script into simple commands (at `;`, `&&`, `||`, `|`, `&`, newlines and
/// parentheses) made of words with their quotes removed. Redirections (`> /dev/null`,
/// `2>&1`) are dropped. Enough of the shell grammar to find `sleep` and its operands.
fn simple_commands(script: &str) -> Vec<SimpleCommand> {
    struct State {
        out: Vec<SimpleCommand>,
        cur: SimpleCommand,
        word: String,
        in_word: bool,
        redirect: bool,
    }
    impl State {
        fn end_word(&mut self) {
            if self.in_word {
                let w = std::mem::take(&mut self.word);
                if self.redirect {
                    self.redirect = false;
                } else {
                    self.cur.words.push(w);
                }
                self.in_word = false;
            }
        }
        fn end_command(&mut self, background: bool) {
            self.end_word();
            self.redirect = false;
            let mut cmd = std::mem::take(&mut self.cur);
            cmd.background = background;
            if !cmd.words.is_empty() {
                self.out.push(cmd);
            }
        }
    }
    let mut s = State {
        out: Vec::new(),
        cur: SimpleCommand::default(),
        word: String::new(),
        in_word: false,
        redirect: false,
    };
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                s.in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    s.word.push(q);
                }
            }
            '"' => {
                s.in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => s.word.push(e),
                            Some('\n') => {}
                            Some(e) => {
                                s.word.push('\\');
                                s.word.push(e);
                            }
                            None => {}
                        },
                        _ => s.word.push(q),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(e) => {
                    s.in_word = true;
                    s.word.push(e);
                }
                None => {}
            },
            '#' if !s.in_word => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                s.end_command(false);
            }
            ' ' | '\t' | '\r' => s.end_word(),
            '\n' | ';' | '(' | ')' => s.end_command(false),
            '&' if chars.peek() == Some(&'>') => {
                // `&> file`: both outputs to a file.
                s.end_word();
                chars.next();
                s.redirect = true;
            }
            '&' => {
                if chars.peek() == Some(&'&') {
                    chars.next();
                    s.end_command(false);
                } else {
                    s.end_command(true);
                }
            }
            '|' => {
                if chars.peek() == Some(&'|') {
                    chars.next();
                }
                s.end_command(false);
            }
            '<' | '>' => {
                // `2>&1`: the file descriptor number belongs to the operator.
                if s.in_word && s.word.chars().all(|d| d.is_ascii_digit()) {
                    s.word.clear();
                    s.in_word = false;
                } else {
                    s.end_word();
                }
                while chars
                    .peek()
                    .is_some_and(|n| matches!(n, '<' | '>' | '&' | '|'))
                {
                    chars.next();
                }
                s.redirect = true;
            }
            _ => {
                s.in_word = true;
                s.word.push(c);
            }
        }
    }
    s.end_command(false);
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hook_that_stops_the_application_before_sleeping_does_not_wait_first() {
        let h = |parts: &[&str]| Handler::Exec {
            command: parts.iter().map(|s| s.to_string()).collect(),
        };
        assert!(h(&["sh", "-c", "nginx -s quit; sleep 5"]).shuts_down_before_wait());
        assert!(h(&["/bin/bash", "-c", "kill -TERM 1 && sleep 10"]).shuts_down_before_wait());
        assert!(h(&["sh", "-c", "redis-cli shutdown\nsleep 3"]).shuts_down_before_wait());
        assert!(!h(&["sh", "-c", "sleep 5 && nginx -s quit"]).shuts_down_before_wait());
        assert!(!h(&["sh", "-c", "echo draining; sleep 5; nginx -s quit"]).shuts_down_before_wait());
        assert!(!h(&["sleep", "5"]).shuts_down_before_wait());
        assert!(!h(&["nginx", "-s", "quit"]).shuts_down_before_wait());
    }

    fn exec(parts: &[&str]) -> Option<(Wait, WaitAt)> {
        Handler::Exec {
            command: parts.iter().map(|s| s.to_string()).collect(),
        }
        .wait()
    }

    fn wait(parts: &[&str]) -> Option<Wait> {
        exec(parts).map(|(w, _)| w)
    }

    #[test]
    fn bare_sleep_forms() {
        assert_eq!(wait(&["sleep", "20"]), Some(Wait::Fixed(20_000)));
        assert_eq!(wait(&["/bin/sleep", "20s"]), Some(Wait::Fixed(20_000)));
        assert_eq!(wait(&["sleep", "1m"]), Some(Wait::Fixed(60_000)));
        assert_eq!(wait(&["sleep", "1m", "30s"]), Some(Wait::Fixed(90_000)));
        assert_eq!(wait(&["sleep", "2.5"]), Some(Wait::Fixed(2_500)));
        assert_eq!(wait(&["sleep", "1h"]), Some(Wait::Fixed(3_600_000)));
        assert_eq!(wait(&["sleep", "infinity"]), Some(Wait::Forever));
        assert_eq!(wait(&["busybox", "sleep", "5"]), Some(Wait::Fixed(5_000)));
        assert_eq!(wait(&["sleep", "$DELAY"]), Some(Wait::Unknown));
        assert_eq!(
            exec(&["sleep", "20"]).map(|(_, at)| at),
            Some(WaitAt::Command { first: 0, last: 1 })
        );
    }

    #[test]
    fn no_wait() {
        assert_eq!(wait(&["sleep", "0"]), None);
        assert_eq!(wait(&["sleep"]), None);
        assert_eq!(wait(&["nginx", "-s", "quit"]), None);
        assert_eq!(wait(&["/bin/sh", "/stop.sh"]), None);
        assert_eq!(wait(&["/bin/sh", "-c", "ray stop"]), None);
        assert_eq!(wait(&["/bin/sh", "-c", "echo sleep 20"]), None);
        assert_eq!(wait(&["/bin/sh", "-c", "sleep 20 &"]), None);
        assert_eq!(wait(&[]), None);
        assert_eq!(Handler::Unknown.wait(), None);
    }

    #[test]
    fn shell_scripts() {
        assert_eq!(
            wait(&["/bin/sh", "-c", "sleep 20"]),
            Some(Wait::Fixed(20_000))
        );
        assert_eq!(
            wait(&["/bin/bash", "-c", "sleep 20"]),
            Some(Wait::Fixed(20_000))
        );
        assert_eq!(
            wait(&["sh", "-c", "sleep 5 && nginx -s quit"]),
            Some(Wait::Fixed(5_000))
        );
        assert_eq!(
            wait(&["sh", "-ec", "sleep 5; nginx -s quit; sleep 3"]),
            Some(Wait::Fixed(8_000))
        );
        assert_eq!(
            wait(&[
                "bash",
                "-o",
                "pipefail",
                "-c",
                "sleep 10 > /dev/null 2>&1; sleep 1 &>/dev/null"
            ]),
            Some(Wait::Fixed(11_000))
        );
        assert_eq!(
            wait(&["sh", "-c", "# drain first\nexec /bin/sleep '15'"]),
            Some(Wait::Fixed(15_000))
        );
        assert_eq!(
            wait(&["sh", "-c", "while pgrep nginx; do sleep 1; done"]),
            Some(Wait::Unknown)
        );
        assert_eq!(
            wait(&["sh", "-c", "sleep \"${DELAY:-10}\""]),
            Some(Wait::Unknown)
        );
        assert_eq!(
            wait(&["sh", "-c", "sh -c 'sleep 7'"]),
            Some(Wait::Fixed(7_000))
        );
        assert_eq!(
            exec(&["/bin/sh", "-c", "sleep 20"]).map(|(_, at)| at),
            Some(WaitAt::Command { first: 2, last: 2 })
        );
    }

    #[test]
    fn native_and_http_hooks() {
        assert_eq!(
            Handler::Sleep { seconds: Some(20) }.wait(),
            Some((Wait::Fixed(20_000), WaitAt::SleepAction))
        );
        assert_eq!(Handler::Sleep { seconds: Some(0) }.wait(), None);
        let http = Handler::HttpGet {
            path: Some("/drain".into()),
            port: None,
            host: None,
            scheme: None,
        };
        assert_eq!(http.wait(), Some((Wait::Unknown, WaitAt::HttpGet)));
    }

    #[test]
    fn durations_print_as_seconds() {
        assert_eq!(seconds(45_000), "45s");
        assert_eq!(seconds(2_500), "2.5s");
        assert_eq!(Wait::Forever.to_string(), "infinity");
    }
}
