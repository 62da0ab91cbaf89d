//! The loop's health, in the terms of LeanOS's own loop document
//! (`docs/integration/sales-marketing-loop.md`, "Metrics Tracked" and
//! "Success Indicators"): for each of Sales → Engineering, Engineering →
//! Marketing and Marketing → Sales, the threads in flight, completed and
//! stopped, where the loop breaks (the `loop-*` findings of
//! `analysis/loops.rs`, whatever their configured severity), and the
//! cycle time from a thread to the thread it spawned where both have a
//! date; attribution coverage; Canvas integrity (drift findings by code);
//! the threads and the edges between them (`analysis/lineage.rs`) and the
//! assumptions with the threads testing them. `leanos-lsp loop` prints
//! it, the loop page draws it, the `leanos.loop` command returns the page.
//!
//! The JSON form (`leanos-lsp loop --format json`) is this value
//! serialized; its keys are stable. Lines are 1-based; paths are
//! workspace paths; days are whole days between `YYYY-MM-DD` dates.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analysis::diagnostics::{anchor, file_diagnostics};
use crate::analysis::drift::{evidence_of, solution_entries, Evidence};
use crate::analysis::lineage::{edges_from, EdgeKind};
use crate::analysis::loops::{
    attributing_sales, citing_marketing, completed, content_attributed_deals, feature_requests,
    learning, stopped, unattributed, Role, Unbuilt,
};
use crate::analysis::thread::{thread_info, thread_name, thread_title, ThreadInfo};
use crate::facts::paths::PathKind;
use crate::facts::solution::SolutionEntry;
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct LoopReport {
    /// Every live thread of a loop role (sales, business, engineering,
    /// marketing), in path order.
    pub threads: Vec<Node>,
    /// Every edge between two of them, in the order of `threads`.
    pub edges: Vec<Link>,
    pub sales_to_engineering: SalesToEngineering,
    pub engineering_to_marketing: EngineeringToMarketing,
    pub marketing_to_sales: MarketingToSales,
    pub attribution: Attribution,
    pub canvas: CanvasIntegrity,
    /// The assumptions of the assumptions section, in file order.
    pub assumptions: Vec<Card>,
}

/// A thread.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Workspace path of the folder.
    pub path: String,
    /// The folder relative to the threads folder (`sales/acme`).
    pub name: String,
    /// `sales`, `sales-campaign`, `business`, `engineering`, `marketing`,
    /// `marketing-campaign`.
    pub role: &'static str,
    pub title: String,
    /// The stages present (1..=6).
    pub stages: Vec<u8>,
    /// `in-flight`, `completed` or `stopped`.
    pub state: &'static str,
    /// `YYYY-MM-DD` when the thread states when it was created.
    pub created: Option<String>,
    /// The file the thread opens on (its lowest stage, else metadata).
    pub file: Option<String>,
}

/// An edge between two threads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// `parent`, `source`, `related`, `spawned` or `link`.
    pub kind: &'static str,
}

/// Where the loop breaks: one `loop-*` finding.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    /// `loop-feature-not-built`, `loop-content-gap` or `loop-no-attribution`.
    pub code: &'static str,
    /// The thread it is about, and the file and 1-based line it is on.
    pub thread: String,
    pub file: String,
    pub line: u32,
    pub message: String,
    /// The thread at the other end, when there is one (the stopped or
    /// missing engineering thread).
    pub other: Option<String>,
}

/// Cycle times of one step: parent → child pairs with both dates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cycle {
    /// How many pairs have both dates.
    pub pairs: usize,
    /// The median of their days, when there is a pair.
    pub median_days: Option<f64>,
    /// Each pair: `(parent, child, days)`.
    pub each: Vec<(String, String, i64)>,
}

/// Sales → Engineering: requests in sales and business learnings, and the
/// engineering threads answering them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SalesToEngineering {
    /// Feature requests in live sales and business learnings.
    pub requests: usize,
    /// Of them, answered by an engineering thread that has not stopped.
    pub answered: usize,
    /// Engineering threads linked to a sales or business thread, by state.
    pub in_flight: usize,
    pub completed: usize,
    pub stopped: usize,
    pub cycle: Cycle,
    pub broken: Vec<Break>,
}

/// Engineering → Marketing: shipped features and the content citing them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EngineeringToMarketing {
    /// Completed engineering threads with a 09 entry.
    pub shipped: usize,
    /// Of them, cited by a marketing thread.
    pub cited: usize,
    /// Marketing threads linked to an engineering thread, by state.
    pub in_flight: usize,
    pub completed: usize,
    pub cycle: Cycle,
    pub broken: Vec<Break>,
}

/// Marketing → Sales: content and the deals naming it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MarketingToSales {
    /// Marketing content threads (no campaigns), and those past stage 6.
    pub content: usize,
    pub content_completed: usize,
    /// Content threads some sales thread names in `source`.
    pub attributed: usize,
    /// Sales deals whose `source` resolves to a marketing thread, by state.
    pub in_flight: usize,
    pub completed: usize,
    pub cycle: Cycle,
    pub broken: Vec<Break>,
}

/// How deals record where they came from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attribution {
    /// Live sales deals (no campaigns).
    pub deals: usize,
    /// Of them, with any `source` (`outbound` included).
    pub with_source: usize,
    /// With a `source` path under `marketing/`.
    pub citing_content: usize,
    /// Whose `source` resolves to a marketing thread.
    pub resolved: usize,
    /// Whose content thread is itself linked to an engineering thread.
    pub traced_to_engineering: usize,
}

/// Canvas drift: the findings of the drift rules, by code.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CanvasIntegrity {
    pub drift: BTreeMap<&'static str, usize>,
}

/// An assumption on the board.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub title: String,
    /// The status word (`VALIDATED`, `TESTING`, `INVALIDATED`, …), or
    /// `no status`.
    pub status: String,
    /// Percent, when given.
    pub confidence: Option<u8>,
    pub file: String,
    pub line: u32,
    /// The threads citing it, in path order.
    pub threads: Vec<String>,
}

/// One step of the loop as the human summary and the page show it: its
/// title, its figures as `(label, value)` rows, its cycle time and where
/// it breaks.
pub struct StepView<'a> {
    pub title: &'static str,
    pub rows: Vec<(&'static str, String)>,
    pub cycle: &'a Cycle,
    pub broken: &'a [Break],
}

impl LoopReport {
    /// The three steps, in loop order.
    pub fn steps(&self) -> [StepView<'_>; 3] {
        let (s, e, m) = (
            &self.sales_to_engineering,
            &self.engineering_to_marketing,
            &self.marketing_to_sales,
        );
        [
            StepView {
                title: "Sales → Engineering",
                rows: vec![
                    (
                        "requests",
                        format!(
                            "{} in sales and business learnings, {} answered",
                            s.requests, s.answered
                        ),
                    ),
                    (
                        "engineering",
                        format!(
                            "{} in flight, {} completed, {} stopped",
                            s.in_flight, s.completed, s.stopped
                        ),
                    ),
                ],
                cycle: &s.cycle,
                broken: &s.broken,
            },
            StepView {
                title: "Engineering → Marketing",
                rows: vec![
                    (
                        "shipped",
                        format!(
                            "{} completed engineering threads in 09-solution.md, {} cited by marketing",
                            e.shipped, e.cited
                        ),
                    ),
                    (
                        "marketing",
                        format!("{} in flight, {} completed", e.in_flight, e.completed),
                    ),
                ],
                cycle: &e.cycle,
                broken: &e.broken,
            },
            StepView {
                title: "Marketing → Sales",
                rows: vec![
                    (
                        "content",
                        format!(
                            "{} threads, {} past stage 6, {} named by a deal",
                            m.content, m.content_completed, m.attributed
                        ),
                    ),
                    (
                        "deals",
                        format!("{} in flight, {} completed", m.in_flight, m.completed),
                    ),
                ],
                cycle: &m.cycle,
                broken: &m.broken,
            },
        ]
    }
}

impl Cycle {
    /// "7 days (median of 3 pairs)", or "no pair with both dates".
    pub fn describe(&self) -> String {
        let Some(days) = self.median_days else {
            return "no pair with both dates".into();
        };
        let days = if days.fract() == 0.0 {
            format!("{days:.0} days")
        } else {
            format!("{days:.1} days")
        };
        let pairs = if self.pairs == 1 { "pair" } else { "pairs" };
        format!("{days} (median of {} {pairs})", self.pairs)
    }
}

impl Attribution {
    /// "3 deals: 2 with a source, …".
    pub fn describe(&self) -> String {
        format!(
            "{} deals: {} with a source, {} citing content, {} resolving to a content thread, {} traced to engineering",
            self.deals, self.with_source, self.citing_content, self.resolved, self.traced_to_engineering
        )
    }
}

/// The drift codes Canvas integrity counts.
pub const DRIFT_CODES: [&str; 4] = [
    "solution-missing-feature",
    "solution-stale-entry",
    "learning-not-applied",
    "learning-no-canvas-update",
];

/// The 1-based line of byte `offset` of `file`.
fn line_of(file: &FileData, offset: u32) -> u32 {
    file.line_index.line_of(offset) + 1
}

/// The date a thread states it was created: `created` (or `date`) in its
/// metadata or stage 1 frontmatter, a `**Created:** YYYY-MM-DD` line in
/// stage 1, or a folder name starting `YYYY-MM-DD`.
pub fn created(info: &ThreadInfo) -> Option<String> {
    let from_meta = |meta: Option<&crate::facts::metadata::Metadata>| {
        meta.and_then(|m| m.text("created").or_else(|| m.text("date")))
            .and_then(|t| date_prefix(t.trim()))
    };
    let input = info.stage_file(1);
    from_meta(info.metadata())
        .or_else(|| from_meta(input.and_then(|f| f.facts.frontmatter.as_deref())))
        .or_else(|| {
            let text = input?.text();
            let at = text.find("**Created:**")?;
            date_prefix(text[at + "**Created:**".len()..].trim_start())
        })
        .or_else(|| date_prefix(crate::paths::file_name(&info.dir)))
}

/// The `YYYY-MM-DD` a text starts with, if it is a date.
fn date_prefix(text: &str) -> Option<String> {
    let prefix = text.get(..10)?;
    prefix
        .parse::<jiff::civil::Date>()
        .ok()
        .map(|_| prefix.to_string())
}

/// Whole days from `from` to `to` (`YYYY-MM-DD`).
fn days_between(from: &str, to: &str) -> Option<i64> {
    let from: jiff::civil::Date = from.parse().ok()?;
    let to: jiff::civil::Date = to.parse().ok()?;
    let span = from.until((jiff::Unit::Day, to)).ok()?;
    Some(i64::from(span.get_days()))
}

fn cycle(pairs: Vec<(String, String, i64)>) -> Cycle {
    let mut days: Vec<i64> = pairs.iter().map(|(_, _, d)| *d).collect();
    days.sort_unstable();
    let median_days = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    Cycle {
        pairs: pairs.len(),
        median_days,
        each: pairs,
    }
}

/// A thread's state: stopped, completed or in flight.
fn state(info: &ThreadInfo) -> &'static str {
    if stopped(info).is_some() {
        "stopped"
    } else if completed(info) {
        "completed"
    } else {
        "in-flight"
    }
}

fn break_at(
    snapshot: &Snapshot,
    code: &'static str,
    thread: &str,
    file: &FileData,
    range: &ByteRange,
    message: String,
    other: Option<String>,
) -> Break {
    Break {
        code,
        thread: thread_name(snapshot, thread).to_string(),
        file: file.path.to_string(),
        line: line_of(file, range.start),
        message,
        other,
    }
}

/// Builds the report of the workspace `snapshot` holds.
pub fn loop_report(snapshot: &Snapshot) -> LoopReport {
    let clock = std::time::Instant::now();
    let lap =
        |what: &str| tracing::debug!(what, ms = clock.elapsed().as_millis() as u64, "loop report");
    let infos: BTreeMap<String, ThreadInfo> = snapshot
        .threads
        .keys()
        .map(|dir| (dir.clone(), thread_info(snapshot, dir)))
        .filter(|(_, info)| !info.archived && Role::of(info) != Role::Other)
        .collect();
    let role = |dir: &str| infos.get(dir).map(Role::of);
    let threads: Vec<Node> = infos
        .values()
        .map(|info| Node {
            path: info.dir.clone(),
            name: thread_name(snapshot, &info.dir).to_string(),
            role: Role::of(info).as_str(),
            title: thread_title(info),
            stages: info.present(),
            state: state(info),
            created: created(info),
            file: crate::analysis::thread::thread_entry_file(snapshot, &info.dir),
        })
        .collect();
    let mut edges = BTreeSet::new();
    let mut parents: Vec<(String, String)> = Vec::new();
    for dir in infos.keys() {
        for edge in edges_from(snapshot, dir) {
            if !infos.contains_key(&edge.to) {
                continue;
            }
            // A child names its parent; a spawned back-link is written in
            // the parent.
            match edge.kind {
                EdgeKind::Parent | EdgeKind::Source => {
                    parents.push((edge.to.clone(), edge.from.clone()))
                }
                EdgeKind::Spawned => parents.push((edge.from.clone(), edge.to.clone())),
                _ => {}
            }
            edges.insert(Link {
                from: edge.from,
                to: edge.to,
                kind: edge.kind.as_str(),
            });
        }
    }
    parents.sort();
    parents.dedup();
    lap("threads and edges");
    let pairs = |from: &dyn Fn(Role) -> bool, to: &dyn Fn(Role) -> bool| {
        let dated = |dir: &str| infos.get(dir).and_then(created);
        let each: Vec<(String, String, i64)> = parents
            .iter()
            .filter(|(p, c)| role(p).is_some_and(from) && role(c).is_some_and(to))
            .filter_map(|(p, c)| {
                let days = days_between(&dated(p)?, &dated(c)?)?;
                Some((
                    thread_name(snapshot, p).to_string(),
                    thread_name(snapshot, c).to_string(),
                    days,
                ))
            })
            .collect();
        cycle(each)
    };

    // Sales → Engineering.
    let mut s2e = SalesToEngineering::default();
    let mut answering = BTreeSet::new();
    for info in infos.values().filter(|i| Role::of(i).requests_features()) {
        for state in feature_requests(snapshot, info) {
            s2e.requests += 1;
            answering.extend(state.answered_by.iter().cloned());
            let range = &state.request.range;
            let (message, other) = match &state.broken {
                None => {
                    s2e.answered += 1;
                    continue;
                }
                Some(Unbuilt::Unanswered) => (
                    format!("no engineering thread answers \"{}\"", state.request.text),
                    None,
                ),
                Some(Unbuilt::Missing(named)) => (
                    format!("requests `{named}`, which does not exist"),
                    Some(named.clone()),
                ),
                Some(Unbuilt::Stopped(stops)) => {
                    let (dir, stop) = &stops[0];
                    let name = thread_name(snapshot, dir).to_string();
                    (format!("`{name}` stopped: {}", stop.reason), Some(name))
                }
            };
            s2e.broken.push(break_at(
                snapshot,
                "loop-feature-not-built",
                &info.dir,
                state.learning,
                range,
                message,
                other,
            ));
        }
        for dir in
            crate::analysis::loops::linked_threads(snapshot, &info.dir, |r| r == Role::Engineering)
        {
            answering.insert(dir);
        }
    }
    for dir in &answering {
        match infos.get(dir).map(state) {
            Some("stopped") => s2e.stopped += 1,
            Some("completed") => s2e.completed += 1,
            Some(_) => s2e.in_flight += 1,
            None => {}
        }
    }
    s2e.cycle = pairs(&Role::requests_features, &|r| r == Role::Engineering);
    lap("sales to engineering");

    // Engineering → Marketing. The 09 entries by the thread their evidence
    // leads to, once (not per thread).
    let mut shipped: BTreeMap<String, Vec<(&FileData, &SolutionEntry)>> = BTreeMap::new();
    for (file, _, entry) in solution_entries(snapshot) {
        if let Evidence::Thread(dir) = evidence_of(snapshot, entry) {
            shipped.entry(dir).or_default().push((file, entry));
        }
    }
    let mut e2m = EngineeringToMarketing::default();
    let mut citing = BTreeSet::new();
    for info in infos.values().filter(|i| Role::of(i) == Role::Engineering) {
        citing.extend(crate::analysis::loops::linked_threads(
            snapshot,
            &info.dir,
            Role::is_marketing,
        ));
        let Some(entries) = shipped.get(&info.dir).filter(|_| completed(info)) else {
            continue;
        };
        e2m.shipped += 1;
        let cites = citing_marketing(snapshot, &info.dir, entries);
        if !cites.is_empty() {
            e2m.cited += 1;
            citing.extend(cites);
            continue;
        }
        // The loop-content-gap finding (`loops::content_gap`).
        if let Some(file) = learning(info) {
            let names: Vec<String> = entries
                .iter()
                .map(|(_, e)| format!("\"{}\"", e.name))
                .collect();
            e2m.broken.push(break_at(
                snapshot,
                "loop-content-gap",
                &info.dir,
                file,
                &anchor(file),
                format!(
                    "shipped {} and no marketing thread cites it",
                    names.join(", ")
                ),
                None,
            ));
        }
    }
    for dir in &citing {
        match infos.get(dir).map(state) {
            Some("completed") => e2m.completed += 1,
            Some(_) => e2m.in_flight += 1,
            None => {}
        }
    }
    e2m.cycle = pairs(&|r| r == Role::Engineering, &Role::is_marketing);
    lap("engineering to marketing");

    // Marketing → Sales.
    let mut m2s = MarketingToSales::default();
    let mut deals_from_content = BTreeSet::new();
    for info in infos.values().filter(|i| Role::of(i).is_marketing()) {
        let deals = attributing_sales(snapshot, &info.dir);
        deals_from_content.extend(deals.iter().cloned());
        if Role::of(info) != Role::MarketingContent {
            continue;
        }
        m2s.content += 1;
        if learning(info).is_some() {
            m2s.content_completed += 1;
        }
        if !deals.is_empty() {
            m2s.attributed += 1;
        }
        if unattributed(snapshot, info) {
            if let Some(file) = learning(info) {
                m2s.broken.push(break_at(
                    snapshot,
                    "loop-no-attribution",
                    &info.dir,
                    file,
                    &anchor(file),
                    "reached stage 6 and no sales thread names it in `source`".into(),
                    None,
                ));
            }
        }
    }
    for dir in &deals_from_content {
        match infos.get(dir).map(state) {
            Some("completed") => m2s.completed += 1,
            Some(_) => m2s.in_flight += 1,
            None => {}
        }
    }
    m2s.cycle = pairs(&Role::is_marketing, &Role::is_sales);
    lap("marketing to sales");

    // Attribution.
    let mut attribution = Attribution {
        citing_content: content_attributed_deals(snapshot),
        ..Attribution::default()
    };
    for info in infos.values().filter(|i| Role::of(i) == Role::SalesDeal) {
        attribution.deals += 1;
        let has_source = |meta: Option<&crate::facts::metadata::Metadata>| {
            meta.is_some_and(|m| m.text("source").is_some() || m.text("lead_source").is_some())
        };
        if has_source(info.metadata())
            || has_source(
                info.stage_file(1)
                    .and_then(|f| f.facts.frontmatter.as_deref()),
            )
        {
            attribution.with_source += 1;
        }
        let content: Vec<String> = crate::analysis::lineage::parents(snapshot, &info.dir)
            .into_keys()
            .filter(|p| role(p).is_some_and(Role::is_marketing))
            .collect();
        if !content.is_empty() {
            attribution.resolved += 1;
            let traced = content.iter().any(|m| {
                !crate::analysis::loops::linked_threads(snapshot, m, |r| r == Role::Engineering)
                    .is_empty()
            });
            if traced {
                attribution.traced_to_engineering += 1;
            }
        }
    }

    lap("attribution");
    let canvas = canvas_integrity(snapshot);
    lap("canvas integrity");
    LoopReport {
        threads,
        edges: edges.into_iter().collect(),
        sales_to_engineering: s2e,
        engineering_to_marketing: e2m,
        marketing_to_sales: m2s,
        attribution,
        canvas,
        assumptions: cards(snapshot),
    }
}

/// The drift findings of the files they are reported on (learnings and
/// Canvas sections 09 and 10), by code.
fn canvas_integrity(snapshot: &Snapshot) -> CanvasIntegrity {
    use rayon::prelude::*;
    let files: Vec<&smol_str::SmolStr> = snapshot
        .files
        .iter()
        .filter(|(_, file)| match file.facts.path_kind() {
            PathKind::Stage { number, .. } => matches!(number, 6 | 7),
            PathKind::Canvas { number, .. } => matches!(number, 9 | 10),
            _ => false,
        })
        .map(|(path, _)| path)
        .collect();
    let found: Vec<&'static str> = files
        .par_iter()
        .flat_map_iter(|path| {
            file_diagnostics(snapshot, path)
                .into_iter()
                .map(|d| d.code)
                .filter(|code| DRIFT_CODES.contains(code))
        })
        .collect();
    let mut drift: BTreeMap<&'static str, usize> = DRIFT_CODES.iter().map(|c| (*c, 0)).collect();
    for code in found {
        *drift.entry(code).or_default() += 1;
    }
    CanvasIntegrity { drift }
}

/// The assumption board: every entry of the assumptions section with the
/// threads citing it.
fn cards(snapshot: &Snapshot) -> Vec<Card> {
    let mut out = Vec::new();
    for file in snapshot.files_in(snapshot.canvas.get(&10)) {
        for entry in &file.facts.entries {
            let mut threads: Vec<String> = snapshot
                .files_in(snapshot.assumption_refs.get(&entry.id))
                .filter_map(|f| f.facts.path_kind().thread())
                .map(|t| thread_name(snapshot, t).to_string())
                .collect();
            threads.sort();
            threads.dedup();
            out.push(Card {
                id: entry.id.clone(),
                title: entry.title.clone(),
                status: entry.status.map_or("no status", |s| s.as_str()).to_string(),
                confidence: entry.confidence,
                file: file.path.to_string(),
                line: line_of(file, entry.range.start),
                threads,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_days() {
        assert_eq!(date_prefix("2026-01-08T10:00"), Some("2026-01-08".into()));
        assert_eq!(date_prefix("2026-13-08"), None);
        assert_eq!(date_prefix("2026-03-cpa-webinar"), None);
        assert_eq!(days_between("2026-01-28", "2026-02-03"), Some(6));
        let c = cycle(vec![
            ("a".into(), "b".into(), 4),
            ("a".into(), "c".into(), 10),
        ]);
        assert_eq!(c.median_days, Some(7.0));
    }
}
