//! Reading an input path: only regular files (through symbolic links), never a FIFO, a socket
//! or a device (opening a FIFO blocks until a writer comes; a device may never end), and never
//! more than [`MAX_FILE_BYTES`]. Every refusal is a sentence naming the input, which the
//! engine reports as a `parse-error` finding at 1:1.

use std::io::Read;
use std::path::Path;

use crate::base::io::describe_io;

/// The largest file (or standard input) read, in bytes: 256 MiB. The largest manifests in
/// practice (operator bundles, rendered umbrella charts) are tens of megabytes; a larger input
/// is a finding, not an out-of-memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a path that exists is not read, or `None` for a regular file.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// An I/O error in words, a symbolic link loop included.
pub fn describe(e: &std::io::Error) -> String {
    // ELOOP: Linux 40, the BSDs and macOS 62.
    if (cfg!(target_os = "linux") && e.raw_os_error() == Some(40))
        || (cfg!(any(target_os = "macos", target_os = "freebsd")) && e.raw_os_error() == Some(62))
    {
        return "a symbolic link loop (too many levels of symbolic links)".into();
    }
    describe_io(e)
}

/// The bytes of the regular file at `path` (symbolic links followed), or why it is not read.
pub fn read(path: &Path, display: &str) -> Result<Vec<u8>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {display}: {}", describe(&e)))?;
    if let Some(what) = not_regular(&meta) {
        if meta.is_dir() {
            if let Err(e) = std::fs::read_dir(path) {
                return Err(format!("cannot read directory {display}: {}", describe(&e)));
            }
        }
        // `<(cmd)` names a pipe: its output can come by standard input instead.
        let hint = if what.starts_with("a FIFO") {
            "; pipe it to `kube-contract lint -` instead"
        } else {
            ""
        };
        return Err(format!(
            "{display} is {what}, not a regular file: skipped (only regular files and \
             standard input are read{hint})"
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(display, meta.len()));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read {display}: {}", describe(&e)))?;
    // Sized from the metadata: one allocation and two reads for a file that does not grow.
    read_limited_with(file, display, MAX_FILE_BYTES, meta.len() as usize + 1)
}

/// Like [`read`], for a path a directory walk has just listed as a regular file: it is opened
/// at once and its type and size are checked on the open file: one path lookup instead of
/// two. Should the open file not be a regular file (the path changed since the walk), it is
/// closed and [`read`] decides, and words the refusal.
pub fn read_walked(path: &Path, display: &str) -> Result<Vec<u8>, String> {
    let Ok(file) = std::fs::File::open(path) else {
        return read(path, display);
    };
    match file.metadata() {
        Ok(meta) if meta.is_file() => {
            if meta.len() > MAX_FILE_BYTES {
                return Err(too_large(display, meta.len()));
            }
            read_limited_with(file, display, MAX_FILE_BYTES, meta.len() as usize + 1)
        }
        _ => {
            drop(file);
            read(path, display)
        }
    }
}

/// Reads at most [`MAX_FILE_BYTES`] from `reader` (a file that grows while read, standard
/// input).
pub fn read_bounded(reader: impl Read, display: &str) -> Result<Vec<u8>, String> {
    read_limited(reader, display, MAX_FILE_BYTES)
}

fn read_limited(reader: impl Read, display: &str, limit: u64) -> Result<Vec<u8>, String> {
    read_limited_with(reader, display, limit, 0)
}

fn read_limited_with(
    reader: impl Read,
    display: &str,
    limit: u64,
    capacity: usize,
) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {display}: {}", describe(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{display} is more than {limit} bytes, larger than a file may be: skipped"
        ));
    }
    Ok(bytes)
}

fn too_large(display: &str, len: u64) -> String {
    format!(
        "{display} is {len} bytes, larger than the {MAX_FILE_BYTES} bytes (256 MiB) a file \
         may be: skipped"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_missing_paths_are_refused_with_a_reason() {
        let e = read(Path::new("src"), "src").unwrap_err();
        assert!(e.contains("src is a directory"), "{e}");
        let e = read(Path::new("no/such/file.yaml"), "x.yaml").unwrap_err();
        assert_eq!(e, "cannot read x.yaml: no such file or directory");
    }

    /// A path the walk listed as a file that is something else by the time it is read is
    /// refused as [`read`] refuses it.
    #[test]
    fn walked_paths_read_as_files_or_refused_as_read_refuses() {
        assert_eq!(
            read_walked(Path::new("Cargo.toml"), "Cargo.toml"),
            read(Path::new("Cargo.toml"), "Cargo.toml")
        );
        assert!(read_walked(Path::new("Cargo.toml"), "Cargo.toml").is_ok_and(|b| !b.is_empty()));
        for (path, display) in [("src", "src"), ("no/such/file.yaml", "x.yaml")] {
            let e = read_walked(Path::new(path), display).unwrap_err();
            assert_eq!(e, read(Path::new(path), display).unwrap_err());
        }
    }

    #[test]
    fn bounded_reads_refuse_more_than_the_limit() {
        let e = read_limited(std::io::repeat(b'a'), "<stdin>", 100).unwrap_err();
        assert_eq!(
            e,
            "<stdin> is more than 100 bytes, larger than a file may be: skipped"
        );
        assert_eq!(read_limited(&b"a: 1\n"[..], "x", 5).unwrap(), b"a: 1\n");
        assert!(read_limited(&b"a: 12\n"[..], "x", 5).is_err());
    }
}
