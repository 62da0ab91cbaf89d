//! `learning-no-canvas-update`: a non-empty stage 6 that names no Canvas
//! section it updates ("Gate: must update ≥1 Canvas section",
//! leanos-formats.md §3.6). A Canvas file name or path, `canvas_updates`
//! in frontmatter, or `Section N` under a Canvas-updates heading counts.

use super::{anchor, Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let facts = &context.file.facts;
    let is_learning = match context.stage() {
        Some((7, _)) => true,
        Some((6, _)) => !context.file.path.ends_with("6-results.md"),
        _ => false,
    };
    if !is_learning || facts.empty || facts.names_canvas || context.unread() {
        return;
    }
    out.push(context.diagnostic(
        "learning-no-canvas-update",
        anchor(context.file),
        "this learning names no Canvas section it updates (e.g. `10-assumptions.md → A4 …`)".into(),
    ));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn canvas_mentions_count() {
        let quiet = [
            "# Learning\n\n## Canvas Updates\n\n**Updated:** `strategy/canvas/10.assumptions.md`\n",
            "# Learning\n\nCanvas update: 10-assumptions.md → H1 status: partial\n",
            "---\ncanvas_updates: [5-customer-segments, 13-assumptions]\n---\n# Learning\n",
            "# Learning\n\n## Canvas Updates Required\n\n### Section 5: Customer Segments\n",
        ];
        for text in quiet {
            let fixture = format!(
                r#"//- /threads/s/a/6-learning.md
{text}"#
            );
            assert!(
                check(&fixture, "learning-no-canvas-update").is_empty(),
                "{text}"
            );
        }
        let found = check(
            r#"//- /threads/s/a/6-learning.md
# Learning

It went well.
"#,
            "learning-no-canvas-update",
        );
        assert_eq!(found.len(), 1);
    }
}
