//! `meta-invalid`, `file-encoding`, `file-too-large` and `config-invalid`:
//! problems found while reading and lowering the file itself.

use super::{Context, Diagnostic};
use crate::rules::default_severity;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for problem in &context.file.facts.problems {
        out.push(Diagnostic {
            code: problem.code,
            severity: problem
                .severity
                .unwrap_or_else(|| default_severity(problem.code)),
            range: problem.range.clone(),
            message: problem.message.clone(),
            related: std::sync::Arc::new([]),
            data: super::Data::None,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn meta_json_errors_and_empty_file() {
        let found = check(
            r#"//- /threads/sales/a/meta.json

//- /threads/sales/b/meta.json
{"type": "sales",, }
//- /threads/sales/c/meta.json
{"type": "sales", "source": "outbound"}
"#,
            "meta-invalid",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("threads/sales/a/meta.json:0:0-0:0 warning"),
            "{}",
            found[0]
        );
        assert!(
            found[1].starts_with("threads/sales/b/meta.json:0:17-0:18 error"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn frontmatter_and_metadata_yaml_errors() {
        let found = check(
            r#"//- /threads/marketing/x/metadata.yaml
source: [a, b
status: x
//- /threads/marketing/x/1-input.md
---
thread: [oops
---
# Stage 1: Input
"#,
            "meta-invalid",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains("1-input.md:") && found[0].contains("frontmatter is not valid YAML"),
            "{}",
            found[0]
        );
        assert!(
            found[1].contains("metadata.yaml is not valid YAML"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn well_formed_metadata_is_quiet() {
        let found = check(
            r#"//- /threads/sales/a/meta.json
{"type": "sales"}
//- /threads/sales/a/1-input.md
---
source: outbound
---
# Stage 1: Input
"#,
            "meta-invalid",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn bad_config_file() {
        let found = check(
            r#"//- /leanos.toml
[rules]
link-broken = "loud"
"#,
            "config-invalid",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("leanos.toml:1:14-1:20 error"),
            "{}",
            found[0]
        );
    }
}
