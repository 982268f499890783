//! Every input the fuzzers (issue 13, `scripts/fuzz.sh`) ever crashed on, run again through the very function
//! the fuzz target calls: `fuzz/src/lib.rs` is compiled into this test. The crashes live in
//! `fuzz/regressions/<target>/`, one file each, named after what they broke; a panic here is the crash coming
//! back. The seeds of each target (`fuzz/seeds/<folder>/`) are replayed too: the targets check properties
//! beyond "no panic" (a validator accepts its own output again), and the seeds are where those hold.
#![cfg(feature = "crypto")]

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod fuzz;

use std::path::{Path, PathBuf};

/// The files of `fuzz/<kind>/<dir>/` (none when it does not exist).
fn inputs(kind: &str, dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.expect("readable").path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Runs the crashes and the seeds of `target` through it. `seeds`: the folder of `fuzz/seeds/` it starts from.
#[track_caller]
fn replay(target: &str, seeds: &str) {
    let (_, run) = fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a fuzz target of that name");
    let files = [inputs("regressions", target), inputs("seeds", seeds)].concat();
    assert!(!files.is_empty(), "no input for {target}");
    for path in files {
        let data = std::fs::read(&path).expect("readable");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok(),
            "fuzz target {target} panics again on {}",
            path.display()
        );
    }
}

#[test]
fn the_pdf_reader_survives_every_input_it_once_crashed_on() {
    replay("pdf_reader", "pdf");
}

#[test]
fn the_active_content_scanner_survives_every_input_it_once_crashed_on() {
    replay("active_content", "pdf");
}

#[test]
fn the_cms_parser_and_verifier_survive_every_input_they_once_crashed_on() {
    replay("cms", "cms");
}

#[test]
fn pkcs12_import_survives_every_input_it_once_crashed_on() {
    replay("pkcs12", "pkcs12");
}

#[test]
fn the_validators_survive_every_input_they_once_crashed_on() {
    replay("validators", "validators");
}

#[test]
fn the_edxml_parser_survives_every_input_it_once_crashed_on() {
    replay("edxml", "edxml");
}

#[test]
fn every_fuzz_target_has_a_regression_test() {
    let tested = [
        "pdf_reader",
        "active_content",
        "cms",
        "pkcs12",
        "validators",
        "edxml",
    ];
    for (name, _) in fuzz::TARGETS {
        assert!(tested.contains(name), "no regression test replays {name}");
    }
}
