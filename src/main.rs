fn main() {
    std::process::exit(kube_contract::cli::main());
}
