//! Shared by the rules about pods (`missing-readiness-probe`, `missing-prestop-sleep`): which
//! containers serve traffic. Not a rule itself.

use crate::index::Index;
use crate::model::{Container, ContainerPort, Object};

/// A port that only the kubelet's probes use, by its name (`healthz`, `health`,
/// `tcp-health-port`, `livez`, `readyz`): no load balancer sends it requests.
pub fn is_health_port(p: &ContainerPort) -> bool {
    p.name.as_deref().is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("health") || n == "livez" || n == "readyz"
    })
}

/// The container declares a port other than a health-check port.
pub fn serves_on_ports(c: &Container) -> bool {
    c.ports.iter().any(|p| !is_health_port(p))
}

/// `port 80`, `ports 80, 443`: the ports a container serves on, for messages.
pub fn ports(c: &Container) -> String {
    let shown: Vec<String> = c
        .ports
        .iter()
        .filter(|p| !is_health_port(p))
        .map(|p| match (p.container_port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "?".into(),
        })
        .collect();
    if shown.len() == 1 {
        format!("port {}", shown.join(""))
    } else {
        format!("ports {}", shown.join(", "))
    }
}

/// The Service among the inputs that selects the workload's pods, preferring one written in
/// the workload's own file (it names the application best).
pub fn selecting_service<'a>(obj: &Object, index: &'a Index) -> Option<&'a Object> {
    let services = index.services_for(obj);
    services
        .iter()
        .find(|s| s.file == obj.file)
        .or(services.first())
        .copied()
}

/// The port a probe of the container should check, as the probe writes it: a health-check
/// port first, else the first port it declares; its name when it has one (a name a YAML
/// reader takes for a string), else its number. `None` when it declares none.
pub fn probe_port(c: &Container) -> Option<String> {
    let port = c
        .ports
        .iter()
        .find(|p| is_health_port(p))
        .or_else(|| c.ports.first())?;
    let plain = |n: &str| {
        !n.is_empty()
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && n.parse::<f64>().is_err()
    };
    match (&port.name, port.container_port) {
        (Some(name), _) if plain(name) => Some(name.clone()),
        (_, Some(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// A probe to paste into the container: an HTTP check of its own port at `path`, or, for a
/// container without ports, a command to write. `extra` follows `periodSeconds`.
pub fn probe_snippet(key: &str, c: &Container, path: &str, period: u32, extra: &str) -> String {
    let check = match probe_port(c) {
        Some(port) => format!("httpGet: {{path: {path}, port: {port}}}"),
        None => "exec: {command: [\"/bin/healthcheck\"]}".to_string(),
    };
    format!("{key}: {{{check}, periodSeconds: {period}{extra}}}")
}
