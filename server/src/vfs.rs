//! The only module that reads the file system for workspace content:
//! walking a root, reading regular files with a size cap (never a FIFO, a
//! device or a symbolic link), decoding them lossily, and finding the
//! LeanOS root. Path algebra is [`crate::paths`]'s, writing
//! [`crate::vfs_write`]'s.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::paths::{absolute_path, normalize, path_to_workspace};

/// A file's text after decoding, with what went wrong while reading it.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text; invalid UTF-8 sequences are replaced by U+FFFD.
    pub text: Arc<str>,
    /// Byte offset (in `text`) of the first replaced sequence when the
    /// file was not valid UTF-8.
    pub invalid_utf8_at: Option<u32>,
}

/// Decodes bytes as UTF-8, lossily: invalid sequences become U+FFFD and
/// the first one's offset is reported (`file-encoding`).
pub fn decode(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: Arc::from(text),
            invalid_utf8_at: None,
        },
        Err(error) => Decoded {
            text: Arc::from(String::from_utf8_lossy(bytes).as_ref()),
            invalid_utf8_at: Some(error.valid_up_to() as u32),
        },
    }
}

/// What reading one file gave.
#[derive(Debug, Clone)]
pub enum FileRead {
    /// The file's bytes (at most the size cap).
    Bytes(Vec<u8>),
    /// The file is larger than the cap and was not read; its size in bytes.
    TooLarge(u64),
}

/// Errors of the vfs layer.
#[derive(Debug, thiserror::Error)]
pub enum VfsError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is outside the workspace root or behind a symbolic link")]
    OutsideRoot(String),
    /// A FIFO, socket, device or directory: never opened for reading, so a
    /// FIFO cannot block the reader and a device cannot be read forever.
    #[error("{0} is not a regular file")]
    NotRegular(String),
}

/// Reads `root/relative` unless it is larger than `max_size` bytes, for a
/// path from anywhere (a client's event, a configuration): refuses a path
/// that leaves the root or passes through a symbolic link, then reads as
/// [`read_walked_file`] does.
///
/// Errors: [`VfsError::OutsideRoot`] for `..` above the root, an absolute
/// path or a symbolic link on the way; [`VfsError::NotRegular`] for
/// anything but a regular file; [`VfsError::Io`] when the file cannot be
/// opened or read.
pub fn read_file(root: &Path, relative: &str, max_size: u64) -> Result<FileRead, VfsError> {
    let Some(relative) = normalize(relative) else {
        return Err(VfsError::OutsideRoot(relative.to_string()));
    };
    let mut dir = root.to_path_buf();
    let mut parts = relative.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            break;
        }
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(VfsError::OutsideRoot(relative));
            }
            Ok(_) => {}
            Err(source) => {
                return Err(VfsError::Io {
                    path: relative,
                    source,
                })
            }
        }
    }
    read_walked_file(root, &relative, max_size)
}

/// Reads `root/relative`, a normalised workspace path that [`walk`]
/// reported (so no directory on the way is a symbolic link: the walk never
/// follows one), unless it is larger than `max_size` bytes.
///
/// The file is opened without following a symbolic link and without
/// blocking (`O_NOFOLLOW | O_NONBLOCK` on Unix), then checked on the open
/// handle to be a regular file, and read with a bound of `max_size + 1`
/// bytes whatever size it reports: a FIFO, a device or a file that grows
/// while it is read can neither block nor exhaust memory.
///
/// Errors: [`VfsError::OutsideRoot`] for a symbolic link,
/// [`VfsError::NotRegular`] for anything but a regular file,
/// [`VfsError::Io`] when it cannot be opened or read.
pub fn read_walked_file(root: &Path, relative: &str, max_size: u64) -> Result<FileRead, VfsError> {
    read_walked_file_stamped(root, relative, max_size).map(|(read, _)| read)
}

/// A file's modification time and length in bytes as it was read, to tell
/// later whether it changed since: any difference in either is a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
}

impl Stamp {
    /// The stamp of `metadata`.
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        Stamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
        }
    }

    /// The stamp of `root/relative` now, without following a symbolic
    /// link; `None` when it cannot be read.
    pub fn now(root: &Path, relative: &str) -> Option<Stamp> {
        std::fs::symlink_metadata(absolute_path(root, relative))
            .ok()
            .map(|metadata| Stamp::of(&metadata))
    }
}

/// [`read_walked_file`], with the file's [`Stamp`] taken from the open
/// handle before its bytes are read (a write during the read leaves a
/// stamp that differs from the file's next one).
pub fn read_walked_file_stamped(
    root: &Path,
    relative: &str,
    max_size: u64,
) -> Result<(FileRead, Stamp), VfsError> {
    use std::io::Read;
    let path = absolute_path(root, relative);
    let io_error = |source| VfsError::Io {
        path: relative.to_string(),
        source,
    };
    let file = match open_no_follow(&path) {
        Ok(file) => file,
        Err(error) if is_symlink_refusal(&error, &path) => {
            return Err(VfsError::OutsideRoot(relative.to_string()))
        }
        Err(error) => return Err(io_error(error)),
    };
    let metadata = file.metadata().map_err(io_error)?;
    if !metadata.is_file() {
        return Err(VfsError::NotRegular(relative.to_string()));
    }
    let stamp = Stamp::of(&metadata);
    if metadata.len() > max_size {
        return Ok((FileRead::TooLarge(metadata.len()), stamp));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    (&file)
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > max_size {
        return Ok((FileRead::TooLarge(bytes.len() as u64), stamp));
    }
    Ok((FileRead::Bytes(bytes), stamp))
}

/// Opens `path` for reading without following a symbolic link in its last
/// component and without blocking on a FIFO.
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
    }
    options.open(path)
}

/// Whether an open error means the path was a symbolic link (`ELOOP` from
/// `O_NOFOLLOW`, or the portable check).
fn is_symlink_refusal(error: &std::io::Error, path: &Path) -> bool {
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::ELOOP) {
        return true;
    }
    error.kind() != std::io::ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Whether `root/relative` is a regular file reached without a symbolic
/// link (a link target that exists).
pub fn is_regular_file(root: &Path, relative: &str) -> bool {
    normalize(relative).is_some_and(|relative| {
        std::fs::symlink_metadata(absolute_path(root, &relative)).is_ok_and(|m| m.is_file())
    })
}

/// Everything a walk of the root found, as workspace paths (`/`-separated,
/// relative to the root, no leading `./`).
#[derive(Debug, Default, Clone)]
pub struct WalkResult {
    /// Every regular file, sorted.
    pub files: Vec<String>,
    /// Every directory below the root, sorted.
    pub dirs: Vec<String>,
    /// Files and folders whose name is not valid UTF-8, which no workspace
    /// path can name (a folder's content is not walked): each written
    /// lossily (U+FFFD for every invalid sequence), sorted. Reported to
    /// the user, never indexed.
    pub non_utf8: Vec<String>,
    /// What the walk could not read (a folder without read permission),
    /// each as `path: reason`, sorted.
    pub errors: Vec<String>,
}

/// Folders never walked or watched, wherever they are: version control,
/// and the caches and environments of tools (which can hold thousands of
/// markdown files nobody wrote for this workspace).
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    ".venv",
    ".tox",
    ".nox",
    ".cache",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".direnv",
    ".idea",
    ".next",
    ".terraform",
    "node_modules",
];

/// Walks `root` in parallel, skipping version-control and tool folders
/// ([`SKIPPED_DIRS`]) and what `.gitignore` files ignore, never following
/// symlinks (so a symlink loop cannot hang it and nothing outside the root
/// is reached). Hidden files and folders are walked: `.claude/skills/…`
/// exists for resolution and navigation, and a folder holding only
/// `.gitkeep` exists. `ignored` filters further.
pub fn walk(root: &Path, ignored: &(dyn Fn(&str) -> bool + Sync)) -> WalkResult {
    walk_keeping(root, ignored, &|_| true)
}

/// [`walk`], listing only the files `keep` accepts (it sees every file
/// walked, each once, on any thread): the others are walked, not listed.
pub fn walk_keeping(
    root: &Path,
    ignored: &(dyn Fn(&str) -> bool + Sync),
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> WalkResult {
    let found: Mutex<WalkResult> = Mutex::new(WalkResult::default());
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(false)
        .parents(false)
        .filter_entry(|entry| {
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|vcs| entry.file_name() == *vcs))
        })
        .build_parallel();
    walker.run(|| {
        let found = &found;
        let mut local = WalkResult::default();
        struct Flush<'a> {
            local: WalkResult,
            into: &'a Mutex<WalkResult>,
        }
        impl Drop for Flush<'_> {
            fn drop(&mut self) {
                if let Ok(mut all) = self.into.lock() {
                    all.files.append(&mut self.local.files);
                    all.dirs.append(&mut self.local.dirs);
                    all.non_utf8.append(&mut self.local.non_utf8);
                    all.errors.append(&mut self.local.errors);
                }
            }
        }
        local.files.reserve(256);
        let mut flush = Flush { local, into: found };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    flush.local.errors.push(walk_error(root, &error));
                    return ignore::WalkState::Continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            let Ok(relative) = entry.path().strip_prefix(root) else {
                return ignore::WalkState::Continue;
            };
            let Some(relative) = path_to_workspace(relative) else {
                // A name that is not UTF-8: reported, not indexed, and a
                // folder's content not walked (none of it has a
                // workspace path either).
                let lossy = lossy_workspace_path(relative);
                if !ignored(&lossy) && (file_type.is_dir() || file_type.is_file()) {
                    flush.local.non_utf8.push(lossy);
                }
                return if file_type.is_dir() {
                    ignore::WalkState::Skip
                } else {
                    ignore::WalkState::Continue
                };
            };
            if relative.is_empty() {
                return ignore::WalkState::Continue;
            }
            if ignored(&relative) {
                return if file_type.is_dir() {
                    ignore::WalkState::Skip
                } else {
                    ignore::WalkState::Continue
                };
            }
            if file_type.is_dir() {
                flush.local.dirs.push(relative);
            } else if file_type.is_file() && keep(&relative) {
                flush.local.files.push(relative);
            }
            ignore::WalkState::Continue
        })
    });
    let mut result = found.into_inner().unwrap_or_default();
    result.files.sort_unstable();
    result.dirs.sort_unstable();
    result.non_utf8.sort_unstable();
    result.errors.sort_unstable();
    result
}

/// A relative path with `/` separators, each component decoded lossily.
fn lossy_workspace_path(relative: &Path) -> String {
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// An error of the walk as `path: reason`, the path relative to the root
/// when it is under it.
fn walk_error(root: &Path, error: &ignore::Error) -> String {
    fn path_of(error: &ignore::Error) -> Option<&Path> {
        match error {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    fn reason(error: &ignore::Error) -> String {
        match error {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => reason(err),
            other => other.to_string(),
        }
    }
    match path_of(error) {
        Some(path) => {
            let shown = path.strip_prefix(root).unwrap_or(path);
            format!("{}: {}", lossy_workspace_path(shown), reason(error))
        }
        None => reason(error),
    }
}

/// The LeanOS root of a folder a user or client named (a subfolder such
/// as `threads/sales`, or a thread's folder): the nearest folder at or
/// above `start` holding `leanos.toml`, else the nearest holding a
/// `strategy/` or `threads/` folder that is not itself inside such a
/// folder's `threads/` or `strategy/` (a thread named `strategy`). The search never goes above `home`
/// when `start` is inside it (nor above the file-system root). `None`
/// when no folder qualifies; callers then keep `start`.
pub fn discover_root(start: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let home = home.map(|h| std::fs::canonicalize(h).unwrap_or_else(|_| h.to_path_buf()));
    let limit = home.filter(|h| start.starts_with(h));
    let candidates: Vec<&Path> = start
        .ancestors()
        .take_while(|folder| limit.as_ref().is_none_or(|h| folder.starts_with(h)))
        .collect();
    let holds = |folder: &Path, name: &str, dir: bool| {
        let path = folder.join(name);
        if dir {
            path.is_dir()
        } else {
            path.is_file()
        }
    };
    candidates
        .iter()
        .find(|folder| holds(folder, "leanos.toml", false))
        .or_else(|| {
            // A folder inside a root's own `threads/` or `strategy/` (a
            // thread named `strategy`) is not a root of its own.
            let inside_a_root = |folder: &Path| {
                candidates.iter().any(|above| {
                    ["threads", "strategy"].iter().any(|name| {
                        let special = above.join(name);
                        folder.starts_with(&special) && special.is_dir()
                    })
                })
            };
            candidates.iter().find(|folder| {
                (holds(folder, "strategy", true) || holds(folder, "threads", true))
                    && !inside_a_root(folder)
            })
        })
        .map(|folder| folder.to_path_buf())
}

/// The user's home folder (`$HOME`), where root discovery stops.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(path: &Path) -> bool {
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn reads_refuse_fifos_devices_and_symlinks_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("threads/x")).unwrap();
        std::fs::write(root.join("threads/x/1-input.md"), "# Input\n").unwrap();
        assert!(matches!(
            read_file(root, "threads/x/1-input.md", 100),
            Ok(FileRead::Bytes(bytes)) if bytes == b"# Input\n"
        ));
        assert!(matches!(
            read_file(root, "threads/x/1-input.md", 3),
            Ok(FileRead::TooLarge(8))
        ));
        // A FIFO with no writer would block `open` forever.
        if mkfifo(&root.join("threads/x/2-hypothesis.md")) {
            assert!(matches!(
                read_file(root, "threads/x/2-hypothesis.md", 100),
                Err(VfsError::NotRegular(_))
            ));
        } else {
            eprintln!("skipping the FIFO case: mkfifo is not available");
        }
        // A character device reports length 0 and never ends.
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_walked_file(Path::new("/dev"), "zero", 100),
                Err(VfsError::NotRegular(_))
            ));
        }
        // A symbolic link, as the file or as a folder on the way, is refused.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                outside.path().join("secret.md"),
                root.join("threads/x/3-implication.md"),
            )
            .unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("threads/y")).unwrap();
            assert!(matches!(
                read_file(root, "threads/x/3-implication.md", 100),
                Err(VfsError::OutsideRoot(_))
            ));
            assert!(matches!(
                read_walked_file(root, "threads/x/3-implication.md", 100),
                Err(VfsError::OutsideRoot(_))
            ));
            assert!(matches!(
                read_file(root, "threads/y/secret.md", 100),
                Err(VfsError::OutsideRoot(_))
            ));
        }
        assert!(matches!(
            read_file(root, "../secret.md", 100),
            Err(VfsError::OutsideRoot(_))
        ));
    }

    #[test]
    fn the_root_is_the_nearest_leanos_folder_up_to_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = std::fs::canonicalize(dir.path()).unwrap();
        let ws = home.join("ws");
        std::fs::create_dir_all(ws.join("threads/sales/acme")).unwrap();
        std::fs::create_dir_all(ws.join("strategy/canvas")).unwrap();
        // From a thread's folder or `threads/sales`: the workspace.
        for start in ["threads/sales/acme", "threads/sales", "strategy/canvas", ""] {
            assert_eq!(
                discover_root(&ws.join(start), Some(&home)).as_deref(),
                Some(ws.as_path()),
                "{start}"
            );
        }
        // A thread named `strategy` is not a root.
        std::fs::create_dir_all(ws.join("threads/marketing/strategy")).unwrap();
        assert_eq!(
            discover_root(&ws.join("threads/marketing"), Some(&home)).as_deref(),
            Some(ws.as_path())
        );
        // `leanos.toml` wins over a nearer folder holding `threads/`.
        std::fs::create_dir_all(ws.join("sub/threads")).unwrap();
        assert_eq!(
            discover_root(&ws.join("sub"), Some(&home)).as_deref(),
            Some(ws.join("sub").as_path())
        );
        std::fs::write(ws.join("leanos.toml"), "").unwrap();
        assert_eq!(
            discover_root(&ws.join("sub/threads"), Some(&home)).as_deref(),
            Some(ws.as_path())
        );
        // Nothing above home is considered, even a LeanOS folder.
        let acme = ws.join("threads/sales/acme");
        assert_eq!(discover_root(&acme, Some(&ws.join("threads/sales"))), None);
        assert_eq!(
            discover_root(&acme, Some(&home.join("elsewhere"))).as_deref(),
            Some(ws.as_path()),
            "a home the start is not in does not limit the search"
        );
    }

    /// A name that is not UTF-8 has no workspace path: it was skipped
    /// without a word; the walk now hands it back (lossily) to be
    /// reported, and does not walk such a folder's content.
    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_reported_not_skipped_silently() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("threads/x")).unwrap();
        std::fs::write(root.join("threads/x/1-input.md"), "# Input\n").unwrap();
        let file = root
            .join("threads/x")
            .join(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
        if std::fs::write(&file, "# Caf\n").is_err() {
            eprintln!("skipping: this file system refuses names that are not UTF-8");
            return;
        }
        let folder = root
            .join("threads")
            .join(std::ffi::OsStr::from_bytes(b"r\xe9sum\xe9"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("1-input.md"), "# Input\n").unwrap();
        let walked = walk(root, &|_| false);
        assert_eq!(walked.files, ["threads/x/1-input.md"]);
        assert_eq!(walked.dirs, ["threads", "threads/x"]);
        assert_eq!(
            walked.non_utf8,
            ["threads/r\u{FFFD}sum\u{FFFD}", "threads/x/caf\u{FFFD}.md"]
        );
        // What the ignore globs leave out is not reported either.
        let walked = walk(root, &|path| path.starts_with("threads/r"));
        assert_eq!(walked.non_utf8, ["threads/x/caf\u{FFFD}.md"]);
        assert!(walked.errors.is_empty(), "{:?}", walked.errors);
    }

    /// A folder the walk cannot open is reported with its reason (root
    /// reads every folder whatever its mode: skipped there).
    #[cfg(unix)]
    #[test]
    fn a_folder_that_cannot_be_read_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("threads/locked")).unwrap();
        std::fs::write(root.join("threads/locked/1-input.md"), "# Input\n").unwrap();
        let locked = root.join("threads/locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&locked).is_ok() {
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!("skipping: this user reads a folder whatever its mode (root); server/tests/faults.rs runs the case as nobody");
            return;
        }
        let walked = walk(root, &|_| false);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(walked.files.is_empty(), "{:?}", walked.files);
        assert_eq!(walked.errors.len(), 1, "{:?}", walked.errors);
        assert!(
            walked.errors[0].starts_with("threads/locked: "),
            "{:?}",
            walked.errors
        );
    }

    #[test]
    fn decode_reports_first_invalid_byte() {
        let decoded = decode(b"ok \x93quoted\x94");
        assert_eq!(decoded.invalid_utf8_at, Some(3));
        assert!(decoded.text.contains('\u{FFFD}'));
        assert_eq!(decode("fine ✅".as_bytes()).invalid_utf8_at, None);
    }
}
