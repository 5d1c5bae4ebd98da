//! The fast YAML reader against saphyr: on every document of the input (read as YAML and as
//! JSON) that the fast reader reads, the two trees must be identical — nodes, scalar values
//! and styles, spans, children. A difference panics with it.
#![no_main]

use kube_contract::cli::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::fast_reader(data);
});
