//! The loop page: one self-contained HTML file (inline CSS, inline SVG,
//! one inline script; nothing fetched) drawing a [`LoopReport`]: the loop
//! as a graph laid out by layout-rs (threads as boxes coloured by role,
//! edges for parent, source, related, spawned and other links, each broken
//! link drawn dashed in red to the thread that is missing), the figures of
//! each step, and the assumption board (columns by status, each card
//! linking to its entry and listing the threads testing it).
//!
//! Links point at `file://<root>/<path>` (percent-encoded); inside the
//! VS Code webview the inline script turns a click on a link, a card or a
//! graph box into an `open` message instead (`editors/vscode/src/loop.ts`).

use std::collections::BTreeMap;

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use crate::analysis::loop_report::{Break, LoopReport};

/// The most threads the graph draws (those with an edge or a break first);
/// a layered layout of thousands of boxes is unreadable and slow.
pub const MAX_GRAPH_THREADS: usize = 300;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Fill and stroke colours of a role (`Role::as_str`).
fn colours(role: &str) -> (u32, u32) {
    match role {
        "sales" => (0xdbeafe, 0x1d4ed8),
        "sales-campaign" => (0xeff6ff, 0x60a5fa),
        "business" => (0xede9fe, 0x6d28d9),
        "engineering" => (0xdcfce7, 0x15803d),
        "marketing" => (0xffedd5, 0xc2410c),
        "marketing-campaign" => (0xfff7ed, 0xfb923c),
        _ => (0xf3f4f6, 0x4b5563),
    }
}

fn rgba(rgb: u32) -> Color {
    Color::new((rgb << 8) | 0xff)
}

/// A label of at most 36 characters.
fn short(text: &str) -> String {
    if text.chars().count() <= 36 {
        text.to_string()
    } else {
        let cut: String = text.chars().take(35).collect();
        format!("{cut}…")
    }
}

/// The threads the graph draws, at most [`MAX_GRAPH_THREADS`]: those
/// where the loop breaks and the threads around them (breadth first over
/// every edge), then whole lineages (breadth first over parent, source and
/// spawned edges, from each thread in path order), then lone threads.
fn drawn(report: &LoopReport) -> Vec<usize> {
    use std::collections::{BTreeSet, VecDeque};
    let index: BTreeMap<&str, usize> = report
        .threads
        .iter()
        .enumerate()
        .map(|(i, n)| (n.path.as_str(), i))
        .collect();
    let by_name: BTreeMap<&str, usize> = report
        .threads
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let mut lineage: Vec<Vec<usize>> = vec![Vec::new(); report.threads.len()];
    let mut any: Vec<Vec<usize>> = vec![Vec::new(); report.threads.len()];
    for edge in &report.edges {
        let (Some(&a), Some(&b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        else {
            continue;
        };
        for (x, y) in [(a, b), (b, a)] {
            any[x].push(y);
            if matches!(edge.kind, "parent" | "source" | "spawned") {
                lineage[x].push(y);
            }
        }
    }
    let mut chosen = BTreeSet::new();
    let grow = |starts: Vec<usize>, adjacency: &[Vec<usize>], chosen: &mut BTreeSet<usize>| {
        let mut queue: VecDeque<usize> = starts.into_iter().collect();
        while let Some(i) = queue.pop_front() {
            if chosen.len() >= MAX_GRAPH_THREADS {
                return;
            }
            if chosen.insert(i) {
                queue.extend(adjacency[i].iter().copied().filter(|j| !chosen.contains(j)));
            }
        }
    };
    let broken_threads: Vec<usize> = broken(report)
        .iter()
        .filter_map(|b| by_name.get(b.thread.as_str()).copied())
        .collect();
    grow(broken_threads, &any, &mut chosen);
    for i in 0..report.threads.len() {
        if !lineage[i].is_empty() && !chosen.contains(&i) {
            grow(vec![i], &lineage, &mut chosen);
        }
    }
    for i in 0..report.threads.len() {
        if chosen.len() >= MAX_GRAPH_THREADS {
            break;
        }
        chosen.insert(i);
    }
    chosen.into_iter().collect()
}

/// Every break of the report, in step order.
fn broken(report: &LoopReport) -> Vec<&Break> {
    report
        .sales_to_engineering
        .broken
        .iter()
        .chain(&report.engineering_to_marketing.broken)
        .chain(&report.marketing_to_sales.broken)
        .collect()
}

/// The graph as SVG (without the XML declaration).
pub fn graph_svg(report: &LoopReport) -> String {
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let font = 14;
    let mut handles = BTreeMap::new();
    let shown = drawn(report);
    for &i in &shown {
        let node = &report.threads[i];
        let (fill, stroke) = colours(node.role);
        let look = StyleAttr::new(rgba(stroke), 2, Some(rgba(fill)), 6, font);
        let shape = ShapeKind::new_box(&short(&node.name));
        let size = get_shape_size(Orientation::LeftToRight, &shape, font, false);
        let properties = format!(
            "class=\"thread {} {}\" data-path=\"{}\"",
            escape(node.role),
            escape(node.state),
            escape(&node.path)
        );
        let element = Element::create_with_properties(
            shape,
            look,
            Orientation::LeftToRight,
            size,
            properties,
        );
        handles.insert(node.path.as_str(), graph.add_node(element));
    }
    for edge in &report.edges {
        let (Some(&from), Some(&to)) = (
            handles.get(edge.from.as_str()),
            handles.get(edge.to.as_str()),
        ) else {
            continue;
        };
        let style = match edge.kind {
            "related" | "link" => LineStyleKind::Dotted,
            _ => LineStyleKind::Normal,
        };
        let look = StyleAttr::new(rgba(0x374151), 2, None, 0, font);
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            "",
            &look,
            format!("class=\"edge {}\"", escape(edge.kind)),
            &None,
            &None,
        );
        // A child names its parent: draw parent → child.
        if matches!(edge.kind, "parent" | "source") {
            graph.add_edge(arrow, to, from);
        } else {
            graph.add_edge(arrow, from, to);
        }
    }
    let by_name: BTreeMap<&str, &str> = report
        .threads
        .iter()
        .map(|n| (n.name.as_str(), n.path.as_str()))
        .collect();
    for b in broken(report) {
        let Some(&from) = by_name
            .get(b.thread.as_str())
            .and_then(|path| handles.get(path))
        else {
            continue;
        };
        let missing = match b.code {
            "loop-feature-not-built" => match &b.other {
                Some(other) => format!("stopped or missing: {other}"),
                None => "no engineering thread".to_string(),
            },
            "loop-content-gap" => "no marketing thread".to_string(),
            _ => "no deal names it".to_string(),
        };
        let look = StyleAttr::new(rgba(0xb91c1c), 2, Some(rgba(0xfef2f2)), 6, font);
        let shape = ShapeKind::new_box(&short(&missing));
        let size = get_shape_size(Orientation::LeftToRight, &shape, font, false);
        let element = Element::create_with_properties(
            shape,
            look.clone(),
            Orientation::LeftToRight,
            size,
            format!("class=\"missing\" data-code=\"{}\"", escape(b.code)),
        );
        let to = graph.add_node(element);
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Dashed,
            "",
            &look,
            format!("class=\"edge broken\" data-code=\"{}\"", escape(b.code)),
            &None,
            &None,
        );
        graph.add_edge(arrow, from, to);
    }
    if graph.num_nodes() == 0 {
        return "<p class=\"empty\">No sales, business, engineering or marketing thread yet.</p>"
            .into();
    }
    // The layout is a library's: should it fail on some graph, the page
    // still renders, without the drawing (no user file may crash us).
    let laid_out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut svg = SVGWriter::new();
        graph.do_it(false, false, false, &mut svg);
        svg.finalize()
    }));
    match laid_out {
        Ok(text) => match text.find("<svg") {
            Some(at) => text[at..].to_string(),
            None => text,
        },
        Err(_) => "<p class=\"empty\">The graph could not be laid out; the figures below are complete.</p>".into(),
    }
}

/// Percent-encodes a file path for a `file:` URL: every byte but ASCII
/// letters, digits, `-._~/` (a Windows path's `\` becomes `/`).
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn link(root: &str, path: &str, line: Option<u32>, text: &str) -> String {
    let line_attr = line
        .map(|l| format!(" data-line=\"{l}\""))
        .unwrap_or_default();
    let root = url_path(root);
    let slash = if root.starts_with('/') { "" } else { "/" };
    format!(
        "<a href=\"file://{slash}{root}/{}\" data-path=\"{}\"{line_attr}>{}</a>",
        url_path(path),
        escape(path),
        escape(text)
    )
}

fn breaks_list(root: &str, broken: &[Break]) -> String {
    if broken.is_empty() {
        return "<p class=\"ok\">Nothing broken.</p>".into();
    }
    let items: Vec<String> = broken
        .iter()
        .map(|b| {
            format!(
                "<li><code>{}</code> {}: {}</li>",
                escape(b.code),
                link(
                    root,
                    &b.file,
                    Some(b.line),
                    &format!("{}:{}", b.file, b.line)
                ),
                escape(&b.message)
            )
        })
        .collect();
    format!("<ul class=\"broken\">{}</ul>", items.join(""))
}

/// The board's columns, in this order; other statuses follow.
const COLUMNS: [&str; 7] = [
    "no status",
    "UNTESTED",
    "TESTING",
    "PARTIAL",
    "VALIDATED",
    "INVALIDATED",
    "INCONCLUSIVE",
];

fn board(root: &str, report: &LoopReport) -> String {
    // Each thread testing an assumption links to the file it opens on.
    let files: BTreeMap<&str, &str> = report
        .threads
        .iter()
        .filter_map(|n| Some((n.name.as_str(), n.file.as_deref()?)))
        .collect();
    let mut columns: BTreeMap<usize, (String, Vec<String>)> = BTreeMap::new();
    for card in &report.assumptions {
        let order = COLUMNS
            .iter()
            .position(|c| *c == card.status)
            .unwrap_or(COLUMNS.len());
        let threads: Vec<String> = card
            .threads
            .iter()
            .map(|t| match files.get(t.as_str()) {
                Some(file) => format!("<li>{}</li>", link(root, file, None, t)),
                None => format!("<li>{}</li>", escape(t)),
            })
            .collect();
        let confidence = card
            .confidence
            .map(|c| format!(" · {c}%"))
            .unwrap_or_default();
        let html = format!(
            "<div class=\"card\"><div class=\"card-title\">{}</div><div>{}{}</div><ul>{}</ul></div>",
            link(root, &card.file, Some(card.line), &format!("{}: {}", card.id, card.title)),
            escape(&card.status),
            confidence,
            threads.join("")
        );
        columns
            .entry(order)
            .or_insert_with(|| (card.status.clone(), Vec::new()))
            .1
            .push(html);
    }
    let columns: Vec<String> = columns
        .into_values()
        .map(|(status, cards)| {
            format!(
                "<div class=\"column\"><h3>{} ({})</h3>{}</div>",
                escape(&status),
                cards.len(),
                cards.join("")
            )
        })
        .collect();
    format!("<div class=\"board\">{}</div>", columns.join(""))
}

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#111827;background:#fff}
h1{font-size:1.4em}h2{margin-top:1.6em;font-size:1.15em}
table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:.3em .6em;text-align:left}
.graph{overflow:auto;border:1px solid #e5e7eb;padding:.5em}
.legend span{display:inline-block;margin-right:1em;padding:0 .4em;border:2px solid}
.broken li{color:#991b1b}.ok{color:#166534}
.board{display:flex;gap:1em;align-items:flex-start;overflow:auto}
.column{min-width:14em;background:#f9fafb;padding:.5em;border-radius:6px}
.card{background:#fff;border:1px solid #d1d5db;border-radius:6px;padding:.4em;margin:.4em 0}
.card-title{font-weight:600}.card ul{margin:.2em 0;padding-left:1.2em;font-size:.9em}";

/// Opens links in the editor when the page is inside a VS Code webview:
/// a click on anything with a `data-path` posts `{command: "open", root,
/// path, line}` (the root is the body's `data-root`).
const SCRIPT: &str = "(function(){if(typeof acquireVsCodeApi!=='function')return;const vscode=acquireVsCodeApi();
const root=document.body.getAttribute('data-root');
document.addEventListener('click',function(e){const a=e.target.closest('[data-path]');if(!a)return;e.preventDefault();
vscode.postMessage({command:'open',root:root,path:a.getAttribute('data-path'),line:Number(a.getAttribute('data-line')||1)});});})();";

/// The figures of each step, with where it breaks.
fn steps(root: &str, report: &LoopReport) -> String {
    let mut out = String::new();
    for step in report.steps() {
        let mut rows: Vec<String> = step
            .rows
            .iter()
            .map(|(label, value)| format!("<tr><th>{label}</th><td>{}</td></tr>", escape(value)))
            .collect();
        rows.push(format!(
            "<tr><th>cycle time</th><td>{}</td></tr>",
            escape(&step.cycle.describe())
        ));
        out.push_str(&format!(
            "<h2>{}</h2>\n<table>{}</table>\n{}\n",
            step.title,
            rows.join(""),
            breaks_list(root, step.broken)
        ));
    }
    out
}

/// The page of `report`, whose workspace root is the absolute path
/// `root`.
pub fn page(report: &LoopReport, root: &str) -> String {
    let shown = drawn(report).len();
    let note = if shown < report.threads.len() {
        format!(
            "<p>The graph shows {shown} of {} threads: where the loop breaks and the threads around it first, then whole lineages.</p>",
            report.threads.len()
        )
    } else {
        String::new()
    };
    let drift: Vec<String> = report
        .canvas
        .drift
        .iter()
        .map(|(code, n)| format!("<tr><td><code>{code}</code></td><td>{n}</td></tr>"))
        .collect();
    let legend: Vec<String> = [
        "sales",
        "business",
        "engineering",
        "marketing",
        "sales-campaign",
        "marketing-campaign",
    ]
    .iter()
    .map(|role| {
        let (fill, stroke) = colours(role);
        format!("<span style=\"background:#{fill:06x};border-color:#{stroke:06x}\">{role}</span>")
    })
    .collect();
    format!(
        "<!DOCTYPE html>
<html lang=\"en\"><head><meta charset=\"utf-8\">
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">
<title>LeanOS loop: {title}</title><style>{STYLE}</style></head>
<body data-root=\"{root_attr}\">
<h1>The three-way loop of {title}</h1>
<p>{threads} threads, {edges} links between them. Sales → Engineering → Marketing → Sales; each broken link is dashed in red.</p>
<h2>Graph</h2>
<p class=\"legend\">{legend} solid: parent, source, spawned · dotted: related, link</p>
{note}<div class=\"graph\">{svg}</div>
{steps}<h2>Attribution</h2>
<p>{attribution}</p>
<h2>Canvas integrity</h2>
<table>{drift}</table>
<h2>Assumptions</h2>
{board}
<script>{SCRIPT}</script>
</body></html>
",
        title = escape(root.rsplit('/').next().unwrap_or(root)),
        root_attr = escape(root),
        threads = report.threads.len(),
        edges = report.edges.len(),
        legend = legend.join(""),
        svg = graph_svg(report),
        steps = steps(root, report),
        attribution = escape(&report.attribution.describe()),
        drift = drift.join(""),
        board = board(root, report),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_escaped_and_percent_encoded() {
        assert_eq!(
            link("/w s", "threads/a#b/<x>.md", Some(3), "a<b"),
            "<a href=\"file:///w%20s/threads/a%23b/%3Cx%3E.md\" data-path=\"threads/a#b/&lt;x&gt;.md\" data-line=\"3\">a&lt;b</a>"
        );
        assert!(link("C:\\ws", "a.md", None, "a").starts_with("<a href=\"file:///C%3A/ws/a.md\""));
    }
}
