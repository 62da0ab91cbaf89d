//! Configuration: `leanos.toml` at the workspace root and the same keys
//! from the client (`workspace/configuration`, section `leanos`), file
//! settings winning. A bad file never stops the engine: it becomes a
//! `config-invalid` diagnostic on the file and the defaults apply.
//!
//! ```toml
//! [rules]                      # severity per diagnostic code
//! assumption-untested = "off"  # off | hint | info | warning | error
//! [assumptions]
//! prefixes = ["A", "H", "T"]   # letters an assumption ID starts with
//! [paths]
//! canvas = "strategy/canvas"
//! threads = "threads"
//! goals = "strategy/goals"
//! [threads]
//! types = ["legal"]            # thread types besides the built-in ones
//! [decisions]
//! approval_threshold = 0.8     # impact score that needs a person's approval
//! [files]
//! ignore = ["drafts/**"]       # globs of workspace paths to skip
//! max_size = 4194304           # bytes; larger files are skipped
//! include = ["strategy/**", …]  # files diagnosed (default: the workspace folders)
//! exclude = [".*/**", …]        # files not diagnosed (default: hidden, changelogs)
//! [documentation]
//! url = "https://example.org/rules/{code}"  # rule pages: codeDescription, SARIF helpUri
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::rules::Severity;

mod scope;

pub use scope::{is_changelog, Scope, DEFAULT_EXCLUDE, DEFAULT_INCLUDE};

/// Default size cap in bytes: larger files are not read (`file-too-large`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// A rule's configured level: a severity or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

/// The effective configuration of a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Overridden levels by diagnostic code; codes not here keep their
    /// default severity.
    pub rules: BTreeMap<String, RuleLevel>,
    /// Letters that start an assumption ID (`A4`, `H1`, `T2`, `A001`).
    pub assumption_prefixes: Vec<char>,
    /// Workspace path of the Canvas folder.
    pub canvas_dir: String,
    /// Workspace path of the threads folder.
    pub threads_dir: String,
    /// Workspace path of the goals folder.
    pub goals_dir: String,
    /// Thread types besides the built-in ones.
    pub extra_thread_types: Vec<String>,
    /// Impact score (0.0..=1.0) at or above which a decision needs a
    /// person's approval.
    pub approval_threshold: f64,
    /// Globs of workspace paths the walk skips.
    pub ignore: Vec<String>,
    /// Files larger than this many bytes are skipped (`file-too-large`).
    pub max_file_size: u64,
    /// Who watches for changes made outside the editor.
    pub watcher: WatcherMode,
    /// Which indexed files are the user's content, diagnosed; the others
    /// (the framework's documentation) are indexed but not diagnosed.
    pub scope: Scope,
    /// Where the rule pages are published: a URL in which `{code}` stands
    /// for the code. Diagnostics link to it (`codeDescription.href`) and
    /// SARIF rules give it as `helpUri`, only when it is set.
    pub documentation_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules: BTreeMap::new(),
            assumption_prefixes: vec!['A', 'H', 'T'],
            canvas_dir: "strategy/canvas".into(),
            threads_dir: "threads".into(),
            goals_dir: "strategy/goals".into(),
            extra_thread_types: Vec::new(),
            approval_threshold: 0.8,
            ignore: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            watcher: WatcherMode::Auto,
            scope: Scope::default(),
            documentation_url: None,
        }
    }
}

/// The thread types LeanOS has used (leanos-formats.md §3.1).
pub const BUILT_IN_THREAD_TYPES: &[&str] = &[
    "sales",
    "marketing",
    "engineering",
    "operations",
    "business",
    "research",
    "analysis",
    "revops",
    "customer",
    "foundations",
];

/// The settings as written (file or client), every key optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub assumptions: Option<AssumptionSettings>,
    #[serde(default)]
    pub paths: Option<PathSettings>,
    #[serde(default)]
    pub threads: Option<ThreadSettings>,
    #[serde(default)]
    pub decisions: Option<DecisionSettings>,
    #[serde(default)]
    pub files: Option<FileSettings>,
    /// Who watches the workspace for changes made outside the editor.
    #[serde(default)]
    pub watcher: Option<WatcherMode>,
    #[serde(default)]
    pub documentation: Option<DocumentationSettings>,
}

/// `[documentation]`: where the rule pages are published.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentationSettings {
    /// An `http(s)` URL in which `{code}` stands for the diagnostic code.
    pub url: Option<String>,
}

/// Whether `url` can be a documentation URL template: `http(s)://…` with
/// `{code}` in it and no whitespace.
fn is_documentation_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.contains("{code}")
        && !url.contains(char::is_whitespace)
}

/// Who watches the files of a workspace for changes made outside the
/// editor (`watcher = "auto" | "client" | "server"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WatcherMode {
    /// The client when it can register file watchers
    /// (`workspace/didChangeWatchedFiles` dynamic registration), the
    /// server otherwise.
    #[default]
    Auto,
    /// Only the client.
    Client,
    /// The server itself (the `notify` crate), whatever the client can do.
    Server,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssumptionSettings {
    pub prefixes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathSettings {
    pub canvas: Option<String>,
    pub threads: Option<String>,
    pub goals: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadSettings {
    pub types: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionSettings {
    pub approval_threshold: Option<f64>,
}

/// `[files]`: which files are read and which are diagnosed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// Globs of workspace paths never read (not indexed at all).
    pub ignore: Option<Vec<String>>,
    /// Files larger than this, in bytes, are not read (`file-too-large`).
    pub max_size: Option<u64>,
    /// Globs of the files diagnosed; replaces [`DEFAULT_INCLUDE`].
    pub include: Option<Vec<String>>,
    /// Globs of files not diagnosed; replaces [`DEFAULT_EXCLUDE`].
    pub exclude: Option<Vec<String>>,
}

/// A problem in settings: a message and, for `leanos.toml`, the byte range
/// at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub message: String,
    pub range: Range<u32>,
}

/// Parses `leanos.toml` text. Returns the settings it could read (empty on
/// a syntax error) and the problems found.
pub fn parse_toml(text: &str) -> (Settings, Vec<ConfigProblem>) {
    match toml::from_str::<Settings>(text) {
        Ok(settings) => {
            let problems = validate(&settings, text);
            (settings, problems)
        }
        Err(error) => {
            let range = error
                .span()
                .map(|r| {
                    let snap = |offset| crate::line_index::snap_offset(text, offset) as u32;
                    snap(r.start)..snap(r.end)
                })
                .unwrap_or(0..0);
            let message = format!("leanos.toml is not valid: {}", error.message().trim());
            (Settings::default(), vec![ConfigProblem { message, range }])
        }
    }
}

/// Parses client settings (the `leanos` section as JSON). Unknown or
/// ill-typed keys are reported and ignored.
pub fn parse_client_settings(value: &serde_json::Value) -> (Settings, Vec<String>) {
    if value.is_null() {
        return (Settings::default(), Vec::new());
    }
    match serde_json::from_value::<Settings>(value.clone()) {
        Ok(settings) => {
            let problems = validate(&settings, "")
                .into_iter()
                .map(|p| p.message)
                .collect();
            (settings, problems)
        }
        Err(error) => (
            Settings::default(),
            vec![format!("leanos settings ignored: {error}")],
        ),
    }
}

/// Where keys and values are in `leanos.toml` text (byte ranges), by
/// their path: table keys, and array indices as numbers (`["files",
/// "ignore", "1"]`). Every range is `0..0` for client settings (no text)
/// or a path that is not in the text.
struct Spans<'i>(Option<toml::Spanned<toml::de::DeTable<'i>>>);

impl<'i> Spans<'i> {
    fn new(text: &'i str) -> Spans<'i> {
        Spans(toml::de::DeTable::parse(text).ok())
    }

    /// The span of the key (`key == true`) or value at `path`.
    fn find(&self, path: &[&str], key: bool) -> Range<u32> {
        use toml::de::DeValue;
        let to_range = |span: std::ops::Range<usize>| span.start as u32..span.end as u32;
        let Some(root) = &self.0 else {
            return 0..0;
        };
        let mut table = root.get_ref();
        let mut value: Option<&toml::Spanned<DeValue>> = None;
        for (i, part) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            if let Some(DeValue::Array(array)) = value.map(|v| v.get_ref()) {
                match part.parse::<usize>().ok().and_then(|n| array.get(n)) {
                    Some(item) => value = Some(item),
                    None => return 0..0,
                }
                continue;
            }
            if let Some(v) = value {
                match v.get_ref() {
                    DeValue::Table(inner) => table = inner,
                    _ => return 0..0,
                }
            }
            let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *part) else {
                return 0..0;
            };
            if last && key {
                return to_range(k.span());
            }
            value = Some(v);
        }
        value.map_or(0..0, |v| to_range(v.span()))
    }
}

fn validate(settings: &Settings, text: &str) -> Vec<ConfigProblem> {
    let spans = Spans::new(text);
    let mut problems = Vec::new();
    for (code, level) in &settings.rules {
        if !crate::rules::is_known_code(code) {
            let hint = crate::rules::closest_code(code)
                .map(|known| format!(": did you mean `{known}`?"))
                .unwrap_or_default();
            problems.push(ConfigProblem {
                message: format!("unknown diagnostic code `{code}` in [rules]{hint}"),
                range: spans.find(&["rules", code], true),
            });
        }
        if !level.trim().eq_ignore_ascii_case("off") && Severity::parse(level).is_none() {
            problems.push(ConfigProblem {
                message: format!(
                    "`{level}` is not a level for `{code}`: use off, hint, info, warning or error"
                ),
                range: spans.find(&["rules", code], false),
            });
        }
    }
    if let Some(prefixes) = settings
        .assumptions
        .as_ref()
        .and_then(|a| a.prefixes.as_ref())
    {
        for (i, prefix) in prefixes.iter().enumerate() {
            let mut chars = prefix.chars();
            let ok =
                matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_uppercase());
            if !ok {
                problems.push(ConfigProblem {
                    message: format!("assumption prefix `{prefix}` must be one upper-case letter"),
                    range: spans.find(&["assumptions", "prefixes", &i.to_string()], false),
                });
            }
        }
    }
    if let Some(threshold) = settings
        .decisions
        .as_ref()
        .and_then(|d| d.approval_threshold)
    {
        if !(0.0..=1.0).contains(&threshold) {
            problems.push(ConfigProblem {
                message: format!("approval_threshold {threshold} is outside 0.0..=1.0"),
                range: spans.find(&["decisions", "approval_threshold"], false),
            });
        }
    }
    if let Some(url) = settings
        .documentation
        .as_ref()
        .and_then(|d| d.url.as_deref())
    {
        if !is_documentation_url(url) {
            problems.push(ConfigProblem {
                message: format!(
                    "documentation url `{url}` must be an http(s) URL with `{{code}}` where the code goes"
                ),
                range: spans.find(&["documentation", "url"], false),
            });
        }
    }
    let files = settings.files.as_ref();
    let lists = [
        ("ignore", files.and_then(|f| f.ignore.as_ref())),
        ("include", files.and_then(|f| f.include.as_ref())),
        ("exclude", files.and_then(|f| f.exclude.as_ref())),
    ];
    for (key, i, glob) in lists.into_iter().flat_map(|(key, list)| {
        list.into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, g)| (key, i, g))
    }) {
        if let Err(error) = globset::Glob::new(glob) {
            problems.push(ConfigProblem {
                message: format!("{key} glob `{glob}` is not valid: {error}"),
                range: spans.find(&["files", key, &i.to_string()], false),
            });
        }
    }
    problems
}

fn clean_dir(dir: &str) -> Option<String> {
    crate::paths::normalize(dir.trim_matches('/')).filter(|d| !d.is_empty())
}

impl Config {
    /// Applies `settings` on top of `self` (later layers win). Invalid
    /// values (already reported by the parser) are skipped.
    pub fn apply(&mut self, settings: &Settings) {
        if let Some(watcher) = settings.watcher {
            self.watcher = watcher;
        }
        if let Some(url) = settings
            .documentation
            .as_ref()
            .and_then(|d| d.url.as_deref())
            .filter(|url| is_documentation_url(url))
        {
            self.documentation_url = Some(url.to_string());
        }
        for (code, level) in &settings.rules {
            let level = if level.trim().eq_ignore_ascii_case("off") {
                Some(RuleLevel::Off)
            } else {
                Severity::parse(level).map(RuleLevel::On)
            };
            if let Some(level) = level {
                self.rules.insert(code.clone(), level);
            }
        }
        if let Some(prefixes) = settings
            .assumptions
            .as_ref()
            .and_then(|a| a.prefixes.as_ref())
        {
            let valid: Vec<char> = prefixes
                .iter()
                .filter_map(|p| {
                    let mut chars = p.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) if c.is_ascii_uppercase() => Some(c),
                        _ => None,
                    }
                })
                .collect();
            if !valid.is_empty() {
                self.assumption_prefixes = valid;
            }
        }
        if let Some(paths) = &settings.paths {
            if let Some(dir) = paths.canvas.as_deref().and_then(clean_dir) {
                self.canvas_dir = dir;
            }
            if let Some(dir) = paths.threads.as_deref().and_then(clean_dir) {
                self.threads_dir = dir;
            }
            if let Some(dir) = paths.goals.as_deref().and_then(clean_dir) {
                self.goals_dir = dir;
            }
        }
        if let Some(types) = settings.threads.as_ref().and_then(|t| t.types.as_ref()) {
            self.extra_thread_types = types.clone();
        }
        if let Some(threshold) = settings
            .decisions
            .as_ref()
            .and_then(|d| d.approval_threshold)
        {
            if (0.0..=1.0).contains(&threshold) {
                self.approval_threshold = threshold;
            }
        }
        if let Some(files) = &settings.files {
            if let Some(ignore) = &files.ignore {
                self.ignore = ignore
                    .iter()
                    .filter(|g| globset::Glob::new(g).is_ok())
                    .cloned()
                    .collect();
            }
            if let Some(max) = files.max_size {
                self.max_file_size = max;
            }
        }
        // The include globs: as configured (or the defaults), and the
        // configured Canvas, threads and goals folders wherever they are.
        let files = settings.files.as_ref();
        let mut include = match files.and_then(|f| f.include.as_ref()) {
            Some(include) => include.clone(),
            None => self.scope.include.clone(),
        };
        for dir in [&self.canvas_dir, &self.threads_dir, &self.goals_dir] {
            let glob = format!("{dir}/**");
            if !include.contains(&glob) {
                include.push(glob);
            }
        }
        let exclude = match files.and_then(|f| f.exclude.as_ref()) {
            Some(exclude) => exclude.clone(),
            None => self.scope.exclude.clone(),
        };
        self.scope = Scope::new(include, exclude);
    }

    /// The configured level of a diagnostic code, given its default.
    pub fn level(&self, code: &str, default: Severity) -> RuleLevel {
        self.rules
            .get(code)
            .copied()
            .unwrap_or(RuleLevel::On(default))
    }

    /// A matcher for [`Config::ignore`].
    pub fn ignore_matcher(&self) -> globset::GlobSet {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in &self.ignore {
            if let Ok(glob) = globset::Glob::new(glob) {
                builder.add(glob);
            }
        }
        builder
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_section() {
        let (settings, problems) = parse_toml(
            "[rules]\nassumption-untested = \"off\"\nlink-broken = \"error\"\n\
             [assumptions]\nprefixes = [\"A\", \"Q\"]\n[paths]\ncanvas = \"canvas/\"\n\
             [decisions]\napproval_threshold = 0.7\n[files]\nignore = [\"drafts/**\"]\nmax_size = 100\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let mut config = Config::default();
        config.apply(&settings);
        assert_eq!(
            config.level("assumption-untested", Severity::Hint),
            RuleLevel::Off
        );
        assert_eq!(
            config.level("link-broken", Severity::Warning),
            RuleLevel::On(Severity::Error)
        );
        assert_eq!(config.assumption_prefixes, vec!['A', 'Q']);
        assert_eq!(config.canvas_dir, "canvas");
        assert_eq!(config.approval_threshold, 0.7);
        assert!(config.ignore_matcher().is_match("drafts/a.md"));
        assert_eq!(config.max_file_size, 100);
    }

    #[test]
    fn bad_files_are_problems_not_crashes() {
        let (settings, problems) = parse_toml("[rules\nx = ");
        assert_eq!(problems.len(), 1);
        assert!(settings.rules.is_empty());
        let (_, problems) = parse_toml("[rules]\nno-such-code = \"loud\"\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].range, 8..20);
        let (_, problems) = parse_toml("colour = 1\n");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("colour"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn each_problem_points_at_its_own_key_or_value() {
        let text = r#"# stage-mising is a typo we keep making
[rules]
stage-mising = "off"
link-broken = "loud"
goal-unknown = "loud"

[assumptions]
prefixes = ["A", "hh"]

[files]
ignore = ["ok/**", "bad/[**"]

[documentation]
url = "ftp://docs"
"#;
        let (_, problems) = parse_toml(text);
        let at = |range: &Range<u32>| &text[range.start as usize..range.end as usize];
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.message.split_whitespace().next().unwrap(), at(&p.range)))
            .collect();
        assert_eq!(
            found,
            [
                ("`loud`", "\"loud\""),
                ("`loud`", "\"loud\""),
                ("unknown", "stage-mising"),
                ("assumption", "\"hh\""),
                ("documentation", "\"ftp://docs\""),
                ("ignore", "\"bad/[**\""),
            ],
            "{problems:#?}"
        );
        // The two `loud` levels are two places, and the unknown code is
        // the key, not its mention in the comment.
        assert_ne!(problems[0].range, problems[1].range);
        assert!(problems[2].range.start > text.find("[rules]").unwrap() as u32);
    }
}
