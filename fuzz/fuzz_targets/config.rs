//! The configuration file reader, and applying what it read.
#![no_main]

use kube_contract::cli::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::config(data);
});
