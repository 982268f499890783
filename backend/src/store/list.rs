//! Filters, sort and paging of the document lists, as SQL over a list's own rows.
//!
//! Each list writes the rows a person may see (its access rule) as a base statement; here that statement becomes
//! a subquery `x` that the filters of a [`ListQuery`] narrow, its sort orders and its page cuts, and the same
//! narrowed subquery is counted for the total. The SQL text comes only from the constants below and the
//! columns the caller names; every value of the query is a bound argument.

use shared::list_query::{ListQuery, SortKey, SortOrder};

use crate::store::StoreResult;
use crate::store::sql::{self, FromBothRows, Value};

/// Where a list keeps what its filters and sorts read (column expressions of its rows).
pub(crate) struct Columns {
    /// The date the `from`/`to` range and the date sort read (ms).
    pub date: &'static str,
    /// The deadline the deadline sort reads (documents without one sort last).
    pub deadline: &'static str,
    /// The year and number the number sort reads (documents without a number sort last).
    pub year: &'static str,
    pub number: &'static str,
    pub doc_type: &'static str,
    pub urgency: &'static str,
    pub status: &'static str,
    /// The issuing agency's name (lists without one ignore `agency`: the parser refuses it for them).
    pub agency: Option<&'static str>,
    /// The drafting unit's id (likewise for `unit`).
    pub unit: Option<&'static str>,
    /// The last tie-break, unique per row.
    pub tie: &'static str,
}

/// The ` AND …` conditions of the query's filters, with their arguments numbered from `$first`.
pub(crate) fn conditions(
    q: &ListQuery,
    c: &Columns,
    first: usize,
    kind: crate::store::DbKind,
) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut args: Vec<Value> = Vec::new();
    let mut add = |cond: String, v: Value, sql: &mut String| {
        args.push(v);
        sql.push_str(&cond.replace("$?", &format!("${}", first + args.len() - 1)));
    };
    if let Some(from) = q.from_ms() {
        add(format!(" AND {} >= $?", c.date), from.into(), &mut sql);
    }
    if let Some(end) = q.to_end_ms() {
        add(format!(" AND {} < $?", c.date), end.into(), &mut sql);
    }
    if let Some(t) = q.doc_type {
        add(
            format!(" AND {} = $?", c.doc_type),
            t.code().into(),
            &mut sql,
        );
    }
    if let Some(u) = q.urgency {
        add(
            format!(" AND {} = $?", c.urgency),
            shared::list_query::urgency_code(u).into(),
            &mut sql,
        );
    }
    if let Some(s) = &q.status {
        add(
            format!(" AND {} = $?", c.status),
            s.as_str().into(),
            &mut sql,
        );
    }
    if let (Some(col), Some(a)) = (c.agency, &q.agency) {
        // Both databases fold the ASCII letters only (SQLite's LOWER knows no others; PostgreSQL's does under
        // the "C" collation), so a name is found the same way on either.
        let pattern = crate::store::common::contains_pattern(&a.to_ascii_lowercase());
        let folded = match kind {
            crate::store::DbKind::Sqlite => format!("LOWER({col})"),
            crate::store::DbKind::Postgres => format!("LOWER({col} COLLATE \"C\")"),
        };
        add(
            format!(" AND {folded} LIKE $? ESCAPE '\\'"),
            pattern.into(),
            &mut sql,
        );
    }
    if let (Some(col), Some(u)) = (c.unit, q.unit) {
        add(format!(" AND {col} = $?"), u.into(), &mut sql);
    }
    (sql, args)
}

/// The `ORDER BY` list: the query's sort, or the list's own order when it names none.
pub(crate) fn order_by(q: &ListQuery, c: &Columns, default: &str) -> String {
    let (Some(sort), Some(order)) = (q.sort, q.effective_order()) else {
        return default.to_string();
    };
    let o = match order {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    match sort {
        SortKey::Date => format!("{} {o}, {} {o}", c.date, c.tie),
        SortKey::Deadline => format!(
            "(CASE WHEN {d} IS NULL THEN 1 ELSE 0 END), {d} {o}, {t} {o}",
            d = c.deadline,
            t = c.tie
        ),
        SortKey::Number => format!(
            "(CASE WHEN {n} IS NULL THEN 1 ELSE 0 END), {y} {o}, {n} {o}, {t} {o}",
            n = c.number,
            y = c.year,
            t = c.tie
        ),
    }
}

/// One page of `base` (whose arguments are `base_args`, numbered from `$1`) narrowed by the query's filters,
/// and how many rows the narrowed list holds. `c` names columns of `base` as `x.…`.
pub(crate) async fn page<T: FromBothRows>(
    pool: &sql::Pool,
    base: &str,
    base_args: Vec<Value>,
    q: &ListQuery,
    c: &Columns,
    default_order: &str,
) -> StoreResult<(Vec<T>, i64)> {
    let (cond, args) = conditions(q, c, base_args.len() + 1, pool.kind());
    let count_sql = format!("SELECT COUNT(*) FROM ({base}) x WHERE 1 = 1{cond}");
    let mut count = sql::query_as::<(i64,)>(count_sql);
    for v in base_args.iter().chain(&args) {
        count = count.bind(v.clone());
    }
    let (total,) = count.fetch_one(pool).await?;
    let n = base_args.len() + args.len();
    let page_sql = format!(
        "SELECT * FROM ({base}) x WHERE 1 = 1{cond} ORDER BY {} LIMIT ${} OFFSET ${}",
        order_by(q, c, default_order),
        n + 1,
        n + 2
    );
    let mut rows = sql::query_as::<T>(page_sql);
    for v in base_args.into_iter().chain(args) {
        rows = rows.bind(v);
    }
    let rows = rows
        .bind(i64::from(q.per_page))
        .bind(q.offset())
        .fetch_all(pool)
        .await?;
    Ok((rows, total))
}
