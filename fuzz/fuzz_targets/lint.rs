//! A whole lint of one input with every rule, rendered in every format.
#![no_main]

use kube_contract::cli::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::lint(data);
});
