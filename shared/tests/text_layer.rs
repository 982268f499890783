//! The text layer and the content box of the corpus PDFs, judged by independent tools: the words of
//! `document_text` against poppler's `pdftotext`, and `content_bbox` against Ghostscript's bbox device
//! (`gs -sDEVICE=bbox`). Both tools come from Debian (poppler-utils, ghostscript).
#![cfg(feature = "crypto")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use shared::pdf::bbox::{content_bbox, user_to_display};
use shared::pdf::document::Document;
use shared::pdf::text::{TextLimits, document_text};
use unicode_normalization::UnicodeNormalization;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The good files of the corpus (not `bad/`, not the signature-verdict set).
fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    files
}

fn tool(name: &str, args: &[&str], file: &Path, after: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .arg(file)
        .args(after)
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} is needed (apt-get install poppler-utils ghostscript): {e}")
        })
}

/// Words as search sees them: compatibility-composed (ligatures split), lower case, split at anything that
/// is not a letter or a digit.
fn words(text: &str) -> HashSet<String> {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.nfc().collect())
        .collect()
}

fn share_found(wanted: &HashSet<String>, got: &HashSet<String>) -> f64 {
    if wanted.is_empty() {
        return 1.0;
    }
    wanted.iter().filter(|w| got.contains(*w)).count() as f64 / wanted.len() as f64
}

#[test]
fn the_text_layer_has_the_words_pdftotext_finds_in_every_corpus_file() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for file in corpus_files() {
        let data = std::fs::read(&file).expect("read");
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let ours =
            document_text(&data, &TextLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = tool("pdftotext", &["-enc", "UTF-8"], &file, &["-"]);
        assert!(out.status.success(), "pdftotext {name} failed");
        let theirs = String::from_utf8_lossy(&out.stdout);
        // Drawing a form field's value itself, pdftotext drops the characters its fallback font lacks and says
        // so ("couldn't find a font for character U+1EC5"): those characters are left out on both sides.
        let dropped: HashSet<char> = String::from_utf8_lossy(&out.stderr)
            .split("character U+")
            .skip(1)
            .filter_map(|s| {
                u32::from_str_radix(s.get(..4)?, 16)
                    .ok()
                    .and_then(char::from_u32)
            })
            .collect();
        let without = |words: HashSet<String>| -> HashSet<String> {
            words
                .into_iter()
                .map(|w| {
                    w.chars()
                        .filter(|c| !dropped.contains(c))
                        .collect::<String>()
                })
                .filter(|w| !w.is_empty())
                .collect()
        };
        let (w_ours, w_theirs) = (without(words(&ours)), without(words(&theirs)));
        let recall = share_found(&w_theirs, &w_ours);
        let precision = share_found(&w_ours, &w_theirs);
        report.push(format!(
            "{name}: {} words (pdftotext {}), recall {:.3}, precision {:.3}",
            w_ours.len(),
            w_theirs.len(),
            recall,
            precision
        ));
        if recall < 0.9 || precision < 0.9 {
            let missing: Vec<&String> = w_theirs.difference(&w_ours).take(20).collect();
            let extra: Vec<&String> = w_ours.difference(&w_theirs).take(20).collect();
            failures.push(format!("{name}: missing {missing:?}, extra {extra:?}"));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ghostscript's box of each page, on the displayed page from the crop box's corner; `None` for a blank page.
fn gs_boxes(file: &Path) -> Vec<Option<[f64; 4]>> {
    let out = tool(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-dUseCropBox",
            "-dShowAnnots=false",
            "-sDEVICE=bbox",
        ],
        file,
        &[],
    );
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("%%HiResBoundingBox: "))
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|n| n.parse().unwrap()).collect();
            (v[2] > v[0] && v[3] > v[1]).then(|| [v[0], v[1], v[2], v[3]])
        })
        .collect()
}

#[test]
fn the_content_box_matches_ghostscripts_bbox_device_on_every_corpus_page() {
    // Points each edge may differ by: our glyph boxes are whole em boxes (ascent to descent, advance widths)
    // where Ghostscript measures the outlines.
    const TOLERANCE: f64 = 4.0;
    let mut worst = 0.0f64;
    let mut pages = 0;
    let mut failures = Vec::new();
    for file in corpus_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&file).expect("read");
        let doc = Document::open(&data).unwrap();
        let theirs = gs_boxes(&file);
        let ours: Vec<_> = doc
            .pages()
            .unwrap()
            .iter()
            .map(|p| {
                content_bbox(&doc, p).map(|r| {
                    let d = user_to_display(p, r);
                    [d.x, d.y, d.x + d.w, d.y + d.h]
                })
            })
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{name}: pages");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            pages += 1;
            match (a, b) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    let diff = (0..4).map(|k| (a[k] - b[k]).abs()).fold(0.0, f64::max);
                    worst = worst.max(diff);
                    if diff > TOLERANCE {
                        failures.push(format!("{name} p.{}: ours {a:.1?}, gs {b:.1?}", i + 1));
                    }
                }
                _ => failures.push(format!("{name} p.{}: ours {a:?}, gs {b:?}", i + 1)),
            }
        }
    }
    println!("{pages} pages, largest difference of an edge {worst:.2} pt");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The words of `name` by pdftotext, and by us after every `/ToUnicode` key in the file is renamed (same
/// length: the cross-reference stays right), so the fonts must be read without their maps.
fn recall_without_to_unicode(name: &str) -> f64 {
    let file = corpus().join(name);
    let mut data = std::fs::read(&file).expect("read");
    let mut renamed = 0;
    for at in 0..data.len().saturating_sub(10) {
        if &data[at..at + 10] == b"/ToUnicode" {
            data[at + 9] = b'X';
            renamed += 1;
        }
    }
    assert!(renamed > 0, "{name} has no /ToUnicode to rename");
    let out = tool("pdftotext", &["-enc", "UTF-8", "-q"], &file, &["-"]);
    let theirs = words(&String::from_utf8_lossy(&out.stdout));
    let ours = words(&document_text(&data, &TextLimits::default()).expect("text"));
    share_found(&theirs, &ours)
}

#[test]
fn fonts_without_tounicode_maps_are_read_through_their_encoding_or_embedded_cmap() {
    // Chromium: Identity-H TrueType subsets, Vietnamese (the embedded cmap read backwards); groff: the standard
    // fonts with /Differences. (LibreOffice's symbolic TrueType subsets carry no glyph names: without their
    // maps nothing, pdftotext included, can read them.)
    for name in ["chromium-thong-bao.pdf", "groff-annex-19p.pdf"] {
        let recall = recall_without_to_unicode(name);
        println!("{name} without ToUnicode: recall {recall:.3}");
        assert!(recall >= 0.9, "{name}: {recall:.3}");
    }
}

/// A small deterministic generator (xorshift), so a failure is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs everything this interpreter offers on one input; it must return (an error at most), never panic.
fn read_everything(data: &[u8]) {
    let limits = TextLimits {
        max_chars: 100_000,
        max_pages: 8,
        max_ops: 1_000_000,
        max_content_bytes: 16 << 20,
    };
    let _ = document_text(data, &limits);
    if let Ok(doc) = Document::open(data)
        && let Ok(pages) = doc.pages()
    {
        for page in pages.iter().take(4) {
            let _ = content_bbox(&doc, page);
            let _ = shared::pdf::bbox::free_band_below(&doc, page, 60.0);
        }
    }
}

#[test]
fn truncated_and_corrupted_corpus_files_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for file in corpus_files() {
        let data = std::fs::read(&file).expect("read");
        // Cut anywhere: the xref is lost, the reader may fall back or fail, never panic.
        for _ in 0..4 {
            read_everything(&data[..rng.below(data.len())]);
        }
        // Bytes flipped in the body, where content streams and fonts live.
        for _ in 0..4 {
            let mut bad = data.clone();
            for _ in 0..1 + rng.below(16) {
                let at = rng.below(bad.len());
                bad[at] = rng.next() as u8;
            }
            read_everything(&bad);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..300 {
        let mut data = b"%PDF-1.7\n".to_vec();
        let len = rng.below(4096);
        data.extend((0..len).map(|_| rng.next() as u8));
        read_everything(&data);
    }
}
