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

/// Runs `f` on a one-thread rayon pool of its own, so the engine's
/// parallel iterators run in place rather than each waking a worker and
/// waiting for it (a third of a small input's time otherwise). A panic in
/// `f` is raised again here, where libFuzzer sees it.
pub fn in_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a rayon pool of one thread")
    })
    .install(f)
}
