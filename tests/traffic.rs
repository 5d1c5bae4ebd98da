//! The traffic rules across files: a Service or route is judged against the other side only
//! when that side's application is among the inputs (the same file, else the same directory).

mod common;

use kube_contract::engine;
use kube_contract::rule::settings::Settings;

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
";

const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: web}]
";

const INGRESS: &str = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  defaultBackend:
    service: {name: frontend, port: {number: 80}}
";

/// Lines of the findings of `rule` when the given (path, text) inputs are linted together.
fn lines(rule: &str, files: &[(&str, &str)]) -> Vec<(String, u32)> {
    let mut settings = Settings::default();
    settings.select.insert(rule.to_string());
    let inputs = files
        .iter()
        .map(|(name, text)| common::stdin_input(name, text))
        .collect();
    let report = engine::run(inputs, &settings);
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| (report.file_name(d.file).to_string(), d.span.start.line))
        .collect()
}

#[test]
fn a_service_is_judged_against_the_workloads_of_its_directory() {
    let same_dir = lines(
        "service-port-mismatch",
        &[
            ("app/service.yaml", SERVICE),
            ("app/deployment.yaml", DEPLOYMENT),
        ],
    );
    assert_eq!(same_dir, vec![("app/service.yaml".to_string(), 6)]);
    // The same labels in an unrelated directory do not judge it.
    let elsewhere = lines(
        "service-port-mismatch",
        &[
            ("app/service.yaml", SERVICE),
            ("other/deployment.yaml", DEPLOYMENT),
        ],
    );
    assert_eq!(elsewhere, vec![]);
}

#[test]
fn a_missing_backend_is_reported_only_where_the_inputs_show_the_services() {
    let service = SERVICE.replace("targetPort: web", "targetPort: http");
    let with_services = lines(
        "route-backend-missing",
        &[
            ("app/ingress.yaml", INGRESS),
            ("app/service.yaml", &service),
        ],
    );
    assert_eq!(with_services, vec![("app/ingress.yaml".to_string(), 6)]);
    // No Service of the namespace next to the route: its Services are kept elsewhere.
    let without = lines(
        "route-backend-missing",
        &[
            ("app/ingress.yaml", INGRESS),
            ("other/service.yaml", &service),
        ],
    );
    assert_eq!(without, vec![]);
    // The backend exists in another directory: found, and its ports are checked.
    let found_elsewhere = lines(
        "route-backend-missing",
        &[
            (
                "app/ingress.yaml",
                &INGRESS.replace("frontend", "web").replace("80}", "81}"),
            ),
            (
                "app/other-service.yaml",
                &service.replace("name: web", "name: api"),
            ),
            ("base/service.yaml", &service),
        ],
    );
    assert_eq!(found_elsewhere, vec![("app/ingress.yaml".to_string(), 6)]);
}

#[test]
fn a_configmap_next_to_the_workload_explains_an_undeclared_probe_port() {
    let deployment = DEPLOYMENT.replace(
        "          ports: [{name: http, containerPort: 8080}]\n",
        "          ports: [{name: http, containerPort: 8080}]\n          readinessProbe: {httpGet: {path: /, port: 8090}}\n",
    );
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  app.conf: \"health_port = 8090\"\n";
    let alone = lines(
        "probe-port-unknown",
        &[("app/deployment.yaml", &deployment)],
    );
    assert_eq!(alone, vec![("app/deployment.yaml".to_string(), 14)]);
    let configured = lines(
        "probe-port-unknown",
        &[
            ("app/deployment.yaml", &deployment),
            ("app/config.yaml", config),
        ],
    );
    assert_eq!(configured, vec![]);
    let far = lines(
        "probe-port-unknown",
        &[
            ("app/deployment.yaml", &deployment),
            ("other/config.yaml", config),
        ],
    );
    assert_eq!(far, vec![("app/deployment.yaml".to_string(), 14)]);
}
