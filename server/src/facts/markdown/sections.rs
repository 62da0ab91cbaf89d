//! The heading path above a line, and what its headings say the line is
//! in: an assumptions section, a Canvas-updates block, a goal's Canvas
//! links, a decision. Collectors read a line differently by section
//! (leanos-formats.md §2.6, §8.1 item 7, §3.8, §5.2).

/// What the headings on a path mention. A heading mentions a word when its
/// lower-cased text contains it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Section {
    /// `assumption` or `hypothes` (`## Assumptions`, `## New Hypotheses`).
    pub assumptions: bool,
    /// `canvas update` (`## Canvas Updates Applied`).
    pub canvas_updates: bool,
    /// `canvas link` (a goal's `## Canvas Links`).
    pub canvas_links: bool,
    /// `decision` or `verdict`.
    decision: bool,
    /// `alternative` (`## Alternatives Considered` is no decision).
    alternative: bool,
    /// `follow-up`, `follow up`, `next action`, `next step` or `new
    /// thread` (a learning's `## Follow-up Actions`, `### New Threads
    /// Generated`, leanos-formats.md §3.6).
    pub follow_up: bool,
}

impl Section {
    fn of_heading(content: &str) -> Section {
        let lower = content.to_lowercase();
        Section {
            assumptions: lower.contains("assumption") || lower.contains("hypothes"),
            canvas_updates: lower.contains("canvas update"),
            canvas_links: lower.contains("canvas link"),
            decision: lower.contains("decision") || lower.contains("verdict"),
            alternative: lower.contains("alternative"),
            follow_up: [
                "follow-up",
                "follow up",
                "next action",
                "next step",
                "new thread",
            ]
            .iter()
            .any(|w| lower.contains(w)),
        }
    }

    fn and(self, other: Section) -> Section {
        Section {
            assumptions: self.assumptions || other.assumptions,
            canvas_updates: self.canvas_updates || other.canvas_updates,
            canvas_links: self.canvas_links || other.canvas_links,
            decision: self.decision || other.decision,
            alternative: self.alternative || other.alternative,
            follow_up: self.follow_up || other.follow_up,
        }
    }

    /// A heading on the path names a decision or verdict and none names
    /// alternatives.
    pub fn is_decision(self) -> bool {
        self.decision && !self.alternative
    }
}

/// The open headings, outermost first: each with its level (1..=6) and
/// what it and the headings above it mention.
#[derive(Debug, Default)]
pub(super) struct Sections {
    path: Vec<(u8, Section)>,
}

impl Sections {
    /// Enters a heading of `level` whose text is `content`: it closes the
    /// open headings of the same or a deeper level.
    pub fn enter(&mut self, level: u8, content: &str) {
        while self.path.last().is_some_and(|(l, _)| *l >= level) {
            self.path.pop();
        }
        let section = Section::of_heading(content).and(self.current());
        self.path.push((level, section));
    }

    /// What the whole path mentions: the section a line below the last
    /// heading is in.
    pub fn current(&self) -> Section {
        self.path.last().map(|(_, s)| *s).unwrap_or_default()
    }

    /// What the path without its innermost heading mentions: the section a
    /// heading just entered stands in.
    pub fn parents(&self) -> Section {
        match self.path.len() {
            0 | 1 => Section::default(),
            n => self.path[n - 2].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enters each `(level, text)` heading and returns the path's sections.
    fn after(headings: &[(u8, &str)]) -> Sections {
        let mut sections = Sections::default();
        for (level, content) in headings {
            sections.enter(*level, content);
        }
        sections
    }

    #[test]
    fn a_heading_closes_its_siblings_and_their_children() {
        let sections = after(&[
            (1, "Stage 6: Learning"),
            (2, "Canvas Updates Applied"),
            (3, "A4: Brand preferences"),
            (2, "Outcome"),
        ]);
        assert_eq!(sections.current(), Section::default());
        let sections = after(&[(1, "Learning"), (2, "Canvas Updates"), (3, "Section 10")]);
        assert!(sections.current().canvas_updates);
        assert!(sections.parents().canvas_updates);
        let sections = after(&[(1, "Learning"), (2, "CANVAS UPDATES")]);
        assert!(sections.current().canvas_updates);
        assert!(!sections.parents().canvas_updates);
    }

    #[test]
    fn alternatives_are_no_decision() {
        assert!(after(&[(1, "Decision"), (2, "Rationale")])
            .current()
            .is_decision());
        assert!(after(&[(2, "Verdict")]).current().is_decision());
        assert!(!after(&[(1, "Decision"), (2, "Alternatives considered")])
            .current()
            .is_decision());
    }

    #[test]
    fn sections_by_name() {
        let section = after(&[(2, "New Hypotheses")]).current();
        assert!(section.assumptions && !section.canvas_links);
        let section = after(&[(2, "Canvas Links")]).current();
        assert!(section.canvas_links && !section.assumptions);
    }
}
