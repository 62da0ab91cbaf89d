//! The fuzz targets' shared code: the checks (`harness/`, also compiled
//! into the server's regression test) and the decoding of fuzzer bytes
//! into structured inputs ([`generate`]).

#[path = "../harness/mod.rs"]
pub mod harness;

pub mod generate;

/// Writes `value` as JSON to the file named by `LEANOS_FUZZ_DUMP`, when
/// that variable is set: how a crash's decoded input becomes a regression
/// fixture (see `fuzz/README.md`).
pub fn dump<T: serde::Serialize>(value: &T) {
    if let Some(path) = std::env::var_os("LEANOS_FUZZ_DUMP") {
        if let Ok(json) = serde_json::to_string_pretty(value) {
            let _ = std::fs::write(path, json);
        }
    }
}
