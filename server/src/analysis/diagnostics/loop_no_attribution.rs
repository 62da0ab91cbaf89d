//! `loop-no-attribution`: a marketing content thread (no campaign, not
//! archived) that reached stage 6 and that no sales thread names in its
//! `source` attribution (`analysis/loops.rs`). LeanOS's loop document
//! calls this "Sales attributes no revenue to marketing content"
//! (leanos-formats.md §4.4). Reported on the learning's first heading,
//! with how many sales deals cite other content: when none does, the
//! deals are not tracking `source` at all.

use super::{anchor, Context, Diagnostic};
use crate::analysis::loops::{content_attributed_deals, unattributed};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some(info) = context.learning_thread() else {
        return;
    };
    let snapshot = context.snapshot;
    if !unattributed(snapshot, &info) {
        return;
    }
    let others = content_attributed_deals(snapshot);
    let message = match others {
        0 => "content reached stage 6 and no sales thread names it in `source`; no sales thread cites any content".to_string(),
        1 => "content reached stage 6 and no sales thread names it in `source` (1 sales thread cites other content)".to_string(),
        n => format!("content reached stage 6 and no sales thread names it in `source` ({n} sales threads cite other content)"),
    };
    out.push(context.diagnostic("loop-no-attribution", anchor(context.file), message));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    /// Content no deal names beside its near misses: content a deal names,
    /// a campaign, content without a learning or with an empty one, an
    /// archived thread, and a deal naming content by a path that resolves.
    const CONTENT: &str = r#"//- /threads/marketing/content/guide/6-learning.md
# Learning
//- /threads/marketing/content/case/6-learning.md
# Learning
//- /threads/sales/acme/meta.json
{"source": "threads/marketing/content/case/"}
//- /threads/sales/beta/1-input.md
---
source: marketing/content/missing/
---
# Input
//- /threads/marketing/campaigns/2026-q1/6-learning.md
# Learning
//- /threads/marketing/content/draft/1-input.md
# Input
//- /threads/marketing/content/empty/6-learning.md
//- /threads/marketing/archive/old/6-learning.md
# Learning
"#;

    #[test]
    fn content_no_deal_names() {
        assert_eq!(
            check(CONTENT, "loop-no-attribution"),
            ["threads/marketing/content/guide/6-learning.md:0:2-0:10 hint content reached stage 6 and no sales thread names it in `source` (2 sales threads cite other content)"]
        );
        let alone = "//- /threads/marketing/content/guide/6-learning.md\n# Learning\n";
        assert_eq!(
            check(alone, "loop-no-attribution"),
            ["threads/marketing/content/guide/6-learning.md:0:2-0:10 hint content reached stage 6 and no sales thread names it in `source`; no sales thread cites any content"]
        );
    }
}
