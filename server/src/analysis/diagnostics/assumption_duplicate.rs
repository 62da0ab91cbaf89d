//! `assumption-duplicate`: two entries define the same ID. Every entry
//! after the first (by file, then position) is reported, pointing at the
//! first.

use super::{Context, Diagnostic, Related};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    for (index, entry) in context.file.facts.entries.iter().enumerate() {
        let Some(locations) = snapshot.assumptions.get(&entry.id) else {
            continue;
        };
        if locations.len() < 2 {
            continue;
        }
        let Some(first) = locations.iter().next() else {
            continue;
        };
        if first.file == context.file.path && first.index == index {
            continue;
        }
        let first_range = snapshot
            .files
            .get(first.file.as_str())
            .and_then(|f| f.facts.entries.get(first.index))
            .map(|e| e.id_range.clone())
            .unwrap_or(0..0);
        let mut diagnostic = context.diagnostic(
            "assumption-duplicate",
            entry.id_range.clone(),
            format!("assumption `{}` is defined more than once", entry.id),
        );
        diagnostic.relate(Related {
            path: first.file.clone(),
            range: first_range,
            message: format!("`{}` is first defined here", entry.id),
        });
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn second_definition_is_reported() {
        let found = check(
            r#"//- /strategy/canvas/10-assumptions.md
### A4: One

### A4: Two

## More

- A5: item
- A5: again
"#,
            "assumption-duplicate",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/10-assumptions.md:2:4-2:6 error assumption `A4` is defined more than once",
                "strategy/canvas/10-assumptions.md:7:2-7:4 error assumption `A5` is defined more than once",
            ]
        );
    }

    #[test]
    fn v2_summary_tables_are_not_duplicates() {
        let found = check(
            r#"//- /strategy/canvas/10.assumptions.md
# 10. Assumptions

## Summary

| ID | Assumption | Priority |
|---|---|---|
| A001 | Buyers exist | P0 |

## Critical Assumptions (P0)

### A001: Buyers exist
**Risk:** Impact 5 × Uncertainty 4 = 20
**Status:** 🔴 Unvalidated

## Validation Queue

| ID | Assumption | Priority | Status | Next Step |
|---|---|---|---|---|
| A001 | Buyers exist | P0 | 🔴 | interviews |
"#,
            "assumption-duplicate",
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
