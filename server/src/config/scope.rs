//! Which indexed files are diagnosed: the user's content (by default the
//! workspace folders of every era of LeanOS) as opposed to the
//! framework's documentation, which is indexed but not diagnosed.

/// The folders of a LeanOS workspace whose files are the user's content
/// in every era of the framework (`leanos-formats.md` §0 and §7): the
/// Canvas and goals, threads, and what threads produce.
pub const DEFAULT_INCLUDE: &[&str] = &[
    "leanos.toml",
    "strategy/**",
    "threads/**",
    "artifacts/**",
    "research/**",
    "ops/**",
    "engineering/**",
    "meeting-notes/**",
    "execution/**",
    "knowledge/**",
    "state/**",
];

/// Which files are diagnosed: those matching an `include` glob (by
/// default [`DEFAULT_INCLUDE`], and the configured Canvas, threads and
/// goals folders) and no `exclude` glob (by default hidden folders and
/// changelogs). Every other indexed file (`README.md`, `CLAUDE.md`,
/// `docs/`, `.claude/`) is documentation: definition, hover and references
/// work from and into it, but it gets no diagnostics.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The include globs, as given.
    pub(super) include: Vec<String>,
    /// The exclude globs, as given.
    pub(super) exclude: Vec<String>,
    include_set: globset::GlobSet,
    exclude_set: globset::GlobSet,
}

/// Files never diagnosed by default: hidden folders and changelogs (a
/// changelog records history, including files removed on purpose; LeanOS
/// keeps its system changelog in `ops/changes.md`, leanos-formats.md §7.1).
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".*/**",
    "**/.*/**",
    "**/changelog.md",
    "**/CHANGELOG.md",
    "**/Changelog.md",
    "**/changes.md",
    "**/CHANGES.md",
];

/// Whether the file `name` is a changelog (`changelog.md` or `changes.md`,
/// in any letter case): history, whose paths are not links to check.
pub fn is_changelog(name: &str) -> bool {
    name.eq_ignore_ascii_case("changelog.md") || name.eq_ignore_ascii_case("changes.md")
}

impl PartialEq for Scope {
    fn eq(&self, other: &Scope) -> bool {
        self.include == other.include && self.exclude == other.exclude
    }
}

/// The glob sets built last, most recent first: building one compiles
/// regexes (about a millisecond for the defaults), and every
/// configuration built from the same settings asks for the same sets.
static BUILT: std::sync::Mutex<Vec<(Vec<String>, globset::GlobSet)>> =
    std::sync::Mutex::new(Vec::new());

/// How many glob sets [`BUILT`] keeps.
const KEPT: usize = 8;

/// The glob set of `globs` (those that do not parse are dropped).
fn glob_set(globs: &[String]) -> globset::GlobSet {
    // A poisoned lock only means another thread panicked while holding
    // it; the list itself is always whole.
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(at) = built.iter().position(|(g, _)| g.as_slice() == globs) {
        let hit = built.remove(at);
        let set = hit.1.clone();
        built.insert(0, hit);
        return set;
    }
    drop(built);
    let set = build_glob_set(globs);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    built.insert(0, (globs.to_vec(), set.clone()));
    built.truncate(KEPT);
    set
}

fn build_glob_set(globs: &[String]) -> globset::GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
        {
            builder.add(glob);
        }
    }
    builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty())
}

impl Scope {
    /// A scope of these globs (`*` stops at `/`, `**` crosses folders,
    /// unlike `[files] ignore`'s, where `*` also matches `/`; a glob that
    /// does not parse is dropped, and `leanos.toml` validation reports it).
    pub fn new(include: Vec<String>, exclude: Vec<String>) -> Scope {
        Scope {
            include_set: glob_set(&include),
            exclude_set: glob_set(&exclude),
            include,
            exclude,
        }
    }

    /// Whether the workspace path `path` is diagnosed.
    pub fn diagnoses(&self, path: &str) -> bool {
        self.include_set.is_match(path) && !self.exclude_set.is_match(path)
    }
}

impl Default for Scope {
    fn default() -> Scope {
        Scope::new(
            DEFAULT_INCLUDE.iter().map(|g| g.to_string()).collect(),
            DEFAULT_EXCLUDE.iter().map(|g| g.to_string()).collect(),
        )
    }
}
