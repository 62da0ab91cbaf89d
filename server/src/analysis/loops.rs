//! The three-way loop LeanOS closes (its `docs/integration/sales-marketing-loop.md`,
//! leanos-formats.md §4.4 and §6.2): a sales or business learning asks
//! engineering for a feature (Sales → Engineering), a completed
//! engineering thread lands in `09-solution.md` and becomes marketing
//! content (Engineering → Marketing), and content brings deals whose
//! `source` names it (Marketing → Sales). This module answers, for one
//! thread, where the loop through it holds or breaks; the three `loop-*`
//! diagnostics, `leanos-lsp loop`, the loop page and the attribution
//! hover all read it. Which thread names which is [`lineage`]'s model.

use std::collections::BTreeSet;

use crate::analysis::drift::{abandoned, solution_entries};
use crate::analysis::lineage::{edges_from, edges_into, EdgeKind};
use crate::analysis::thread::{thread_info, ThreadInfo};
use crate::facts::solution::{feature_key, SolutionEntry};
use crate::facts::{FeatureRequest, VerdictClass};
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

/// What a thread is in the loop, by its folder (and a `sales-campaign`
/// type in its metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A sales thread that is no campaign: a deal.
    SalesDeal,
    /// A sales campaign (`sales/campaigns/…`).
    SalesCampaign,
    /// A business thread.
    Business,
    /// An engineering thread.
    Engineering,
    /// A marketing thread that is no campaign: a piece of content.
    MarketingContent,
    /// A marketing campaign (`marketing/campaigns/…`).
    MarketingCampaign,
    /// Any other thread (operations, research, …).
    Other,
}

impl Role {
    /// The role of a thread.
    pub fn of(info: &ThreadInfo) -> Role {
        match (info.thread_type.as_str(), info.campaign) {
            ("sales", false) => Role::SalesDeal,
            ("sales", true) => Role::SalesCampaign,
            ("business", _) => Role::Business,
            ("engineering", _) => Role::Engineering,
            ("marketing", false) => Role::MarketingContent,
            ("marketing", true) => Role::MarketingCampaign,
            _ => Role::Other,
        }
    }

    /// The word JSON output and the loop page use.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SalesDeal => "sales",
            Role::SalesCampaign => "sales-campaign",
            Role::Business => "business",
            Role::Engineering => "engineering",
            Role::MarketingContent => "marketing",
            Role::MarketingCampaign => "marketing-campaign",
            Role::Other => "other",
        }
    }

    /// A sales or business thread: its learnings' feature requests go to
    /// engineering.
    pub fn requests_features(self) -> bool {
        matches!(self, Role::SalesDeal | Role::SalesCampaign | Role::Business)
    }

    /// A marketing thread, content or campaign.
    pub fn is_marketing(self) -> bool {
        matches!(self, Role::MarketingContent | Role::MarketingCampaign)
    }

    /// A sales thread, deal or campaign.
    pub fn is_sales(self) -> bool {
        matches!(self, Role::SalesDeal | Role::SalesCampaign)
    }
}

/// A thread's learning when it has one with content: its stage 6 (or
/// legacy 7) file, not empty. An empty learning is a placeholder the
/// framework's templates commit (leanos-formats.md §3.2), not a stage
/// reached.
pub fn learning(info: &ThreadInfo) -> Option<&std::sync::Arc<FileData>> {
    info.stage_file(6).filter(|f| !f.facts.empty)
}

/// The role of thread folder `dir`.
pub fn role_of(snapshot: &Snapshot, dir: &str) -> Role {
    Role::of(&thread_info(snapshot, dir))
}

/// Why a thread has stopped, and where that is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// `its decision is DEFER`, `its metadata says completed but it has no
    /// stage 6`.
    pub reason: String,
    pub file: String,
    pub range: ByteRange,
}

/// Whether a thread has stopped short of shipping (SPEC §2
/// `loop-feature-not-built`): its decision defers or ends it (DEFER,
/// HOLD, KILL, DECLINE, …), or its metadata says `completed` while it has
/// no stage 6.
pub fn stopped(info: &ThreadInfo) -> Option<Stop> {
    if let Some(decision) = info.stage_file(4) {
        if let Some(verdict) = &decision.facts.verdict {
            if matches!(verdict.class, VerdictClass::Stop | VerdictClass::Defer) {
                return Some(Stop {
                    reason: format!("its decision is {}", verdict.word),
                    file: decision.path.to_string(),
                    range: verdict.range.clone(),
                });
            }
        }
    }
    if learning(info).is_none() {
        let meta = info.meta_file.as_ref()?;
        let status = meta.facts.metadata.as_deref()?.get("status")?;
        let completed = status
            .value
            .as_text()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("completed"));
        if completed {
            return Some(Stop {
                reason: "its metadata says `completed` but its stage 6 is missing or empty".into(),
                file: meta.path.to_string(),
                range: status.value_range.clone(),
            });
        }
    }
    None
}

/// The threads of `role`-satisfying roles that name thread `dir` or that
/// `dir` names, by any edge, in path order.
pub fn linked_threads(
    snapshot: &Snapshot,
    dir: &str,
    wanted: impl Fn(Role) -> bool,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let outgoing = edges_from(snapshot, dir).into_iter().map(|e| e.to);
    let incoming = edges_into(snapshot, dir).into_iter().map(|e| e.from);
    for other in outgoing.chain(incoming) {
        if !out.contains(&other) && wanted(role_of(snapshot, &other)) {
            out.insert(other);
        }
    }
    out
}

/// How a feature request's loop is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbuilt {
    /// No engineering thread names the requesting thread, nor does it
    /// name one.
    Unanswered,
    /// The request names an engineering thread that does not exist
    /// (relative to the threads folder).
    Missing(String),
    /// Every engineering thread linked to the request has stopped: each
    /// with why.
    Stopped(Vec<(String, Stop)>),
}

/// A feature request of a learning, and the engineering threads that
/// answer it.
#[derive(Debug, Clone)]
pub struct RequestState<'a> {
    /// The learning holding the request.
    pub learning: &'a FileData,
    pub request: &'a FeatureRequest,
    /// The engineering threads answering it: the one the line names, else
    /// every engineering thread linked to the requesting thread.
    pub answered_by: Vec<String>,
    /// How the loop is broken; `None` when one of them is alive.
    pub broken: Option<Unbuilt>,
}

/// The feature requests of the learning (stage 6) of a sales or business
/// thread that is not archived, each with its state. Empty for other
/// threads.
pub fn feature_requests<'a>(snapshot: &'a Snapshot, info: &ThreadInfo) -> Vec<RequestState<'a>> {
    if info.archived || !Role::of(info).requests_features() {
        return Vec::new();
    }
    let Some(learning) = learning(info).and_then(|f| snapshot.files.get(&f.path)) else {
        return Vec::new();
    };
    if learning.facts.feature_requests.is_empty() {
        return Vec::new();
    }
    let linked = linked_threads(snapshot, &info.dir, |r| r == Role::Engineering);
    learning
        .facts
        .feature_requests
        .iter()
        .map(|request| {
            let (answered_by, missing) = match &request.thread {
                Some((named, _)) => match named_thread(snapshot, named) {
                    Some(dir) => (vec![dir], None),
                    None => (Vec::new(), Some(named.clone())),
                },
                None => (linked.iter().cloned().collect(), None),
            };
            let broken = match missing {
                Some(named) => Some(Unbuilt::Missing(named)),
                None if answered_by.is_empty() => Some(Unbuilt::Unanswered),
                None => {
                    let stops: Vec<(String, Stop)> = answered_by
                        .iter()
                        .map_while(|dir| {
                            stopped(&thread_info(snapshot, dir)).map(|s| (dir.clone(), s))
                        })
                        .collect();
                    (stops.len() == answered_by.len()).then_some(Unbuilt::Stopped(stops))
                }
            };
            RequestState {
                learning,
                request,
                answered_by,
                broken,
            }
        })
        .collect()
}

/// The thread folder a request's named path (relative to the threads
/// folder) is or is inside, if one exists there.
pub fn named_thread(snapshot: &Snapshot, named: &str) -> Option<String> {
    let mut dir = format!("{}/{named}", snapshot.config.threads_dir);
    let stop = snapshot.config.threads_dir.len();
    while dir.len() > stop {
        if snapshot.threads.contains_key(&dir) {
            return Some(dir);
        }
        dir = crate::paths::parent(&dir).to_string();
    }
    None
}

/// A thread's work completed: it has a learning with content and was not abandoned
/// (hypothesis invalidated, or a stop verdict; as `solution-missing-feature`
/// reads it).
pub fn completed(info: &ThreadInfo) -> bool {
    learning(info).is_some() && abandoned(info).is_none()
}

/// The 09 entries whose evidence leads to thread `dir`
/// ([`evidence_of`](crate::analysis::drift::evidence_of)):
/// each with the solution file holding it. Only entries that could lead
/// there are resolved ([`backed_by`](crate::analysis::drift::backed_by)).
pub fn shipped_entries<'a>(
    snapshot: &'a Snapshot,
    dir: &str,
) -> Vec<(&'a FileData, &'a SolutionEntry)> {
    let announced = crate::analysis::drift::thread_announcements(snapshot, dir);
    let mut out = Vec::new();
    for (file, _, entry) in solution_entries(snapshot) {
        if crate::analysis::drift::backed_by(snapshot, entry, dir, &announced) {
            out.push((file, entry));
        }
    }
    out
}

/// The marketing threads citing thread `dir` or one of `entries`: linked
/// to it by any edge (parent, source, related, spawned, a link), or
/// announcing an entry's feature (`09-solution.md → "Feature"`).
pub fn citing_marketing(
    snapshot: &Snapshot,
    dir: &str,
    entries: &[(&FileData, &SolutionEntry)],
) -> BTreeSet<String> {
    let mut out = linked_threads(snapshot, dir, Role::is_marketing);
    for (_, entry) in entries {
        let announcing = snapshot
            .solution_announcements
            .get(&feature_key(&entry.name))
            .into_iter()
            .flatten()
            .filter_map(|path| snapshot.files.get(&**path)?.facts.path_kind().thread());
        for thread in announcing {
            if thread != dir && role_of(snapshot, thread).is_marketing() {
                out.insert(thread.to_string());
            }
        }
    }
    out
}

/// A completed engineering thread (not archived) whose feature is in
/// 09 and that no marketing thread cites: its shipped entries. `None`
/// when the loop holds or does not apply.
pub fn content_gap<'a>(
    snapshot: &'a Snapshot,
    info: &ThreadInfo,
) -> Option<Vec<(&'a FileData, &'a SolutionEntry)>> {
    if info.archived || Role::of(info) != Role::Engineering || !completed(info) {
        return None;
    }
    let entries = shipped_entries(snapshot, &info.dir);
    if entries.is_empty() || !citing_marketing(snapshot, &info.dir, &entries).is_empty() {
        return None;
    }
    Some(entries)
}

/// The sales threads whose `source` attribution resolves to thread
/// `dir`, in path order.
pub fn attributing_sales(snapshot: &Snapshot, dir: &str) -> BTreeSet<String> {
    edges_into(snapshot, dir)
        .into_iter()
        .filter(|e| e.kind == EdgeKind::Source)
        .map(|e| e.from)
        .filter(|from| role_of(snapshot, from).is_sales())
        .collect()
}

/// How many sales deals attribute themselves to marketing content (a
/// `source` path under `marketing/`; [`crate::index::content_attribution`]).
pub fn content_attributed_deals(snapshot: &Snapshot) -> usize {
    snapshot.content_attributed.len()
}

/// A marketing content thread (not archived) that reached stage 6 and
/// that no sales thread names in `source`.
pub fn unattributed(snapshot: &Snapshot, info: &ThreadInfo) -> bool {
    !info.archived
        && Role::of(info) == Role::MarketingContent
        && learning(info).is_some()
        && attributing_sales(snapshot, &info.dir).is_empty()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    /// A closed loop (acme's request answered by bank-feed, shipped in 09,
    /// cited by the case study a deal names), a request answered by a
    /// spawned back-link (beta → sso), and content no deal names (guide).
    pub(crate) const LOOP: &str = r#"//- /strategy/canvas/09-solution.md
### Bank Feed SDK
- **Evidence:** threads/engineering/bank-feed/6-learning.md
//- /threads/sales/acme/meta.json
{"type": "sales", "source": "marketing/content/case/"}
//- /threads/sales/acme/6-learning.md
# Learning
- Acme asked for a bank-feed integration
//- /threads/engineering/bank-feed/meta.json
{"parent_thread": "sales/acme"}
//- /threads/engineering/bank-feed/6-learning.md
# Learning
//- /threads/marketing/content/case/meta.json
{"parent_thread": "engineering/bank-feed"}
//- /threads/marketing/content/case/6-learning.md
# Learning
//- /threads/sales/beta/6-learning.md
# Learning
- Pilot requirement: SSO → spawned: threads/engineering/sso/
//- /threads/engineering/sso/meta.json
{"status": "active"}
//- /threads/marketing/content/guide/6-learning.md
# Learning
"#;

    #[test]
    fn a_closed_loop_breaks_nowhere() {
        let snapshot = snapshot(LOOP);
        let info = |dir: &str| thread_info(&snapshot, dir);
        let requests = feature_requests(&snapshot, &info("threads/sales/acme"));
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].answered_by, ["threads/engineering/bank-feed"]);
        assert_eq!(requests[0].broken, None);
        assert!(content_gap(&snapshot, &info("threads/engineering/bank-feed")).is_none());
        assert!(!unattributed(
            &snapshot,
            &info("threads/marketing/content/case")
        ));
        assert!(unattributed(
            &snapshot,
            &info("threads/marketing/content/guide")
        ));
        let beta = feature_requests(&snapshot, &info("threads/sales/beta"));
        assert_eq!(beta[0].answered_by, ["threads/engineering/sso"]);
        assert_eq!(beta[0].broken, None);
        assert_eq!(content_attributed_deals(&snapshot), 1);
    }

    #[test]
    fn a_deferred_engineering_thread_has_stopped() {
        let fixture = format!(
            "{LOOP}//- /threads/engineering/bank-feed/4-decision.md\n# Decision\n**Decision:** DEFER\n"
        );
        let snapshot = snapshot(&fixture);
        let requests = feature_requests(&snapshot, &thread_info(&snapshot, "threads/sales/acme"));
        match &requests[0].broken {
            Some(Unbuilt::Stopped(stops)) => {
                assert_eq!(stops[0].0, "threads/engineering/bank-feed");
                assert_eq!(stops[0].1.reason, "its decision is DEFER");
            }
            other => panic!("{other:?}"),
        }
    }
}
