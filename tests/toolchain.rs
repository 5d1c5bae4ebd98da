//! The toolchain the README and `Cargo.toml` ask for is the one the locked dependencies need:
//! `rust-version` equals the greatest `rust-version` of the packages `Cargo.lock` resolves
//! to (for this host, dev-dependencies included, since `cargo test` builds them), and the
//! README and docs/integrations.md name the same release. Reads `cargo metadata --offline`.

use std::process::Command;

fn release(v: &str) -> (u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let host = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV");
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host");
    let out = Command::new(cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--locked",
            "--filter-platform",
            &host,
        ])
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "kube-contract")
        .and_then(|p| p["rust_version"].as_str())
        .expect("kube-contract declares rust-version");
    let (need, who) = packages
        .iter()
        .filter(|p| p["name"] != "kube-contract")
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            Some((release(v), format!("{} {}", p["name"], p["version"])))
        })
        .max()
        .expect("some dependency declares rust-version");
    let need_text = format!("{}.{}", need.0, need.1);
    assert_eq!(
        release(ours),
        need,
        "Cargo.toml says rust-version {ours}; the locked dependencies need {need_text} ({who})"
    );
    for doc in ["README.md", "docs/integrations.md"] {
        let text = std::fs::read_to_string(format!("{root}/{doc}")).expect("read doc");
        assert!(
            text.contains(&format!("({need_text} or newer)")),
            "{doc} names the toolchain as ({need_text} or newer)"
        );
    }
}
