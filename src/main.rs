/// jemalloc, with one arena: the run makes millions of small allocations that live until the
/// end (the model of every object) among larger ones freed file after file (each file's text
/// and tree). glibc's malloc puts a 16-byte header on each and keeps a heap per thread, which
/// left about twice the useful memory resident; jemalloc's size classes and a single arena
/// (threads still allocate from their own caches) bring the peak close to what is in use.
/// The README's design section has the figures.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (a C string).
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8; 10] = b"narenas:1\0";

fn main() {
    std::process::exit(kube_contract::cli::main());
}
