//! Pure analyses over a [`Snapshot`](crate::index::Snapshot): diagnostics,
//! navigation (one file per feature: `target` finds what is under a
//! cursor, `definition`, `references` and `hover` answer about it),
//! completion, symbols, code actions. No IO, no LSP types: results carry
//! byte ranges into the files' texts.

pub mod actions;
pub mod completion;
pub mod decorations;
pub mod definition;
pub mod diagnostics;
pub mod drift;
pub mod hover;
pub mod lineage;
pub mod loop_page;
pub mod loop_report;
pub mod loops;
pub mod references;
pub mod rename;
pub mod resolve;
pub mod stage_template;
pub mod symbols;
pub mod target;
pub mod thread;
