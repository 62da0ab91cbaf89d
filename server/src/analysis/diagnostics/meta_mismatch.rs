//! `meta-mismatch`: thread metadata contradicts the folder: `type` is not
//! the folder's type, `stage` is not the highest stage file present, or
//! `status: completed` without stage 6 (leanos-formats.md §4.1).
//! `business` and `operations` are one type (renamed at `8d22824`);
//! `sales-campaign` is a sales type.

use super::{Context, Data, Diagnostic};
use crate::analysis::actions::fix::fix;
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::thread::thread_info;
use crate::facts::metadata::MetaValue;
use crate::facts::paths::PathKind;

fn same_type(meta: &str, folder: &str) -> bool {
    let normal = |t: &str| match t {
        "business" => "operations".to_string(),
        "sales-campaign" => "sales".to_string(),
        "marketing-campaign" => "marketing".to_string(),
        other => other.to_string(),
    };
    normal(&meta.trim().to_ascii_lowercase()) == normal(folder)
}

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let PathKind::ThreadMeta { thread, .. } = context.file.facts.path_kind() else {
        return;
    };
    if context.archived() {
        return;
    }
    let Some(meta) = &context.file.facts.metadata else {
        return;
    };
    let info = thread_info(context.snapshot, thread);
    if let Some(field) = meta.get("type") {
        if let MetaValue::String(value) = &field.value {
            if !value.trim().is_empty() && !same_type(value, &info.thread_type) {
                out.push(context.diagnostic_with(
                    Data::MetaMismatch {
                        key: "type",
                        expected: info.thread_type.clone(),
                    },
                    "meta-mismatch",
                    field.value_range.clone(),
                    format!(
                        "`type` is `{value}` but the thread is under `{}/`",
                        info.thread_type
                    ),
                ));
            }
        }
    }
    let highest = info.highest_stage();
    if let (Some(field), Some(highest)) = (meta.get("stage"), highest) {
        let stage = match &field.value {
            MetaValue::Number(n) if n.fract() == 0.0 => Some(*n as i64),
            MetaValue::String(s) => s
                .trim()
                .split(['-', ' '])
                .next()
                .and_then(|n| n.parse::<i64>().ok()),
            _ => None,
        };
        if let Some(stage) = stage {
            if stage != i64::from(highest) {
                out.push(context.diagnostic_with(
                    Data::MetaMismatch {
                        key: "stage",
                        expected: highest.to_string(),
                    },
                    "meta-mismatch",
                    field.value_range.clone(),
                    format!(
                        "`stage` is {stage} but the highest stage file present is stage {highest}"
                    ),
                ));
            }
        }
    }
    if let Some(field) = meta.get("status") {
        if let MetaValue::String(value) = &field.value {
            if value.trim().eq_ignore_ascii_case("completed") && info.stage_file(6).is_none() {
                out.push(
                    context.diagnostic_with(
                        Data::MetaMismatch {
                            key: "status",
                            expected: "active".into(),
                        },
                        "meta-mismatch",
                        field.value_range.clone(),
                        "`status` is `completed` but the thread has no stage 6 (`6-learning.md`)"
                            .into(),
                    ),
                );
            }
        }
    }
}

/// Sets the metadata field `key` to what the folder says (`expected`).
/// The value's range excludes JSON quotes: a string stays quoted, a
/// number stays a number.
pub fn fixes(context: &Context, d: &Diagnostic, key: &str, expected: &str) -> Vec<Action> {
    vec![fix(
        format!("Set `{key}` to `{expected}`"),
        d,
        true,
        vec![FileOp::replace(
            &context.file.path,
            d.range.clone(),
            expected.to_string(),
        )],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn type_stage_and_status() {
        let found = check(
            r#"//- /threads/sales/a/meta.json
{"type": "marketing", "stage": 4, "status": "completed"}
//- /threads/sales/a/1-input.md
# Input
//- /threads/sales/a/2-hypothesis.md
# Hypothesis
//- /threads/operations/b/meta.json
{"type": "business", "stage": 2, "status": "active"}
//- /threads/operations/b/1-input.md
//- /threads/operations/b/2-hypothesis.md
//- /threads/marketing/c/metadata.yaml
type: marketing
stage: 1
status: completed
//- /threads/marketing/c/1-input.md
//- /threads/marketing/c/6-learning.md
"#,
            "meta-mismatch",
        );
        assert_eq!(
            found,
            [
                "threads/marketing/c/metadata.yaml:1:7-1:8 warning `stage` is 1 but the highest stage file present is stage 6",
                "threads/sales/a/meta.json:0:10-0:19 warning `type` is `marketing` but the thread is under `sales/`",
                "threads/sales/a/meta.json:0:31-0:32 warning `stage` is 4 but the highest stage file present is stage 2",
                "threads/sales/a/meta.json:0:45-0:54 warning `status` is `completed` but the thread has no stage 6 (`6-learning.md`)",
            ]
        );
    }

    #[test]
    fn meta_mismatch_syncs_with_the_folder() {
        let files = check_fix(
            r#"//- /threads/ops/x/meta.json
{"type": "sales", "stage": 1}
//- /threads/ops/x/1-input.md
# x
"#,
            "threads/ops/x/meta.json",
            "meta-mismatch",
            "Set `type`",
        );
        assert_eq!(
            files["threads/ops/x/meta.json"],
            "{\"type\": \"ops\", \"stage\": 1}\n"
        );
    }
}
