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
//! as one term (`p12zcai_cach`), so its GIN index answers exactly and no match is rechecked in the heap — a
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

/// What a search filters by besides its words (direction, type, urgency, unit), held in the index as terms
/// of their own, `f{agency}z{letter}{value}` (`f12ztcongvan`), so that the index intersects them with the words
/// and a filtered query reads only the entries that pass: as conditions on the entries, a common phrase
/// filtered by type read and dropped two thirds of its thousands of matches (docs/BENCHMARKS.md, issue 15).
/// A query's words are all tagged `a…z`, so nobody can type a facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Facets<'a> {
    pub kind: Option<shared::search::SearchKind>,
    pub doc_type: Option<&'a str>,
    pub urgency: Option<&'a str>,
    pub unit_id: Option<i64>,
}

impl Facets<'_> {
    /// The facet terms, without quotes (what a document is indexed with, or what a query requires).
    fn terms(&self, agency: i64) -> Vec<String> {
        // Codes are lower-case letters and `_`, which FTS5's tokenizer would split on; no two codes differ
        // only by their `_` (checked in the tests).
        let code = |c: &str| c.replace('_', "");
        let mut out = Vec::new();
        if let Some(k) = self.kind {
            out.push(format!("f{agency}zk{}", code(k.code())));
        }
        if let Some(t) = self.doc_type {
            out.push(format!("f{agency}zt{}", code(t)));
        }
        if let Some(u) = self.urgency {
            out.push(format!("f{agency}zu{}", code(u)));
        }
        if let Some(n) = self.unit_id {
            out.push(format!("f{agency}zn{n}"));
        }
        out
    }
}

/// The index text of a document of `agency`: its words, each tagged with the agency, in order (the order
/// makes phrases), then its facets (a phrase of words never reaches them: they are tagged `f…z`).
pub(crate) fn index_text(agency: i64, folded_parts: &[&str], facets: &Facets) -> String {
    let mut out = String::new();
    let facet_terms = facets.terms(agency);
    let terms = folded_parts
        .iter()
        .flat_map(|part| words(part).map(|w| format!("a{agency}z{w}")))
        .chain(facet_terms);
    for t in terms {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t);
    }
    out
}

/// The PostgreSQL `tsvector` literal of a document of `agency` (cast with `::tsvector`): each word once
/// (`a{agency}z{word}`), each pair of neighbouring words once (`p{agency}z{word}_{word}`), and its facets,
/// without positions (no query needs them). Pairs have a tag of their own so that a one-word query's prefix
/// expands over words alone: under the words' tag, `so:*` also expanded over every `so_12`, `so_192`, … (a
/// pair per number written after "Số"), thousands of terms for two letters typed.
pub(crate) fn pg_terms(agency: i64, folded_parts: &[&str], facets: &Facets) -> String {
    let mut terms = std::collections::BTreeSet::new();
    let mut previous: Option<&str> = None;
    for part in folded_parts {
        for w in words(part) {
            terms.insert(format!("'a{agency}z{w}'"));
            if let Some(p) = previous {
                terms.insert(format!("'p{agency}z{p}_{w}'"));
            }
            previous = Some(w);
        }
    }
    terms.extend(facets.terms(agency).into_iter().map(|t| format!("'{t}'")));
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
/// The facets a query asks for follow the words, each required (`AND "f3zkincoming"`).
pub(crate) fn fts5_match(agency: i64, folded_query: &str, facets: &Facets) -> Option<String> {
    let w = query_words(folded_query)?;
    let tag = |x: &str| format!("a{agency}z{x}");
    let words = if w.len() == 1 {
        format!("\"{}\" *", tag(w[0]))
    } else {
        let pairs: Vec<String> = w
            .windows(2)
            .map(|p| format!("\"{} {}\"", tag(p[0]), tag(p[1])))
            .collect();
        format!("{} *", pairs.join(" AND "))
    };
    Some(
        std::iter::once(words)
            .chain(facets.terms(agency).into_iter().map(|t| format!("\"{t}\"")))
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

/// The PostgreSQL `tsquery` literal for a query (cast with `::tsquery`): the same rule as [`fts5_match`] over
/// the terms of [`pg_terms`] — one word as a prefix, or each pair of neighbours as one term, the last a prefix.
/// The facets a query asks for are required terms beside the words.
pub(crate) fn tsquery(agency: i64, folded_query: &str, facets: &Facets) -> Option<String> {
    let w = query_words(folded_query)?;
    let terms: Vec<String> = if w.len() == 1 {
        vec![format!("a{agency}z{}", w[0])]
    } else {
        w.windows(2)
            .map(|p| format!("p{agency}z{}_{}", p[0], p[1]))
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
            .chain(facets.terms(agency).into_iter().map(|t| format!("'{t}'")))
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
            index_text(7, &[&f, "", "bao cao"], &Facets::default()),
            "a7zquyet a7zdinh a7z12 a7zqd a7zubnd a7zve a7zviec a7zbao a7zcao"
        );
        // Different agencies never share a term, and no agency's term is another's prefix by accident:
        // `a1z2…` (agency 1, word "2…") against `a12z…` (agency 12).
        assert!(!index_text(1, &["2x"], &Facets::default()).starts_with("a12z"));
    }

    #[test]
    fn queries_are_pairs_of_neighbours_with_a_prefix_on_the_last_word() {
        let none = Facets::default();
        assert_eq!(
            fts5_match(3, "12/qd-ubnd", &none).as_deref(),
            Some("\"a3z12 a3zqd\" AND \"a3zqd a3zubnd\" *")
        );
        assert_eq!(
            fts5_match(3, "quyet", &none).as_deref(),
            Some("\"a3zquyet\" *")
        );
        assert_eq!(
            tsquery(3, "quyet di", &none).as_deref(),
            Some("'p3zquyet_di':*")
        );
        assert_eq!(
            tsquery(3, "cai cach hanh", &none).as_deref(),
            Some("'p3zcai_cach' & 'p3zcach_hanh':*")
        );
        assert_eq!(tsquery(3, "so", &none).as_deref(), Some("'a3zso':*"));
        assert_eq!(fts5_match(3, " /-. ", &none), None);
        assert_eq!(tsquery(3, "…", &none), None);
    }

    #[test]
    fn postgres_terms_are_each_word_and_each_pair_of_neighbours_once() {
        assert_eq!(
            pg_terms(7, &["bao cao bao", "cao"], &Facets::default()),
            "'a7zbao' 'a7zcao' 'p7zbao_cao' 'p7zcao_bao'"
        );
        assert_eq!(pg_terms(7, &["", " - "], &Facets::default()), "");
        // A one-word prefix (`'a7zso':*`) reaches words only, never the pairs that start with it.
        let terms = pg_terms(7, &["so 12 so 192"], &Facets::default());
        assert_eq!(
            terms,
            "'a7z12' 'a7z192' 'a7zso' 'p7z12_so' 'p7zso_12' 'p7zso_192'"
        );
    }

    #[test]
    fn long_runs_are_cut_the_same_way_on_both_sides() {
        let long = "x".repeat(100);
        let none = Facets::default();
        let indexed = index_text(1, &[&long], &none);
        assert_eq!(indexed.len(), "a1z".len() + MAX_WORD);
        assert_eq!(
            fts5_match(1, &long, &none).unwrap(),
            format!("\"{indexed}\" *")
        );
        assert_eq!(pg_terms(1, &[&long], &none), format!("'{indexed}'"));
    }

    #[test]
    fn facets_are_terms_of_their_own_that_a_query_requires() {
        let facets = Facets {
            kind: Some(shared::search::SearchKind::Incoming),
            doc_type: Some("cong_van"),
            urgency: Some("very_urgent"),
            unit_id: Some(40),
        };
        assert_eq!(
            index_text(7, &["bao cao"], &facets),
            "a7zbao a7zcao f7zkincoming f7ztcongvan f7zuveryurgent f7zn40"
        );
        assert_eq!(
            pg_terms(7, &["bao"], &facets),
            "'a7zbao' 'f7zkincoming' 'f7zn40' 'f7ztcongvan' 'f7zuveryurgent'"
        );
        let asked = Facets {
            doc_type: Some("cong_van"),
            ..Facets::default()
        };
        assert_eq!(
            fts5_match(7, "bao cao", &asked).as_deref(),
            Some("\"a7zbao a7zcao\" * AND \"f7ztcongvan\"")
        );
        assert_eq!(
            tsquery(7, "bao cao", &asked).as_deref(),
            Some("'p7zbao_cao':* & 'f7ztcongvan'")
        );
        // A word typed like a facet stays a word.
        assert_eq!(
            fts5_match(7, "f7ztcongvan", &Facets::default()).as_deref(),
            Some("\"a7zf7ztcongvan\" *")
        );
    }

    #[test]
    fn no_two_codes_share_a_facet_term() {
        let types: Vec<&str> = shared::document::DocumentType::ALL
            .iter()
            .map(|t| t.code())
            .collect();
        let urgencies: Vec<&str> = shared::document::Urgency::ALL
            .into_iter()
            .map(shared::list_query::urgency_code)
            .collect();
        for codes in [types, urgencies] {
            let terms: std::collections::BTreeSet<String> =
                codes.iter().map(|c| c.replace('_', "")).collect();
            assert_eq!(terms.len(), codes.len(), "{codes:?}");
        }
    }
}
