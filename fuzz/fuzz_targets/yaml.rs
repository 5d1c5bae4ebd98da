//! The YAML reader: decoding, splitting a stream, the spanned tree (merge keys resolved) and
//! every scalar's value.
#![no_main]

use kube_contract::cli::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::yaml(data);
});
