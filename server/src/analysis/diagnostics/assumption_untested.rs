//! `assumption-untested`: an assumption that no thread references (a
//! reference from a thread's stage file or metadata counts, as the code
//! lens counts testing threads; a note such as `threads/index.md` does
//! not).

use super::{Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    // A thread's file (a stage, its metadata), as the code lens counts
    // testing threads: not any file under the threads folder.
    let in_a_thread = |path: &smol_str::SmolStr| {
        snapshot
            .files
            .get(&**path)
            .is_some_and(|f| f.facts.path_kind().thread().is_some())
    };
    for (index, entry) in context.file.facts.entries.iter().enumerate() {
        // Report once per ID, on its first definition.
        if !context.is_first_definition(&entry.id, index) {
            continue;
        }
        let tested = snapshot
            .assumption_refs
            .get(&entry.id)
            .is_some_and(|files| files.iter().any(in_a_thread));
        if !tested {
            out.push(context.diagnostic(
                "assumption-untested",
                entry.id_range.clone(),
                format!("no thread references assumption `{}`", entry.id),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn only_thread_references_count() {
        let found = check(
            r#"//- /strategy/canvas/10-assumptions.md
### A1: Tested
### A2: Cited by a goal only
### A3: Cited in meta.json
//- /threads/sales/x/2-hypothesis.md
Tests: A1 - x
//- /threads/sales/y/meta.json
{"canvas_assumptions": ["A3"]}
//- /strategy/goals/active/g-x.md
## Canvas Links
- A2: "x" (10-assumptions.md)
"#,
            "assumption-untested",
        );
        assert_eq!(found, ["strategy/canvas/10-assumptions.md:1:4-1:6 hint no thread references assumption `A2`"]);
    }

    #[test]
    fn a_note_under_threads_is_not_a_thread_testing_it() {
        let found = check(
            r#"//- /strategy/canvas/10-assumptions.md
### A1: One
### A2: Two
//- /threads/index.md
Open questions: A1, A2.
//- /threads/sales/acme/2-hypothesis.md
Tests: A2 - acme
"#,
            "assumption-untested",
        );
        assert_eq!(
            found,
            ["strategy/canvas/10-assumptions.md:0:4-0:6 hint no thread references assumption `A1`"]
        );
    }
}
