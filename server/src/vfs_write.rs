//! The only module that writes to the file system: what `check --fix`
//! applies (the server never writes; it sends workspace edits the user
//! accepts). Every write stays inside the root and loses nothing:
//!
//! - nothing is written through a symbolic link, whether the link is the
//!   file itself (even a dangling one) or a folder on the way, so no write
//!   lands outside the root;
//! - a new file is created only where nothing exists (`O_CREAT | O_EXCL`,
//!   which also refuses a dangling link), and its missing folders one by
//!   one, never through a link;
//! - an existing file is replaced only when its bytes on disk are still
//!   the ones the edit was computed from, and atomically (a sibling
//!   temporary file, synced, then renamed over it with the original's
//!   permissions), so a full disk or a crash leaves the old file whole;
//! - a rename never replaces an existing file (a hard link, then the old
//!   name removed).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::paths;
use crate::vfs::{self, FileRead};

/// Why a write was refused or failed; the file named (a workspace path)
/// is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path leaves the root, or a symbolic link is on the way.
    #[error("{0} is outside the workspace root or behind a symbolic link")]
    OutsideRoot(String),
    /// Something is at the path of a new file or a rename's target.
    #[error("{0} already exists")]
    Exists(String),
    /// The file to replace or rename, or a folder on the way, is gone.
    #[error("{0} does not exist")]
    Missing(String),
    /// A folder, FIFO, device or socket where a file was expected.
    #[error("{0} is not a regular file")]
    NotRegular(String),
    /// The bytes on disk are not those the edit was computed from.
    #[error("{0} changed on disk since it was read")]
    Changed(String),
    /// The file has other names (hard links).
    #[error("{0} has other hard links, which replacing it would cut off")]
    HardLinked(String),
    /// The file system refused (permissions, a full disk).
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io(path: &str) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_string(),
        source,
    }
}

/// The absolute path of the workspace path `relative` (normalised, never
/// above the root) after checking that every folder between `root` and it
/// is a real folder, not a symbolic link. With `create`, missing folders
/// are created one at a time (each creation fails rather than follow a
/// link that appeared meanwhile); without, a missing folder is
/// [`WriteError::Missing`].
fn checked_path(root: &Path, relative: &str, create: bool) -> Result<PathBuf, WriteError> {
    let Some(normalized) = paths::normalize(relative).filter(|p| !p.is_empty()) else {
        return Err(WriteError::OutsideRoot(relative.to_string()));
    };
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = normalized.split('/').collect();
    let (name, folders) = parts.split_last().unwrap_or((&"", &[]));
    for folder in folders {
        path.push(folder);
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(WriteError::OutsideRoot(normalized));
            }
            Ok(metadata) if !metadata.is_dir() => {
                return Err(WriteError::NotRegular(normalized));
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                match std::fs::create_dir(&path) {
                    Ok(()) => {}
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        // Created meanwhile: check it again as it is now.
                        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                            return Err(WriteError::OutsideRoot(normalized));
                        }
                    }
                    Err(error) => return Err(io(&normalized)(error)),
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(WriteError::Missing(normalized));
            }
            Err(error) => return Err(io(&normalized)(error)),
        }
    }
    path.push(name);
    Ok(path)
}

/// Whether anything is at `path`, a dangling symbolic link included
/// (`Path::exists` follows links and says no to a dangling one).
pub fn occupied(root: &Path, relative: &str) -> bool {
    std::fs::symlink_metadata(paths::absolute_path(root, relative)).is_ok()
}

/// Options that create a file where nothing is, without following a
/// symbolic link.
/// The file is created readable by its owner only (`0o600` on Unix); a
/// replacement then takes the original's permissions.
fn create_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(0o600);
    }
    options
}

/// Writes `contents` into the new file at `path` and syncs it; on failure
/// the partial file is removed.
fn write_new(path: &Path, contents: &[u8], relative: &str) -> Result<std::fs::File, WriteError> {
    let mut file = create_options().open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Exists(relative.to_string())
        } else {
            io(relative)(error)
        }
    })?;
    if let Err(error) = file.write_all(contents).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io(relative)(error));
    }
    Ok(file)
}

/// Creates the file `relative` under `root` with `contents`, and the
/// folders it needs. Errors: [`WriteError::Exists`] when anything is at
/// the path already (a dangling symbolic link included),
/// [`WriteError::OutsideRoot`] when the path leaves the root or a folder
/// on the way is a symbolic link, [`WriteError::Io`] otherwise (the
/// partial file removed).
pub fn create_new(root: &Path, relative: &str, contents: &[u8]) -> Result<(), WriteError> {
    let path = checked_path(root, relative, true)?;
    write_new(&path, contents, relative).map(drop)
}

/// Replaces the contents of the existing regular file `relative` under
/// `root` with `contents`, provided its bytes on disk are still
/// `expected` (what the edit was computed from). The new contents go to a
/// temporary sibling first, which takes the original's permissions (and
/// owner, where allowed) and is renamed over it: the old contents stay
/// whole if anything fails. Errors: [`WriteError::Changed`] when the file
/// is not `expected` any more (or is over `expected`'s size plus one
/// byte), [`WriteError::OutsideRoot`] for a symbolic link,
/// [`WriteError::NotRegular`], [`WriteError::Missing`], [`WriteError::Io`].
pub fn replace(
    root: &Path,
    relative: &str,
    expected: &[u8],
    contents: &[u8],
) -> Result<(), WriteError> {
    let path = checked_path(root, relative, false)?;
    let normalized = paths::normalize(relative).unwrap_or_default();
    let metadata = match std::fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Missing(normalized))
        }
        Err(error) => return Err(io(&normalized)(error)),
    };
    if metadata.file_type().is_symlink() {
        return Err(WriteError::OutsideRoot(normalized));
    }
    if !metadata.is_file() {
        return Err(WriteError::NotRegular(normalized));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            // Replacing it would cut it from its other names.
            return Err(WriteError::HardLinked(normalized));
        }
    }
    let unchanged = || match vfs::read_walked_file(root, &normalized, expected.len() as u64) {
        Ok(FileRead::Bytes(bytes)) if bytes == expected => Ok(()),
        Ok(_) => Err(WriteError::Changed(normalized.clone())),
        Err(vfs::VfsError::OutsideRoot(_)) => Err(WriteError::OutsideRoot(normalized.clone())),
        Err(vfs::VfsError::NotRegular(_)) => Err(WriteError::NotRegular(normalized.clone())),
        Err(vfs::VfsError::Io { source, .. }) => Err(io(&normalized)(source)),
    };
    unchanged()?;
    let name = paths::file_name(&normalized);
    let (temporary, file) = temporary_sibling(&path, name, contents, &normalized)?;
    let kept = file
        .set_permissions(metadata.permissions())
        .and_then(|()| keep_owner(&file, &metadata));
    // Checked again right before the rename: an editor's save while the
    // replacement was written and synced is not overwritten.
    let renamed = kept.map_err(io(&normalized)).and_then(|()| {
        unchanged()?;
        std::fs::rename(&temporary, &path).map_err(io(&normalized))
    });
    if let Err(error) = renamed {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    Ok(())
}

/// A new hidden file beside `path` holding `contents` (synced), under a
/// name no other file has (`.NAME.leanos-PID-N.tmp`), removed again
/// unless it replaces `path`.
fn temporary_sibling(
    path: &Path,
    name: &str,
    contents: &[u8],
    relative: &str,
) -> Result<(PathBuf, std::fs::File), WriteError> {
    let pid = std::process::id();
    for attempt in 0..100 {
        let temporary = path.with_file_name(format!(".{name}.leanos-{pid}-{attempt}.tmp"));
        match write_new(&temporary, contents, relative) {
            Ok(file) => return Ok((temporary, file)),
            Err(WriteError::Exists(_)) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io(relative)(std::io::Error::other(
        "no free name for a temporary file beside it",
    )))
}

/// Gives the replacement the original's owner when this process may
/// (running as root on a user's file); otherwise leaves it as created.
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let current = file.metadata()?;
        if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
            let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, original);
    Ok(())
}

/// Renames the regular file `from` to `to` (both workspace paths under
/// `root`), creating `to`'s folders, never replacing anything at `to`.
/// Errors: [`WriteError::Exists`] when anything is at `to`,
/// [`WriteError::Missing`], [`WriteError::NotRegular`] (a symbolic link or
/// not a file at `from`), [`WriteError::OutsideRoot`], [`WriteError::Io`].
pub fn rename_no_replace(root: &Path, from: &str, to: &str) -> Result<(), WriteError> {
    let source = checked_path(root, from, false)?;
    match std::fs::symlink_metadata(&source) {
        Ok(metadata) if metadata.is_file() => {}
        Ok(_) => return Err(WriteError::NotRegular(from.to_string())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Missing(from.to_string()))
        }
        Err(error) => return Err(io(from)(error)),
    }
    let target = checked_path(root, to, true)?;
    // A hard link fails when anything is at the target; then the old name
    // goes. Renaming would silently replace a file created meanwhile.
    match std::fs::hard_link(&source, &target) {
        Ok(()) => std::fs::remove_file(&source).map_err(io(from)),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(WriteError::Exists(to.to_string()))
        }
        Err(error) => Err(io(to)(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("threads/sales/x")).unwrap();
        std::fs::write(dir.path().join("threads/sales/x/1-input.md"), "# Input\n").unwrap();
        dir
    }

    #[test]
    fn creates_new_files_and_folders_but_never_over_anything() {
        let dir = workspace();
        let root = dir.path();
        create_new(root, "threads/eng/y/1-input.md", b"new\n").unwrap();
        assert_eq!(
            std::fs::read(root.join("threads/eng/y/1-input.md")).unwrap(),
            b"new\n"
        );
        assert!(matches!(
            create_new(root, "threads/sales/x/1-input.md", b"x"),
            Err(WriteError::Exists(_))
        ));
        assert_eq!(
            std::fs::read(root.join("threads/sales/x/1-input.md")).unwrap(),
            b"# Input\n"
        );
        assert!(matches!(
            create_new(root, "../escape.md", b"x"),
            Err(WriteError::OutsideRoot(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_symbolic_link() {
        let dir = workspace();
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("pwned.md");
        // A dangling link as the file: `Path::exists` says no.
        std::os::unix::fs::symlink(&target, root.join("threads/sales/x/3-implication.md")).unwrap();
        assert!(!root.join("threads/sales/x/3-implication.md").exists());
        assert!(occupied(root, "threads/sales/x/3-implication.md"));
        assert!(matches!(
            create_new(root, "threads/sales/x/3-implication.md", b"x"),
            Err(WriteError::Exists(_))
        ));
        // A link as a folder on the way.
        std::os::unix::fs::symlink(outside.path(), root.join("threads/sales/out")).unwrap();
        assert!(matches!(
            create_new(root, "threads/sales/out/pwned.md", b"x"),
            Err(WriteError::OutsideRoot(_))
        ));
        assert!(matches!(
            rename_no_replace(root, "threads/sales/x/1-input.md", "threads/sales/out/a.md"),
            Err(WriteError::OutsideRoot(_))
        ));
        // A link to an existing file is not replaced either.
        std::fs::write(&target, "outside").unwrap();
        assert!(matches!(
            replace(root, "threads/sales/x/3-implication.md", b"outside", b"x"),
            Err(WriteError::OutsideRoot(_))
        ));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "outside");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    }

    #[test]
    fn replaces_only_what_was_read_and_keeps_permissions() {
        let dir = workspace();
        let root = dir.path();
        let path = root.join("threads/sales/x/1-input.md");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        assert!(matches!(
            replace(root, "threads/sales/x/1-input.md", b"# Other\n", b"x"),
            Err(WriteError::Changed(_))
        ));
        assert!(matches!(
            replace(root, "threads/sales/x/1-input.md", b"", b"x"),
            Err(WriteError::Changed(_))
        ));
        replace(
            root,
            "threads/sales/x/1-input.md",
            b"# Input\n",
            b"# Input\nmore\n",
        )
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"# Input\nmore\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(root.join("threads/sales/x"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["1-input.md"]);
    }

    #[test]
    fn renames_never_replace() {
        let dir = workspace();
        let root = dir.path();
        std::fs::write(root.join("threads/sales/x/2-hypotesis.md"), "h").unwrap();
        assert!(matches!(
            rename_no_replace(
                root,
                "threads/sales/x/2-hypotesis.md",
                "threads/sales/x/1-input.md"
            ),
            Err(WriteError::Exists(_))
        ));
        rename_no_replace(
            root,
            "threads/sales/x/2-hypotesis.md",
            "threads/sales/x/2-hypothesis.md",
        )
        .unwrap();
        assert!(!root.join("threads/sales/x/2-hypotesis.md").exists());
        assert_eq!(
            std::fs::read(root.join("threads/sales/x/2-hypothesis.md")).unwrap(),
            b"h"
        );
        assert_eq!(
            std::fs::read(root.join("threads/sales/x/1-input.md")).unwrap(),
            b"# Input\n"
        );
    }
}
