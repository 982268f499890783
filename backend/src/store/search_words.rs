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
//! A query of several words matches a document in which each two neighbouring words of the query stand side by
//! side, in that order (the last word may be cut short): "cai cach hanh chinh" needs "cai cach", "cach hanh" and
//! "hanh chinh". SQLite asks FTS5 for those two-word phrases; PostgreSQL indexes every pair of neighbouring words
//! as one term (`a12zcai_cach`), so its GIN index answers exactly and no match is rechecked in the heap — a
//! phrase (`<->`) made PostgreSQL read and test the positions of every candidate, two thirds of the time of a
//! common query at a million documents.
//!
//! Words are the runs of ASCII letters and digits of the folded text ([`shared::text::fold_for_search`]: lower
//! case, no marks, đ → d); everything else separates them. SQLite's `unicode61` tokenizer reads such a run as
//! exactly one token, which is why nothing wider is let through; PostgreSQL gets its terms as a `tsvector`
//! literal, not through a parser.

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

/// The PostgreSQL `tsvector` literal of a document of `agency` (cast with `::tsvector`): each word and each
/// pair of neighbouring words once, tagged with the agency, without positions (no query needs them).
pub(crate) fn pg_terms(agency: i64, folded_parts: &[&str]) -> String {
    let mut terms = std::collections::BTreeSet::new();
    let mut previous: Option<&str> = None;
    for part in folded_parts {
        for w in words(part) {
            terms.insert(format!("'a{agency}z{w}'"));
            if let Some(p) = previous {
                terms.insert(format!("'a{agency}z{p}_{w}'"));
            }
            previous = Some(w);
        }
    }
    terms.into_iter().collect::<Vec<_>>().join(" ")
}

/// The words of a folded query, or `None` when it has no word at all (only punctuation).
fn query_words(folded_query: &str) -> Option<Vec<&str>> {
    let w: Vec<&str> = words(folded_query).collect();
    (!w.is_empty()).then_some(w)
}

/// The FTS5 `MATCH` expression for a query: one word as a prefix (people stop typing mid-word: "quyet di" finds
/// "quyết định"), several as the two-word phrases of each pair of neighbours, the last one ending in a prefix.
/// Quoting is safe: the words are letters and digits.
pub(crate) fn fts5_match(agency: i64, folded_query: &str) -> Option<String> {
    let w = query_words(folded_query)?;
    let tag = |x: &str| format!("a{agency}z{x}");
    Some(if w.len() == 1 {
        format!("\"{}\" *", tag(w[0]))
    } else {
        let pairs: Vec<String> = w
            .windows(2)
            .map(|p| format!("\"{} {}\"", tag(p[0]), tag(p[1])))
            .collect();
        format!("{} *", pairs.join(" AND "))
    })
}

/// The PostgreSQL `tsquery` literal for a query (cast with `::tsquery`): the same rule as [`fts5_match`] over
/// the terms of [`pg_terms`] — one word as a prefix, or each pair of neighbours as one term, the last a prefix.
pub(crate) fn tsquery(agency: i64, folded_query: &str) -> Option<String> {
    let w = query_words(folded_query)?;
    let terms: Vec<String> = if w.len() == 1 {
        vec![format!("a{agency}z{}", w[0])]
    } else {
        w.windows(2)
            .map(|p| format!("a{agency}z{}_{}", p[0], p[1]))
            .collect()
    };
    let n = terms.len();
    Some(
        terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i + 1 == n {
                    format!("'{t}':*")
                } else {
                    format!("'{t}'")
                }
            })
            .collect::<Vec<_>>()
            .join(" & "),
    )
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
    fn queries_are_pairs_of_neighbours_with_a_prefix_on_the_last_word() {
        assert_eq!(
            fts5_match(3, "12/qd-ubnd").as_deref(),
            Some("\"a3z12 a3zqd\" AND \"a3zqd a3zubnd\" *")
        );
        assert_eq!(fts5_match(3, "quyet").as_deref(), Some("\"a3zquyet\" *"));
        assert_eq!(tsquery(3, "quyet di").as_deref(), Some("'a3zquyet_di':*"));
        assert_eq!(
            tsquery(3, "cai cach hanh").as_deref(),
            Some("'a3zcai_cach' & 'a3zcach_hanh':*")
        );
        assert_eq!(tsquery(3, "so").as_deref(), Some("'a3zso':*"));
        assert_eq!(fts5_match(3, " /-. "), None);
        assert_eq!(tsquery(3, "…"), None);
    }

    #[test]
    fn postgres_terms_are_each_word_and_each_pair_of_neighbours_once() {
        assert_eq!(
            pg_terms(7, &["bao cao bao", "cao"]),
            "'a7zbao' 'a7zbao_cao' 'a7zcao' 'a7zcao_bao'"
        );
        assert_eq!(pg_terms(7, &["", " - "]), "");
    }

    #[test]
    fn long_runs_are_cut_the_same_way_on_both_sides() {
        let long = "x".repeat(100);
        let indexed = index_text(1, &[&long]);
        assert_eq!(indexed.len(), "a1z".len() + MAX_WORD);
        assert_eq!(fts5_match(1, &long).unwrap(), format!("\"{indexed}\" *"));
        assert_eq!(pg_terms(1, &[&long]), format!("'{indexed}'"));
    }
}
