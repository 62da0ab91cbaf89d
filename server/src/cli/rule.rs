//! `leanos-lsp rule CODE` and `rule --all`: a diagnostic code's
//! documentation page (what it finds, why it matters, an example and its
//! fixed version, the quick fix, configuration), from the registry in
//! [`crate::rules`], as markdown or JSON.

use std::io::Write;

use serde_json::{json, Value};

use crate::rules::{self, Rule, RULES};

/// How pages are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    /// The markdown page (pages separated by a blank line and `---`).
    Text,
    /// `{code, default_severity, summary, page}` (an array with `--all`).
    Json,
}

/// Prints the page of `code`, or of every code when `code` is `None`;
/// returns the exit status (2 for an unknown code, with the closest code
/// suggested on `err`).
pub fn run(
    code: Option<&str>,
    format: RuleFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let selected: Vec<&Rule> = match code {
        None => RULES.iter().collect(),
        Some(code) => match rules::rule(code) {
            Some(rule) => vec![rule],
            None => {
                let hint = rules::closest_code(code)
                    .map(|known| format!(": did you mean `{known}`?"))
                    .unwrap_or_default();
                let _ = writeln!(
                    err,
                    "leanos-lsp rule: `{code}` is not a diagnostic code{hint} (`leanos-lsp rule --all` lists them)"
                );
                return 2;
            }
        },
    };
    let written = match format {
        RuleFormat::Text => {
            let pages: Vec<&str> = selected.iter().map(|r| r.page.trim_end()).collect();
            writeln!(out, "{}", pages.join("\n\n---\n\n"))
        }
        RuleFormat::Json => {
            let values: Vec<Value> = selected.iter().map(|r| rule_json(r)).collect();
            let value = match (code, values.as_slice()) {
                (Some(_), [one]) => one.clone(),
                _ => Value::Array(values),
            };
            serde_json::to_writer_pretty(&mut *out, &value)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
    };
    if written.is_err() {
        return 2;
    }
    0
}

fn rule_json(rule: &Rule) -> Value {
    json!({
        "code": rule.code,
        "default_severity": rule.default.as_str(),
        "summary": rule.summary(),
        "page": rule.page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_to_strings(code: Option<&str>, format: RuleFormat) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(code, format, &mut out, &mut err);
        (
            status,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn one_page_all_pages_and_json() {
        let (status, out, _) = run_to_strings(Some("link-broken"), RuleFormat::Text);
        assert_eq!(status, 0);
        assert!(out.starts_with("# link-broken\n"));
        let (_, all, _) = run_to_strings(None, RuleFormat::Text);
        let titles: Vec<&str> = all
            .split("\n\n---\n\n")
            .map(|page| page.lines().next().unwrap())
            .collect();
        let expected: Vec<String> = RULES.iter().map(|r| format!("# {}", r.code)).collect();
        assert_eq!(titles, expected);
        let (_, json, _) = run_to_strings(None, RuleFormat::Json);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value.as_array().unwrap().len(), RULES.len());
        let (_, json, _) = run_to_strings(Some("stage-empty"), RuleFormat::Json);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["code"], "stage-empty");
        assert_eq!(value["default_severity"], "info");
    }

    #[test]
    fn an_unknown_code_exits_2_with_a_suggestion() {
        let (status, out, err) = run_to_strings(Some("link-brokn"), RuleFormat::Text);
        assert_eq!(status, 2);
        assert!(out.is_empty());
        assert!(err.contains("did you mean `link-broken`?"), "{err}");
    }
}
