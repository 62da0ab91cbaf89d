//! Pure analyses over a [`Snapshot`](crate::index::Snapshot): diagnostics
//! and the resolution of references. No IO, no LSP types: results carry
//! byte ranges into the files' texts.

pub mod actions;
pub mod completion;
pub mod decorations;
pub mod diagnostics;
pub mod drift;
pub mod lineage;
pub mod navigation;
pub mod rename;
pub mod resolve;
pub mod symbols;
pub mod thread;
