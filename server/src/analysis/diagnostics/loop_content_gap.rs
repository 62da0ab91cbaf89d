//! `loop-content-gap`: a completed engineering thread (stage 6, not
//! invalidated or stopped) whose feature is in `09-solution.md` (an entry
//! whose evidence leads to it, `analysis/drift.rs`) and that no marketing
//! thread cites: none names it or is named by it (parent, source,
//! related, spawned, a link) and no marketing learning announces the
//! entry's feature.
//! LeanOS's loop document calls this "Engineering builds features but
//! marketing doesn't create content" (leanos-formats.md §6.2;
//! `analysis/loops.rs`). Reported on the learning: on its announcement of
//! the feature when it has one, else on its first heading.

use super::{anchor, Context, Data, Diagnostic, Related};
use crate::analysis::loops::content_gap;
use crate::facts::solution::feature_key;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some(info) = context.learning_thread() else {
        return;
    };
    let snapshot = context.snapshot;
    let Some(entries) = content_gap(snapshot, &info) else {
        return;
    };
    let names: Vec<String> = entries
        .iter()
        .map(|(_, e)| format!("\"{}\"", e.name))
        .collect();
    // The learning's own announcement of the first shipped feature, if any.
    let keys: Vec<String> = entries.iter().map(|(_, e)| feature_key(&e.name)).collect();
    let announced = context
        .file
        .facts
        .solution_updates
        .iter()
        .find(|(name, _)| keys.contains(&feature_key(name)));
    let range = announced
        .map(|(_, r)| r.clone())
        .unwrap_or_else(|| anchor(context.file));
    let related: Vec<Related> = entries
        .iter()
        .map(|(file, entry)| Related {
            path: file.path.to_string(),
            range: entry.name_range.clone(),
            message: format!("\"{}\" in the solution section", entry.name),
        })
        .collect();
    let title = format!("Content: {}", entries[0].1.name);
    let mut diagnostic = context.diagnostic_with(
        Data::LoopSpawn {
            thread_type: "marketing",
            folder: "marketing/content",
            title: Some(title),
            dir: None,
        },
        "loop-content-gap",
        range,
        format!(
            "shipped in 09-solution.md as {} and no marketing thread cites this thread or that entry",
            names.join(", ")
        ),
    );
    diagnostic.related = related.into();
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    /// The gap beside its near misses: content citing the thread by
    /// `parent_thread`, content announcing the feature, a thread not in
    /// 09, an invalidated thread, a thread without a learning, a
    /// marketing thread that is itself in 09.
    const SHIPPED: &str = r#"//- /strategy/canvas/09-solution.md
### Bank Feed SDK
- **Evidence:** threads/engineering/bank-feed/6-learning.md
### Receipt capture
- **Evidence:** threads/engineering/receipts/6-learning.md
### OCR
- **Evidence:** threads/engineering/ocr/6-learning.md
### Reports
- **Evidence:** threads/engineering/reports/1-input.md
### Exports
- **Evidence:** threads/engineering/exports/6-learning.md
//- /threads/engineering/bank-feed/6-learning.md
# Learning
**Status:** ✅ VALIDATED
- 09-solution.md → "Bank Feed SDK"
//- /threads/engineering/receipts/6-learning.md
# Learning
**Status:** ✅ VALIDATED
//- /threads/marketing/content/receipts-post/meta.json
{"parent_thread": "engineering/receipts"}
//- /threads/engineering/ocr/6-learning.md
# Learning
**Status:** ❌ INVALIDATED
//- /threads/engineering/reports/1-input.md
# Input
//- /threads/engineering/exports/6-learning.md
# Learning
//- /threads/marketing/content/exports-launch/6-learning.md
# Learning
- 09-solution.md → "Exports" (launch post published)
//- /threads/marketing/content/exports-draft/1-input.md
# Input
//- /threads/engineering/unshipped/6-learning.md
# Learning
"#;

    #[test]
    fn shipped_features_no_marketing_thread_cites() {
        let found = check(SHIPPED, "loop-content-gap");
        assert_eq!(
            found,
            ["threads/engineering/bank-feed/6-learning.md:2:20-2:33 hint shipped in 09-solution.md as \"Bank Feed SDK\" and no marketing thread cites this thread or that entry"]
        );
    }

    #[test]
    fn spawning_content_closes_the_gap() {
        let files = check_fix(
            SHIPPED,
            "threads/engineering/bank-feed/6-learning.md",
            "loop-content-gap",
            "marketing/content/content-bank-feed-sdk",
        );
        let meta = &files["threads/marketing/content/content-bank-feed-sdk/meta.json"];
        assert!(
            meta.contains("\"parent_thread\": \"engineering/bank-feed\""),
            "{meta}"
        );
        // The learning is left as it is.
        assert_eq!(
            files["threads/engineering/bank-feed/6-learning.md"],
            "# Learning\n**Status:** ✅ VALIDATED\n- 09-solution.md → \"Bank Feed SDK\"\n"
        );
    }
}
