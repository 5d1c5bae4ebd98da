//! What the benchmarks share.

/// Peak resident memory of the children this process waited for, in MiB (`getrusage`).
pub fn children_peak_mib() -> f64 {
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        maxrss: i64,
        rest: [i64; 13],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut r = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `r` is a valid, writable rusage of the platform's layout (x86_64/aarch64 Linux).
    let ok = unsafe { getrusage(RUSAGE_CHILDREN, &mut r) } == 0;
    if ok {
        r.maxrss as f64 / 1024.0
    } else {
        0.0
    }
}
