//! What a workspace path is, from the path alone: Canvas section, stage
//! file (canonical, misnamed, legacy, action file), thread metadata, goal,
//! config. Which folders are threads is decided in the index from these
//! (a folder holding a stage file, `meta.json` or `metadata.yaml`).
//!
//! Naming schemes come from leanos-formats.md §1.2 (Canvas) and §3.2
//! (stages).

use crate::config::Config;
use crate::paths;
use smol_str::SmolStr;

/// How a Canvas section file is named (leanos-formats.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanvasScheme {
    /// `10-assumptions.md` (E1–E3).
    Dash,
    /// `10.assumptions.md`, also legacy long names such as
    /// `10.assumptions_validation_methods.md` (E2, E4–E7).
    Dot,
}

/// How a stage file is named (leanos-formats.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageForm {
    /// `1-input.md` … `6-learning.md`.
    Canonical,
    /// Evidently a stage under a wrong name (`2-hypotesis.md`,
    /// `3-implications.md`, `6-learnings.md`, wrong case).
    Misnamed,
    /// The 7-stage layout's `6-results.md` and `7-learning.md`.
    Legacy,
    /// A file in a `5-actions/` folder.
    ActionFile,
}

/// The canonical file names of the six stages, index 0 = stage 1.
pub const STAGE_FILE_NAMES: [&str; 6] = [
    "1-input.md",
    "2-hypothesis.md",
    "3-implication.md",
    "4-decision.md",
    "5-actions.md",
    "6-learning.md",
];

const STAGE_WORDS: [&str; 6] = [
    "input",
    "hypothesis",
    "implication",
    "decision",
    "actions",
    "learning",
];

/// The canonical file name of stage `number` (1..=6).
pub fn stage_file_name(number: u8) -> &'static str {
    STAGE_FILE_NAMES[(number.clamp(1, 6) - 1) as usize]
}

/// What a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathKind {
    /// A Canvas section, identified by its number.
    Canvas { number: u8, scheme: CanvasScheme },
    /// Another file in the Canvas folder (`index.md`).
    CanvasOther,
    /// A stage file of the thread folder `thread` (workspace path).
    /// `number` is 1..=7 (7 only for the legacy `7-learning.md`).
    Stage {
        thread: SmolStr,
        number: u8,
        form: StageForm,
        archived: bool,
    },
    /// `meta.json` or `metadata.yaml` of the thread folder `thread`.
    ThreadMeta {
        thread: SmolStr,
        json: bool,
        archived: bool,
    },
    /// A goal file (`strategy/goals/{active,completed,archive,abandoned}/…`).
    Goal,
    /// `leanos.toml` at the root.
    Config,
    /// Anything else (docs, artifacts, index files, narratives).
    Other,
}

impl PathKind {
    /// The thread folder of a stage or metadata file.
    pub fn thread(&self) -> Option<&str> {
        match self {
            PathKind::Stage { thread, .. } | PathKind::ThreadMeta { thread, .. } => Some(thread),
            _ => None,
        }
    }

    /// The stage number of a stage file.
    pub fn stage(&self) -> Option<u8> {
        match self {
            PathKind::Stage { number, .. } => Some(*number),
            _ => None,
        }
    }
}

/// Parses a Canvas file name: `(number, scheme)`. Numbers 0..=15 with one
/// or two digits followed by `-` or `.` and a name.
pub fn canvas_file_number(name: &str) -> Option<(u8, CanvasScheme)> {
    let stem = name.strip_suffix(".md")?;
    let digits = stem.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let number: u8 = stem[..digits].parse().ok()?;
    let rest = &stem[digits..];
    let scheme = match rest.as_bytes().first()? {
        b'-' => CanvasScheme::Dash,
        b'.' => CanvasScheme::Dot,
        _ => return None,
    };
    let topic = &rest[1..];
    if number > 15 || topic.is_empty() || !topic.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    Some((number, scheme))
}

/// Classifies a file name inside a thread folder as a stage file.
/// Returns `(number, form)`.
pub fn stage_of_file_name(name: &str) -> Option<(u8, StageForm)> {
    if let Some(i) = STAGE_FILE_NAMES.iter().position(|n| *n == name) {
        return Some((i as u8 + 1, StageForm::Canonical));
    }
    match name {
        "6-results.md" => return Some((6, StageForm::Legacy)),
        "7-learning.md" => return Some((7, StageForm::Legacy)),
        _ => {}
    }
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".md")
        .or_else(|| lower.strip_suffix(".markdown"))?;
    let number = stem
        .as_bytes()
        .first()
        .filter(|b| (b'1'..=b'6').contains(b))?
        - b'0';
    // A separator must follow the digit (`10-assumptions.md` is not a stage).
    let word = stem[1..].strip_prefix(['-', '_', '.', ' '])?;
    if word.is_empty() {
        return None;
    }
    let expected = STAGE_WORDS[(number - 1) as usize];
    let close = word == expected
        || (word.len() >= 4 && crate::rules::edit_distance(word, expected) <= 2)
        || word.trim_end_matches('s') == expected.trim_end_matches('s');
    close.then_some((number, StageForm::Misnamed))
}

fn under<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    path.strip_prefix(dir)?.strip_prefix('/')
}

/// Classifies a workspace path under `config`'s folders.
pub fn classify(path: &str, config: &Config) -> PathKind {
    if path == "leanos.toml" {
        return PathKind::Config;
    }
    let name = paths::file_name(path);
    if let Some(rest) = under(path, &config.canvas_dir) {
        if !rest.contains('/') {
            if let Some((number, scheme)) = canvas_file_number(name) {
                return PathKind::Canvas { number, scheme };
            }
        }
        return PathKind::CanvasOther;
    }
    if let Some(rest) = under(path, &config.goals_dir) {
        let folder = rest.split('/').next().unwrap_or("");
        let is_goal_folder = matches!(folder, "active" | "completed" | "archive" | "abandoned");
        if is_goal_folder && name.ends_with(".md") && name != "index.md" && rest.contains('/') {
            return PathKind::Goal;
        }
        return PathKind::Other;
    }
    if let Some(rest) = under(path, &config.threads_dir) {
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() < 2 {
            return PathKind::Other;
        }
        let folders = &parts[..parts.len() - 1];
        if folders
            .iter()
            .any(|p| *p == "narratives" || *p == "narrative")
        {
            return PathKind::Other;
        }
        let archived = folders.contains(&"archive");
        let parent = paths::parent(path);
        if name == "meta.json" || name == "metadata.yaml" || name == "metadata.yml" {
            return PathKind::ThreadMeta {
                thread: parent.into(),
                json: name == "meta.json",
                archived,
            };
        }
        if folders.last() == Some(&"5-actions") && folders.len() >= 2 && name.ends_with(".md") {
            return PathKind::Stage {
                thread: paths::parent(parent).into(),
                number: 5,
                form: StageForm::ActionFile,
                archived,
            };
        }
        if name != "index.md" {
            if let Some((number, form)) = stage_of_file_name(name) {
                return PathKind::Stage {
                    thread: parent.into(),
                    number,
                    form,
                    archived,
                };
            }
        }
    }
    PathKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> PathKind {
        classify(path, &Config::default())
    }

    #[test]
    fn canvas_names_under_every_scheme() {
        assert_eq!(
            canvas_file_number("10-assumptions.md"),
            Some((10, CanvasScheme::Dash))
        );
        assert_eq!(
            canvas_file_number("10.assumptions.md"),
            Some((10, CanvasScheme::Dot))
        );
        assert_eq!(
            canvas_file_number("10.assumptions_validation_methods.md"),
            Some((10, CanvasScheme::Dot))
        );
        assert_eq!(
            canvas_file_number("4.customer-segments.md"),
            Some((4, CanvasScheme::Dot))
        );
        assert_eq!(
            canvas_file_number("00-business-model-mode.md"),
            Some((0, CanvasScheme::Dash))
        );
        assert_eq!(canvas_file_number("index.md"), None);
        assert_eq!(canvas_file_number("16-extra.md"), None);
        assert_eq!(canvas_file_number("100-x.md"), None);
        assert!(matches!(
            kind("strategy/canvas/09-solution.md"),
            PathKind::Canvas { number: 9, .. }
        ));
        assert_eq!(kind("strategy/canvas/index.md"), PathKind::CanvasOther);
    }

    #[test]
    fn stage_names() {
        assert_eq!(
            stage_of_file_name("2-hypothesis.md"),
            Some((2, StageForm::Canonical))
        );
        assert_eq!(
            stage_of_file_name("2-hypotesis.md"),
            Some((2, StageForm::Misnamed))
        );
        assert_eq!(
            stage_of_file_name("3-implications.md"),
            Some((3, StageForm::Misnamed))
        );
        assert_eq!(
            stage_of_file_name("6-learnings.md"),
            Some((6, StageForm::Misnamed))
        );
        assert_eq!(
            stage_of_file_name("2-Hypothesis.md"),
            Some((2, StageForm::Misnamed))
        );
        assert_eq!(
            stage_of_file_name("6-results.md"),
            Some((6, StageForm::Legacy))
        );
        assert_eq!(
            stage_of_file_name("7-learning.md"),
            Some((7, StageForm::Legacy))
        );
        assert_eq!(stage_of_file_name("2-solution.md"), None);
        assert_eq!(stage_of_file_name("1-problem.md"), None);
        assert_eq!(stage_of_file_name("notes.md"), None);
        assert_eq!(stage_of_file_name("10-assumptions.md"), None);
    }

    #[test]
    fn threads_at_any_depth_but_not_narratives() {
        assert_eq!(
            kind("threads/sales/campaigns/2025-11-02-dtc/4-decision.md"),
            PathKind::Stage {
                thread: "threads/sales/campaigns/2025-11-02-dtc".into(),
                number: 4,
                form: StageForm::Canonical,
                archived: false
            }
        );
        assert_eq!(
            kind("threads/sales/acme/5-actions/demo.md"),
            PathKind::Stage {
                thread: "threads/sales/acme".into(),
                number: 5,
                form: StageForm::ActionFile,
                archived: false
            }
        );
        assert_eq!(
            kind("threads/sales/narratives/luxury/1-problem.md"),
            PathKind::Other
        );
        assert_eq!(kind("threads/index.md"), PathKind::Other);
        assert!(matches!(
            kind("threads/operations/archive/old/meta.json"),
            PathKind::ThreadMeta {
                archived: true,
                json: true,
                ..
            }
        ));
        assert_eq!(kind("strategy/goals/active/g-mrr.md"), PathKind::Goal);
        assert_eq!(kind("strategy/goals/index.md"), PathKind::Other);
        assert_eq!(kind("leanos.toml"), PathKind::Config);
    }
}
