//! A deterministic generator of synthetic LeanOS workspaces for benchmarks:
//! N threads with realistic stage files across types, a full Canvas whose
//! assumptions section holds hundreds of entries (heading blocks and table
//! rows), goals with subgoals, cross-references and a few faults per
//! hundred threads, and the three-way loop closed and broken at known
//! threads ([`expected_loop_findings`]). Same `threads` and `seed`, same
//! bytes.
#![doc(hidden)]

use std::fmt::Write as _;

/// A small xorshift generator: deterministic and dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const TYPES: &[&str] = &["sales", "marketing", "engineering", "operations"];
const WORDS: &[&str] = &[
    "invoice",
    "ledger",
    "partner",
    "pilot",
    "close",
    "bank",
    "feed",
    "pricing",
    "segment",
    "reconciliation",
    "trial",
    "onboarding",
    "churn",
    "webinar",
    "referral",
    "accuracy",
    "latency",
    "contract",
    "renewal",
    "forecast",
    "pipeline",
    "support",
    "dashboard",
    "audit",
];
const VERDICTS: &[&str] = &[
    "PROCEED", "PURSUE", "BUILD", "CREATE", "QUALIFY", "DEFER", "PASS", "LAUNCH",
];

/// Sales deal `t`'s learning asks engineering for a feature (every
/// 100th thread, from 4: always a deal, never a campaign).
fn requests_feature(t: usize) -> bool {
    t % 100 == 4
}

/// The request of deal `t` is answered: engineering thread `t + 2` names
/// the deal as its parent (every other request).
fn answered(t: usize) -> bool {
    t % 200 == 4
}

/// Engineering thread `e` is shipped: a 09 entry's evidence is its
/// learning, and its decision is BUILD (the threads answering requests and
/// those after the unanswered ones).
fn shipped(e: usize) -> bool {
    e % 100 == 6
}

/// Shipped engineering thread `e` is cited: marketing thread `e + 3` names
/// it as its parent; for the others, marketing thread `e - 1` does not
/// link to it either (every generated thread links to the next one).
fn content_cites(e: usize) -> bool {
    e % 200 == 6
}

/// Thread `t` has a learning (stage 6): all but every seventh, from 3.
fn has_learning(t: usize) -> bool {
    t % 7 != 3
}

/// Where the loop breaks in `workspace(threads, _)`, by construction (any
/// seed): `(learning path, code)` of every `loop-*` finding `check`
/// reports, sorted.
pub fn expected_loop_findings(threads: usize) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for t in 0..threads {
        let learning = |kind: &str| format!("threads/{kind}/t{t}/6-learning.md");
        match TYPES[t % TYPES.len()] {
            "sales"
                if requests_feature(t) && has_learning(t) && !(answered(t) && t + 2 < threads) =>
            {
                out.push((learning("sales"), "loop-feature-not-built"));
            }
            "engineering"
                if shipped(t) && has_learning(t) && !(content_cites(t) && t + 3 < threads) =>
            {
                out.push((learning("engineering"), "loop-content-gap"));
            }
            // Marketing thread m is named in `source` by deal m - 1 only,
            // which has none every 53rd thread, from 7.
            "marketing" if has_learning(t) && (t - 1) % 53 == 7 => {
                out.push((learning("marketing"), "loop-no-attribution"));
            }
            _ => {}
        }
    }
    out.sort();
    out
}

/// How many assumptions the generated Canvas defines.
pub fn assumption_count(threads: usize) -> usize {
    (threads / 25).clamp(60, 400)
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
    out
}

/// The files of a workspace with `threads` threads: `(path, text)`.
pub fn workspace(threads: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::new();
    let assumptions = assumption_count(threads);
    let goals = (threads / 500).clamp(4, 40);

    // Canvas.
    for (number, name) in [
        (0, "mode"),
        (1, "context"),
        (2, "constraints"),
        (3, "opportunity"),
        (4, "segments"),
        (5, "problem"),
        (6, "competitive"),
        (7, "uvp"),
        (8, "advantage"),
        (9, "solution"),
        (11, "pricing"),
        (12, "costs"),
        (13, "metrics"),
        (14, "growth"),
        (15, "gtm"),
    ] {
        let mut text = format!("# {number:02}. {name}\n\n");
        for _ in 0..12 {
            let _ = writeln!(text, "- {}.", sentence(&mut rng, 9));
        }
        if number == 9 {
            for e in (0..threads).filter(|e| TYPES[e % TYPES.len()] == "engineering" && shipped(*e))
            {
                let _ = write!(
                    text,
                    "\n### Feature t{e}\n\n- **Evidence:** threads/engineering/t{e}/6-learning.md\n"
                );
            }
        }
        files.push((format!("strategy/canvas/{number:02}-{name}.md"), text));
    }
    let mut canvas = String::from("# Assumptions\n\n## Core assumptions\n\n");
    let heading_entries = assumptions * 2 / 3;
    for id in 1..=heading_entries {
        let status = rng.pick(&["✅ VALIDATED", "⏳ TESTING", "📝 DRAFT", "❌ INVALIDATED"]);
        let _ = write!(
            canvas,
            "### A{id}: {}\n**Status:** {status}\n**Confidence:** {}%\n**Evidence:** threads/sales/t{}/6-learning.md\n\n",
            sentence(&mut rng, 6),
            rng.below(100),
            rng.below(threads.max(1))
        );
    }
    canvas.push_str(
        "## Hypotheses\n\n| ID | Assumption | Status | Confidence |\n|----|----|----|----|\n",
    );
    for id in 1..=(assumptions - heading_entries) {
        let _ = writeln!(
            canvas,
            "| H{id} | {} | testing | {}% |",
            sentence(&mut rng, 5),
            rng.below(100)
        );
    }
    files.push(("strategy/canvas/10-assumptions.md".into(), canvas));

    // Goals.
    for g in 0..goals {
        let mut text = format!(
            "---\nid: g-goal-{g}\nstatus: active\n---\n# Goal: {}\n\n",
            sentence(&mut rng, 4)
        );
        for sg in 1..=4 {
            let _ = write!(
                text,
                "#### SG{sg}: {}\n- **Status:** pending\n\n",
                sentence(&mut rng, 4)
            );
        }
        files.push((format!("strategy/goals/active/g-goal-{g}.md"), text));
    }

    // Threads.
    for t in 0..threads {
        let kind = TYPES[t % TYPES.len()];
        let dir = if kind == "sales" && t % 40 == 0 {
            format!("threads/sales/campaigns/2026-{:02}-c{t}", 1 + t % 12)
        } else {
            format!("threads/{kind}/t{t}")
        };
        let a = 1 + rng.below(heading_entries);
        let h = 1 + rng.below((assumptions - heading_entries).max(1));
        // A few faults: an undefined ID, a missing stage, a missing source.
        let unknown = t % 97 == 13;
        let cited = if unknown {
            format!("A{}", assumptions + 50)
        } else {
            format!("A{a}")
        };
        let goal = rng.below(goals);
        let stages = if t % 7 == 3 { 4 } else { 6 };
        let title = sentence(&mut rng, 5);
        let mut source = if kind == "sales" && t % 53 != 7 {
            format!(", \"source\": \"marketing/t{}\"", (t / 4) * 4 + 1)
        } else {
            String::new()
        };
        // The loop (see `expected_loop_findings`): engineering answering a
        // request, marketing citing shipped engineering.
        if kind == "engineering" && t >= 2 && requests_feature(t - 2) && answered(t - 2) {
            source = format!(", \"parent_thread\": \"sales/t{}\"", t - 2);
        }
        if kind == "marketing" && t >= 3 && shipped(t - 3) && content_cites(t - 3) {
            source = format!(", \"parent_thread\": \"engineering/t{}\"", t - 3);
        }
        files.push((
            format!("{dir}/meta.json"),
            format!(
                "{{\n  \"id\": \"thread-{kind}-t{t}\",\n  \"type\": \"{kind}\",\n  \"status\": \"active\",\n  \"stage\": {stages},\n  \"goal_id\": \"g-goal-{goal}\",\n  \"subgoal\": \"SG{}\",\n  \"canvas_assumptions\": [\"{cited}\", \"H{h}\"]{source}\n}}\n",
                1 + rng.below(4)
            ),
        ));
        // Every tenth thread also tests A1: a widely cited assumption
        // (1,000 citing hypotheses at 10,000 threads).
        let shared = if t % 10 == 0 {
            "Tests: A1 - the shared assumption\n"
        } else {
            ""
        };
        let next = (t + 1) % threads.max(1);
        let related = if TYPES[next % 4] == "engineering" && shipped(next) && !content_cites(next) {
            String::new()
        } else {
            format!("- Related: `threads/{}/t{next}/`\n", TYPES[(t + 1) % 4])
        };
        let stage_texts = [
            format!(
                "# Stage 1: Input\n\n**Thread:** {title}\n**Type:** {kind}\n**Goal:** g-goal-{goal} (SG{}: {})\n**Created:** 2026-0{}-1{}\n\n## Observation\n\n{}. {}.\n\n## Context\n\n- {}\n- {}\n{related}",
                1 + rng.below(4), sentence(&mut rng, 3), 1 + rng.below(9), rng.below(10),
                sentence(&mut rng, 14), sentence(&mut rng, 12), sentence(&mut rng, 8), sentence(&mut rng, 8)
            ),
            format!(
                "# Stage 2: Hypothesis\n\n**Thread:** {title}\n\n## Assumption Being Tested\n\nTests: {cited} - {}\nCanvas link: 10-assumptions.md → H{h}\n{shared}\n## Hypothesis\n\nIf we {}, then {}.\n\n**Prior confidence:** {}%\n",
                sentence(&mut rng, 6), sentence(&mut rng, 6), sentence(&mut rng, 8), rng.below(100)
            ),
            format!(
                "# Stage 3: Implication\n\n**Thread:** {title}\n\n| Metric | Current | Projected |\n|---|---|---|\n| {} | {} | {} |\n| {} | {} | {} |\n\n**Revenue impact:** {}\n",
                rng.pick(WORDS), rng.below(100), rng.below(100), rng.pick(WORDS), rng.below(100), rng.below(100), sentence(&mut rng, 10)
            ),
            format!(
                "# Stage 4: Decision\n\n**Thread:** {title}\n\n## Decision\n\n**{}** with {}.\n\n## Approval\n\n- **Impact score:** 0.{}\n- **Approved by:** Dana Ortiz\n",
                {
                    let picked = rng.pick(VERDICTS);
                    if kind == "engineering" && shipped(t) { "BUILD" } else { picked }
                },
                sentence(&mut rng, 6),
                10 + rng.below(89)
            ),
            format!(
                "# Stage 5: Actions\n\n- [x] {}:{} - {}\n- [x] {}\n- [ ] {}\n\n| Date | Action | Outcome |\n|---|---|---|\n| 2026-02-0{} | {} | done |\n",
                kind, rng.pick(WORDS), sentence(&mut rng, 6), sentence(&mut rng, 7), sentence(&mut rng, 7), 1 + rng.below(9), rng.pick(WORDS)
            ),
            format!(
                "# Stage 6: Learning\n\n**Thread:** {title}\n\n## Hypothesis Validation\n\n**Status:** ✅ VALIDATED\n\n## Canvas Updates\n\n- 10-assumptions.md → {cited}: confidence {}%\n\n## Follow-up Actions\n\n- [ ] {}\n- [ ] {}\n{}",
                rng.below(100),
                sentence(&mut rng, 7),
                sentence(&mut rng, 7),
                if kind == "sales" && requests_feature(t) {
                    "- [ ] The pilot asked for a bank-feed integration\n"
                } else {
                    ""
                }
            ),
        ];
        for (i, mut text) in stage_texts.into_iter().enumerate() {
            let missing_three = stages == 4 && i == 2 && t % 2 == 1;
            if i < stages && !missing_three {
                // Notes give files the size of real stage files (the
                // reference workload: 10,000 threads, about 38 MB).
                let _ = write!(
                    text,
                    "\n## Notes\n\n{}. {}.\n",
                    sentence(&mut rng, 22),
                    sentence(&mut rng, 18)
                );
                files.push((
                    format!(
                        "{dir}/{}",
                        crate::facts::paths::stage_file_name(i as u8 + 1)
                    ),
                    text,
                ));
            }
        }
    }
    files
}

/// Writes a generated workspace under `root` (which must not exist or be
/// empty). Returns the number of files and bytes written.
pub fn write_workspace(
    root: &std::path::Path,
    threads: usize,
    seed: u64,
) -> std::io::Result<(usize, u64)> {
    let files = workspace(threads, seed);
    let mut bytes = 0u64;
    for (path, text) in &files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, text)?;
        bytes += text.len() as u64;
    }
    Ok((files.len(), bytes))
}
