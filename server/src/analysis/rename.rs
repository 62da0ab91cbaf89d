//! Renaming an assumption ID everywhere: its entries in the assumptions
//! section and every reference, metadata included. Other targets are
//! refused with a message the editor shows.

use std::collections::BTreeMap;

use crate::analysis::target::{target_at, Target};
use crate::facts::is_assumption_id;
use crate::index::Snapshot;
use crate::syntax::ByteRange;

/// Text edits by workspace path: `(range, new text)`, sorted by position.
pub type Edits = BTreeMap<String, Vec<(ByteRange, String)>>;

/// The ID under the cursor that a rename would change: its range and
/// current text. `Err` explains why there is nothing to rename there.
pub fn prepare_rename(
    snapshot: &Snapshot,
    path: &str,
    offset: u32,
) -> Result<(ByteRange, String), String> {
    match target_at(snapshot, path, offset) {
        Some(hit) => match hit.target {
            Target::Assumption(id) => Ok((hit.range, id)),
            _ => Err(
                "only assumption IDs can be renamed (threads, goals and files cannot yet)".into(),
            ),
        },
        None => Err("there is no assumption ID here to rename".into()),
    }
}

/// The edits that rename the ID under the cursor to `new_name`.
/// Refused when `new_name` is not an ID under the configured prefixes or
/// is already defined.
pub fn rename(
    snapshot: &Snapshot,
    path: &str,
    offset: u32,
    new_name: &str,
) -> Result<Edits, String> {
    let (_, old) = prepare_rename(snapshot, path, offset)?;
    let new_name = new_name.trim();
    if new_name == old {
        return Ok(Edits::new());
    }
    if !is_assumption_id(new_name, &snapshot.config) {
        let prefixes: String = snapshot.config.assumption_prefixes.iter().collect();
        return Err(format!(
            "`{new_name}` is not an assumption ID: one of the prefixes {prefixes} followed by 1 to 3 digits"
        ));
    }
    if let Some(existing) = snapshot
        .assumptions
        .get(new_name)
        .and_then(|l| l.iter().next())
    {
        return Err(format!(
            "`{new_name}` already exists in `{}`",
            existing.file
        ));
    }
    let mut edits = Edits::new();
    for location in snapshot
        .assumptions
        .get(&old)
        .into_iter()
        .flat_map(|s| s.iter())
    {
        if let Some(entry) = snapshot
            .files
            .get(location.file.as_str())
            .and_then(|f| f.facts.entries.get(location.index))
        {
            edits
                .entry(location.file.clone())
                .or_default()
                .push((entry.id_range.clone(), new_name.to_string()));
        }
    }
    for file_path in snapshot
        .assumption_refs
        .get(&old)
        .into_iter()
        .flat_map(|s| s.iter())
    {
        if let Some(file) = snapshot.files.get(&**file_path) {
            for reference in file.facts.refs.iter().filter(|r| r.id == old) {
                edits
                    .entry(file_path.to_string())
                    .or_default()
                    .push((reference.range.clone(), new_name.to_string()));
            }
        }
    }
    for list in edits.values_mut() {
        list.sort_by_key(|(r, _)| r.start);
        list.dedup();
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::{render_range, with_cursor};

    const FIXTURE: &str = r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label

| ID | Assumption |
|---|---|
| A5 | Other |
//- /threads/sales/a/2-hypothesis.md
Tests: A$04 - x
Canvas link: 10-assumptions.md → A4
//- /threads/sales/a/meta.json
{"canvas_assumptions": ["A4", "A5"]}
//- /strategy/goals/active/g.md
## Canvas Links
- A4: "x" (10-assumptions.md)
"#;

    #[test]
    fn renames_entries_and_references_metadata_included() {
        let (snapshot, path, offset) = with_cursor(FIXTURE);
        let edits = rename(&snapshot, &path, offset, "A12").unwrap();
        let rendered: Vec<String> = edits
            .iter()
            .flat_map(|(p, list)| {
                list.iter()
                    .map(|(r, t)| format!("{} {t}", render_range(&snapshot, p, r)))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            rendered,
            [
                "strategy/canvas/10-assumptions.md:0:4-0:6 A12",
                "strategy/goals/active/g.md:1:2-1:4 A12",
                "threads/sales/a/2-hypothesis.md:0:7-0:9 A12",
                "threads/sales/a/2-hypothesis.md:1:33-1:35 A12",
                "threads/sales/a/meta.json:0:25-0:27 A12",
            ]
        );
    }

    #[test]
    fn refuses_bad_names_existing_ids_and_other_targets() {
        let (snapshot, path, offset) = with_cursor(FIXTURE);
        assert!(rename(&snapshot, &path, offset, "A5")
            .unwrap_err()
            .contains("already exists"));
        assert!(rename(&snapshot, &path, offset, "a12")
            .unwrap_err()
            .contains("not an assumption ID"));
        assert!(rename(&snapshot, &path, offset, "A1234")
            .unwrap_err()
            .contains("not an assumption ID"));
        assert!(rename(&snapshot, &path, offset, "A4").unwrap().is_empty());
        let (snapshot, path, offset) = with_cursor(
            r#"//- /threads/a/b/1-input.md
See 10-assump$0tions.md
"#,
        );
        assert!(prepare_rename(&snapshot, &path, offset)
            .unwrap_err()
            .contains("only assumption IDs"));
        let (snapshot, path, offset) = with_cursor(
            r#"//- /threads/a/b/1-input.md
Nothing $0here
"#,
        );
        assert!(prepare_rename(&snapshot, &path, offset).is_err());
    }
}
