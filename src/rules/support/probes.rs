//! Comparing a container's readiness and liveness probes: how each behaves once started,
//! whether they run the same check, and how to name a check in a message
//! (`identical-probes`, `liveness-stricter-than-readiness`).

use crate::model::{Container, Handler, IntOrString, Probe};

/// The readiness and liveness probes of a container, when it has both and every field of
/// both was read: a field of the wrong type (an unrendered template) hides what a probe does.
pub fn compared(c: &Container) -> Option<(&Probe, &Probe)> {
    let (ready, live) = (c.readiness_probe.as_deref()?, c.liveness_probe.as_deref()?);
    (!ready.has_invalid_field && !live.has_invalid_field).then_some((ready, live))
}

/// How a started probe behaves: how long it takes to give up (`periodSeconds` ×
/// `failureThreshold`) and how long it waits for each answer (`timeoutSeconds`).
pub fn behaviour(t: &[i64; 4]) -> (i64, i64) {
    let [_, period, timeout, failures] = *t;
    (period.saturating_mul(failures), timeout)
}

/// `initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`, `failureThreshold` with
/// Kubernetes' defaults.
pub fn timing(p: &Probe) -> [i64; 4] {
    [
        p.initial_delay_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(10),
        p.timeout_seconds.unwrap_or(1),
        p.failure_threshold.unwrap_or(3),
    ]
}

/// A port as compared: its number when it resolves, else as written.
fn port(c: &Container, p: &Option<IntOrString>) -> Option<IntOrString> {
    let p = p.as_ref()?;
    Some(c.port_number(p).map_or_else(|| p.clone(), IntOrString::Int))
}

fn host(h: &Option<String>) -> Option<&str> {
    h.as_deref().filter(|h| !h.is_empty())
}

pub fn same_check(c: &Container, a: &Handler, b: &Handler) -> bool {
    match (a, b) {
        (Handler::Exec { command: x }, Handler::Exec { command: y }) => !x.is_empty() && x == y,
        (
            Handler::HttpGet {
                path: p1,
                port: o1,
                host: h1,
                scheme: s1,
            },
            Handler::HttpGet {
                path: p2,
                port: o2,
                host: h2,
                scheme: s2,
            },
        ) => {
            let path = |p: &Option<String>| match p.as_deref() {
                None | Some("") => "/".to_string(),
                Some(p) => p.to_string(),
            };
            let scheme = |s: &Option<String>| s.as_deref().unwrap_or("HTTP").to_ascii_uppercase();
            path(p1) == path(p2)
                && port(c, o1) == port(c, o2)
                && host(h1) == host(h2)
                && scheme(s1) == scheme(s2)
        }
        (Handler::TcpSocket { port: o1, host: h1 }, Handler::TcpSocket { port: o2, host: h2 }) => {
            port(c, o1) == port(c, o2) && host(h1) == host(h2)
        }
        (
            Handler::Grpc {
                port: o1,
                service: s1,
            },
            Handler::Grpc {
                port: o2,
                service: s2,
            },
        ) => o1.is_some() && o1 == o2 && host(s1) == host(s2),
        _ => false,
    }
}

fn describe_port(c: &Container, p: &Option<IntOrString>) -> String {
    match p {
        None => "no port".into(),
        Some(IntOrString::Int(n)) => format!("port {n}"),
        Some(named @ IntOrString::Str(name)) => match c.port_number(named) {
            Some(n) => format!("port {name} ({n})"),
            None => format!("port {name}"),
        },
    }
}

pub fn describe(c: &Container, h: &Handler) -> String {
    match h {
        Handler::Exec { command } => {
            let line = command.join(" ");
            let shown: String = line.chars().take(60).collect();
            if shown.len() < line.len() {
                format!("exec `{shown}…`")
            } else {
                format!("exec `{shown}`")
            }
        }
        Handler::HttpGet {
            path, port, scheme, ..
        } => {
            let https = scheme
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("HTTPS"));
            format!(
                "httpGet {} on {}{}",
                path.as_deref().filter(|p| !p.is_empty()).unwrap_or("/"),
                describe_port(c, port),
                if https { " over HTTPS" } else { "" }
            )
        }
        Handler::TcpSocket { port, .. } => format!("tcpSocket on {}", describe_port(c, port)),
        Handler::Grpc { port, service } => match (port, host(service)) {
            (Some(p), Some(s)) => format!("grpc service `{s}` on port {p}"),
            (Some(p), None) => format!("grpc on port {p}"),
            (None, _) => "grpc".into(),
        },
        Handler::Sleep { .. } | Handler::Unknown => "no handler".into(),
    }
}
