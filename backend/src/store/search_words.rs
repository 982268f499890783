//! The words a document is found by, as the search index holds them: one rule for writing the index and for
//! reading it, so the two cannot disagree.
//!
//! A search covers one agency (the person's), so the index is partitioned by agency inside its own vocabulary:
//! every word is stored as `a{agency}z{word}` (`a12zquyet`). A query then reads only the posting lists of its
//! agency — a few thousand documents at most, whatever the province holds — instead of intersecting
//! province-wide lists and throwing away everything of the 249 other agencies (docs/ARCHITECTURE.md, "Search").
//! Vietnamese folds to a small vocabulary of syllables, so the prefix on the last word of a query expands to
//! few terms.
//!
//! Words are the runs of ASCII letters and digits of the folded text ([`shared::text::fold_for_search`]: lower
//! case, no marks, đ → d); everything else separates them. SQLite's `unicode61` tokenizer and PostgreSQL's
//! `simple` parser both read such a run as exactly one token, which is why nothing wider is let through.

/// Words longer than this are cut (identically when indexing and when querying): long runs are hashes and
/// garbled text layers, never what people type, and PostgreSQL refuses lexemes over 2 KiB.
pub(crate) const MAX_WORD: usize = 40;

/// The words of folded text, in order.
pub(crate) fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| &w[..w.len().min(MAX_WORD)])
}

/// The index text of a document of `agency`: its words, each tagged with the agency, in order (the order
/// makes phrases).
pub(crate) fn index_text(agency: i64, folded_parts: &[&str]) -> String {
    let mut out = String::new();
    for part in folded_parts {
        for w in words(part) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("a{agency}z{w}"));
        }
    }
    out
}

/// The tagged words of a folded query, or `None` when it has no word at all (only punctuation).
fn query_words(agency: i64, folded_query: &str) -> Option<Vec<String>> {
    let tagged: Vec<String> = words(folded_query)
        .map(|w| format!("a{agency}z{w}"))
        .collect();
    (!tagged.is_empty()).then_some(tagged)
}

/// The FTS5 `MATCH` expression for a query: its words as one phrase, the last one a prefix (people stop
/// typing mid-word: "quyet di" finds "quyết định"). Quoting is safe: the words are letters and digits.
pub(crate) fn fts5_match(agency: i64, folded_query: &str) -> Option<String> {
    query_words(agency, folded_query).map(|w| format!("\"{}\" *", w.join(" ")))
}

/// The PostgreSQL `to_tsquery('simple', …)` text for a query: the same phrase (`<->`), the last word a prefix.
pub(crate) fn tsquery(agency: i64, folded_query: &str) -> Option<String> {
    query_words(agency, folded_query).map(|w| format!("{}:*", w.join(" <-> ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits_tagged_with_the_agency() {
        let f = shared::text::fold_for_search("Quyết định 12/QĐ-UBND, về việc…");
        assert_eq!(
            index_text(7, &[&f, "", "bao cao"]),
            "a7zquyet a7zdinh a7z12 a7zqd a7zubnd a7zve a7zviec a7zbao a7zcao"
        );
        // Different agencies never share a term, and no agency's term is another's prefix by accident:
        // `a1z2…` (agency 1, word "2…") against `a12z…` (agency 12).
        assert!(!index_text(1, &["2x"]).starts_with("a12z"));
    }

    #[test]
    fn queries_are_one_phrase_with_a_prefix_on_the_last_word() {
        assert_eq!(
            fts5_match(3, "12/qd-ubnd").as_deref(),
            Some("\"a3z12 a3zqd a3zubnd\" *")
        );
        assert_eq!(
            tsquery(3, "quyet di").as_deref(),
            Some("a3zquyet <-> a3zdi:*")
        );
        assert_eq!(fts5_match(3, " /-. "), None);
        assert_eq!(tsquery(3, "…"), None);
    }

    #[test]
    fn long_runs_are_cut_the_same_way_on_both_sides() {
        let long = "x".repeat(100);
        let indexed = index_text(1, &[&long]);
        assert_eq!(indexed.len(), "a1z".len() + MAX_WORD);
        assert_eq!(fts5_match(1, &long).unwrap(), format!("\"{indexed}\" *"));
    }
}
