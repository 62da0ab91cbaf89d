//! The workspace paths the fuzz inputs choose from: one of every path
//! kind the lowering tells apart (stage files, Canvas sections 09 and 10
//! under both naming schemes, goals, `meta.json`, `metadata.yaml`,
//! `leanos.toml`, index files, narratives, archived threads, notes, a
//! non-source file). An input names a path by its index (modulo the
//! table's length); `fuzz/seed.sh` maps real files to the same indices,
//! so the order here and there must stay the same.

/// The path table (index = selector modulo its length).
pub const TABLE: &[&str] = &[
    "threads/sales/acme/1-input.md",
    "threads/sales/acme/2-hypothesis.md",
    "threads/sales/acme/3-implication.md",
    "threads/sales/acme/4-decision.md",
    "threads/sales/acme/5-actions.md",
    "threads/sales/acme/6-learning.md",
    "threads/sales/acme/meta.json",
    "threads/sales/acme/metadata.yaml",
    "strategy/canvas/09-solution.md",
    "strategy/canvas/10-assumptions.md",
    "strategy/goals/active/g-growth.md",
    "strategy/canvas/index.md",
    "docs/notes.md",
    "leanos.toml",
    "threads/sales/acme/5-actions/demo.md",
    "threads/sales/acme/2-hypotesis.md",
    "threads/sales/acme/7-learning.md",
    "strategy/canvas/00-mode.md",
    "threads/engineering/sdk/6-learning.md",
    "threads/engineering/sdk/4-decision.md",
    "threads/engineering/sdk/meta.json",
    "threads/marketing/blog/6-learning.md",
    "threads/marketing/blog/metadata.yaml",
    "threads/archive/sales/old/2-hypothesis.md",
    "strategy/canvas/10.assumptions_validation_methods.md",
    "strategy/goals/completed/g-done.md",
    "threads/index.md",
    "README.md",
    "threads/marketing/blog/narratives/1-problem.md",
    "artifacts/data.csv",
];

/// The path an input's selector byte names.
pub fn path(selector: u8) -> &'static str {
    TABLE[selector as usize % TABLE.len()]
}
