//! File operations a code action proposes, in workspace terms (byte
//! ranges, workspace paths), and their application to a set of texts (for
//! tests and `check --fix`; the server sends them to the client instead).

use std::collections::BTreeMap;

use crate::syntax::ByteRange;

/// One operation of a workspace edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    /// Create a file that must not exist yet, with this text.
    Create { path: String, text: String },
    /// Rename a file (the target must not exist).
    Rename { from: String, to: String },
    /// Replace byte ranges of an existing file (ranges do not overlap).
    Edit {
        path: String,
        edits: Vec<(ByteRange, String)>,
    },
}

impl FileOp {
    /// An edit inserting `text` at byte `offset` of `path`.
    pub fn insert(path: &str, offset: u32, text: impl Into<String>) -> FileOp {
        FileOp::Edit {
            path: path.to_string(),
            edits: vec![(offset..offset, text.into())],
        }
    }

    /// An edit replacing `range` of `path` with `text`.
    pub fn replace(path: &str, range: ByteRange, text: impl Into<String>) -> FileOp {
        FileOp::Edit {
            path: path.to_string(),
            edits: vec![(range, text.into())],
        }
    }

    /// The paths this operation touches.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            FileOp::Create { path, .. } | FileOp::Edit { path, .. } => vec![path],
            FileOp::Rename { from, to } => vec![from, to],
        }
    }
}

/// Why operations could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("`{0}` already exists")]
    Exists(String),
    #[error("`{0}` does not exist")]
    Missing(String),
    #[error("overlapping edits in `{0}`")]
    Overlap(String),
    #[error("an edit range in `{0}` is outside the text or splits a character")]
    BadRange(String),
}

/// Applies `ops` in order to `files` (workspace path → text). Never
/// overwrites: creating or renaming onto an existing path fails.
pub fn apply(files: &mut BTreeMap<String, String>, ops: &[FileOp]) -> Result<(), ApplyError> {
    for op in ops {
        match op {
            FileOp::Create { path, text } => {
                if files.contains_key(path) {
                    return Err(ApplyError::Exists(path.clone()));
                }
                files.insert(path.clone(), text.clone());
            }
            FileOp::Rename { from, to } => {
                if files.contains_key(to) {
                    return Err(ApplyError::Exists(to.clone()));
                }
                let text = files
                    .remove(from)
                    .ok_or_else(|| ApplyError::Missing(from.clone()))?;
                files.insert(to.clone(), text);
            }
            FileOp::Edit { path, edits } => {
                let text = files
                    .get_mut(path)
                    .ok_or_else(|| ApplyError::Missing(path.clone()))?;
                let mut sorted = edits.clone();
                sorted.sort_by_key(|(r, _)| (r.start, r.end));
                for pair in sorted.windows(2) {
                    if pair[0].0.end > pair[1].0.start {
                        return Err(ApplyError::Overlap(path.clone()));
                    }
                }
                for (range, replacement) in sorted.iter().rev() {
                    let (start, end) = (range.start as usize, range.end as usize);
                    if end > text.len()
                        || start > end
                        || !text.is_char_boundary(start)
                        || !text.is_char_boundary(end)
                    {
                        return Err(ApplyError::BadRange(path.clone()));
                    }
                    text.replace_range(start..end, replacement);
                }
            }
        }
    }
    Ok(())
}

/// A unified diff of one file's change (for `check --fix --dry-run`),
/// with three lines of context, by `similar` (which merges close hunks
/// and marks a missing final newline); `None` is a file that does not
/// exist on that side (`/dev/null`).
pub fn unified_diff(path: &str, old: Option<&str>, new: Option<&str>) -> String {
    let from = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    let to = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""))
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_creates_renames_and_edits_without_overwriting() {
        let mut files: BTreeMap<String, String> =
            [("a.md".to_string(), "one two three".to_string())].into();
        apply(
            &mut files,
            &[
                FileOp::Edit {
                    path: "a.md".into(),
                    edits: vec![(4..7, "2".into()), (0..3, "1".into())],
                },
                FileOp::Create {
                    path: "b.md".into(),
                    text: "new".into(),
                },
                FileOp::Rename {
                    from: "a.md".into(),
                    to: "c.md".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(files["c.md"], "1 2 three");
        assert_eq!(files["b.md"], "new");
        assert!(!files.contains_key("a.md"));
        let err = apply(
            &mut files,
            &[FileOp::Create {
                path: "b.md".into(),
                text: String::new(),
            }],
        );
        assert_eq!(err, Err(ApplyError::Exists("b.md".into())));
        let err = apply(
            &mut files,
            &[FileOp::Edit {
                path: "c.md".into(),
                edits: vec![(0..3, "x".into()), (2..4, "y".into())],
            }],
        );
        assert_eq!(err, Err(ApplyError::Overlap("c.md".into())));
    }

    #[test]
    fn diffs() {
        let diff = unified_diff("x.md", Some("a\nb\nc\n"), Some("a\nB\nc\n"));
        assert_eq!(
            diff,
            "--- a/x.md\n+++ b/x.md\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        let created = unified_diff("n.md", None, Some("hi\n"));
        assert!(
            created.starts_with("--- /dev/null\n+++ b/n.md\n") && created.ends_with("+hi\n"),
            "{created}"
        );
        // Two changes far apart are two hunks; a missing final newline is
        // marked.
        let long: String = (0..20).map(|i| format!("l{i}\n")).collect();
        let changed = long.replace("l2\n", "L2\n").replace("l17\n", "L17\n");
        assert_eq!(
            unified_diff("x.md", Some(&long), Some(&changed))
                .matches("@@ -")
                .count(),
            2
        );
        let no_newline = unified_diff("x.md", Some("a\nb"), Some("a\nc"));
        assert!(
            no_newline.contains("No newline at end of file"),
            "{no_newline}"
        );
    }
}
