//! `vanban bench seed`: a province of benchmark size in a fresh database, for the incoming-document benchmark
//! of docs/BENCHMARKS.md (issue 5): 250 agencies with their units, people and registers, then N incoming
//! documents in a realistic mix of states with their assignments, history, files and — for those issued on
//! this system — the sender's outgoing documents, deliveries and delivery status events.
//!
//! Everything is generated inside the database with set-based SQL (`INSERT … SELECT` over a number series),
//! deterministically: the same N gives the same rows on SQLite and on PostgreSQL. "Random" choices are a
//! multiplicative hash of the row number, so nothing here needs a random generator.

mod documents;
mod ltv;
mod province;

use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};

/// The password of every generated account (the harness signs in with it).
pub const BENCH_PASSWORD: &str = "vanban-bench-2026";

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Seed a freshly migrated (or empty) database with a benchmark province and N incoming documents.
    Seed(SeedArgs),
    /// Migrate a database and build the search entries it lacks (after a seed, or after a migration that
    /// rebuilds the index), printing how many and how fast.
    Index(IndexArgs),
    /// Time the long-term validation step of an issue (DSS, document timestamp) on a signed PDF, in-process.
    Ltv(ltv::LtvArgs),
}

#[derive(Args)]
pub struct IndexArgs {
    /// sqlite://PATH or postgres://…
    #[arg(long, env = "VANBAN_DATABASE_URL")]
    database_url: String,
}

#[derive(Args)]
pub struct SeedArgs {
    /// sqlite://PATH or postgres://…; migrated first. Must hold no agency yet.
    #[arg(long, env = "VANBAN_DATABASE_URL")]
    database_url: String,
    /// Incoming documents in the mix (≈85 % completed, 10 % in progress, 3 % to assign, 2 % arrived).
    #[arg(long, default_value_t = 10_000)]
    documents: i64,
    #[arg(long, default_value_t = 250)]
    agencies: i64,
    /// Further documents waiting to be registered (arrived, verified), for the accept benchmark.
    #[arg(long, default_value_t = 0)]
    extra_arrived: i64,
    /// Password of every generated account.
    #[arg(long, env = "VANBAN_BENCH_PASSWORD", default_value = BENCH_PASSWORD)]
    password: String,
    /// Write the documents' files as real PDFs into this blob store (file://PATH or s3://…, as
    /// VANBAN_BLOB_URL); without it the files are names and sizes only.
    #[arg(long)]
    blob_url: Option<String>,
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Seed(args) => seed(args).await,
        BenchCommand::Index(args) => index(&args.database_url).await,
        BenchCommand::Ltv(args) => ltv::run(args).await,
    }
}

/// Builds the missing search entries of the database at `url` with the server's own code (the text is folded
/// in Rust), then refreshes the planner's statistics.
async fn index(url: &str) -> anyhow::Result<()> {
    let t = Instant::now();
    let store = vanban::store::open(url).await?;
    store.migrate().await?;
    let indexed = store.index_missing_documents(5_000).await?;
    if indexed > 0 {
        store.settle_search_index().await?;
    }
    drop(store);
    let seconds = t.elapsed().as_secs_f64();
    // Statistics for the planner over the new rows (a plain connection: the seed's may still be open).
    if url.starts_with("sqlite:") {
        let mut c = SqliteConnection::connect(url).await?;
        sqlx::raw_sql("ANALYZE").execute(&mut c).await?;
    } else {
        let mut c = PgConnection::connect(url).await?;
        sqlx::raw_sql("ANALYZE").execute(&mut c).await?;
    }
    println!(
        "search index: {indexed} documents, {seconds:.1} s ({:.0} per second)",
        indexed as f64 / seconds.max(0.001)
    );
    Ok(())
}

/// Sizes and the clock the generated rows are laid out against.
#[derive(Clone)]
pub(crate) struct Plan {
    pub documents: i64,
    pub agencies: i64,
    pub extra_arrived: i64,
    pub now: i64,
    /// Where the files' bytes go, if anywhere.
    pub blobs: Option<std::sync::Arc<dyn vanban::blob::BlobStore>>,
}

async fn seed(args: SeedArgs) -> anyhow::Result<()> {
    if args.agencies < 20 || args.documents < 1 || args.extra_arrived < 0 {
        bail!("cần ít nhất 20 cơ quan và 1 văn bản");
    }
    let started = Instant::now();
    // The server's own migrations make the schema; the generator only adds rows.
    let store = vanban::store::open(&args.database_url).await?;
    store.migrate().await?;
    drop(store);
    // The store's pool closes its connections in the background; SQLite cannot leave WAL mode before.
    let mut tries = 0;
    let mut db = loop {
        match Db::connect(&args.database_url).await {
            Ok(db) => break db,
            Err(_) if tries < 50 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e),
        }
    };
    if db.scalar("SELECT COUNT(*) FROM agencies").await? > 0 {
        bail!("cơ sở dữ liệu đã có cơ quan; bộ sinh dữ liệu chỉ chạy trên cơ sở dữ liệu mới");
    }
    let blobs = match &args.blob_url {
        Some(url) => Some(vanban::blob::open(
            Some(url),
            std::path::Path::new("."),
            "bench-seed",
        )?),
        None => None,
    };
    let plan = Plan {
        documents: args.documents,
        agencies: args.agencies,
        extra_arrived: args.extra_arrived,
        now: vanban::store::now_ms(),
        blobs,
    };
    let hash =
        tokio::task::spawn_blocking(move || vanban::auth::hash_password(&args.password)).await??;

    db.exec("BEGIN").await?;
    let t = Instant::now();
    province::seed(&mut db, &plan, &hash).await?;
    println!("province: {:.1} s", t.elapsed().as_secs_f64());
    documents::seed(&mut db, &plan).await?;
    db.exec("COMMIT").await?;
    let t = Instant::now();
    db.finish().await?;
    println!("analyze: {:.1} s", t.elapsed().as_secs_f64());
    // The search index is the server's own code (the text is folded in Rust), run over what was generated.
    index(&args.database_url).await?;

    println!("| table | rows |\n| --- | ---: |");
    for table in [
        "agencies",
        "units",
        "users",
        "user_roles",
        "registers",
        "blobs",
        "outgoing_documents",
        "register_entries",
        "deliveries",
        "delivery_events",
        "incoming_documents",
        "incoming_files",
        "assignments",
        "incoming_history",
        "register_counters",
    ] {
        let n = db.scalar(&format!("SELECT COUNT(*) FROM {table}")).await?;
        println!("| {table} | {n} |");
    }
    let status_rows = db
        .scalar(
            "SELECT (SELECT COUNT(*) FROM incoming_history) + (SELECT COUNT(*) FROM delivery_events)",
        )
        .await?;
    println!(
        "status rows (incoming_history + delivery_events): {status_rows}\nseeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One connection to either database, taking SQL text (everything generated is numbers and our own
/// literals: no outside input reaches the text).
pub(crate) enum Db {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Db {
    async fn connect(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .foreign_keys(true)
                // A fresh database being filled: no rollback journal, no fsync, a large page cache. The
                // server's WAL mode is restored at the end.
                .pragma("journal_mode", "OFF")
                .pragma("synchronous", "OFF")
                .pragma("cache_size", "-1048576")
                .pragma("temp_store", "MEMORY")
                .disable_statement_logging();
            Ok(Self::Sqlite(
                SqliteConnection::connect_with(&options).await?,
            ))
        } else {
            let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
            let mut c = PgConnection::connect_with(&options).await?;
            sqlx::raw_sql(
                "SET synchronous_commit = off; SET work_mem = '256MB'; \
                 SET maintenance_work_mem = '1GB'",
            )
            .execute(&mut c)
            .await?;
            Ok(Self::Postgres(c))
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Runs one statement (or several, separated by `;`); the rows it changed.
    pub(crate) async fn exec(&mut self, sql: &str) -> anyhow::Result<u64> {
        let sql = AssertSqlSafe(sql.to_string());
        let done = match self {
            Self::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await?.rows_affected(),
            Self::Postgres(c) => sqlx::raw_sql(sql).execute(c).await?.rows_affected(),
        };
        Ok(done)
    }

    /// Runs a step, printing its rows and time.
    pub(crate) async fn step(&mut self, name: &str, sql: &str) -> anyhow::Result<u64> {
        let t = Instant::now();
        let rows = self
            .exec(sql)
            .await
            .with_context(|| format!("bước {name}"))?;
        println!("{name}: {rows} rows, {:.1} s", t.elapsed().as_secs_f64());
        Ok(rows)
    }

    pub(crate) async fn scalar(&mut self, sql: &str) -> anyhow::Result<i64> {
        let sql = AssertSqlSafe(sql.to_string());
        let v = match self {
            Self::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
            Self::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
        };
        Ok(v)
    }

    /// Statistics for the planner, and the server's journal mode back on SQLite.
    async fn finish(&mut self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(_) => {
                self.exec("ANALYZE").await?;
                self.exec("PRAGMA journal_mode = WAL").await?;
            }
            // As after autovacuum has passed: statistics and the visibility map (index-only scans).
            Self::Postgres(_) => {
                self.exec("VACUUM (ANALYZE)").await?;
            }
        }
        Ok(())
    }

    /// A number series `s(i)`, 1..=n, as a FROM item.
    pub(crate) fn series(&self, n: i64) -> String {
        if self.is_postgres() {
            format!("(SELECT generate_series(CAST(1 AS BIGINT), CAST({n} AS BIGINT)) AS i) s")
        } else {
            format!(
                "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) \
                 SELECT i FROM c) s"
            )
        }
    }

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01).
    pub(crate) fn day_text(&self, day: &str) -> String {
        if self.is_postgres() {
            format!("to_char(DATE '1970-01-01' + CAST({day} AS INTEGER), 'YYYY-MM-DD')")
        } else {
            format!("date(({day}) * 86400, 'unixepoch')")
        }
    }

    /// The year of a day number.
    pub(crate) fn day_year(&self, day: &str) -> String {
        if self.is_postgres() {
            format!("CAST(EXTRACT(YEAR FROM DATE '1970-01-01' + CAST({day} AS INTEGER)) AS BIGINT)")
        } else {
            format!("CAST(strftime('%Y', ({day}) * 86400, 'unixepoch') AS INTEGER)")
        }
    }
}

/// A SQL string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A pseudo-random number in 0..1000 from an integer SQL expression: a multiplicative hash with one of several
/// multipliers (`salt`), so that different choices about the same row are independent of each other.
pub(crate) fn roll(expr: &str, salt: usize) -> String {
    const MULTIPLIERS: [i64; 12] = [
        179_424_673,
        2_038_074_743,
        86_028_121,
        49_979_687,
        32_452_843,
        982_451_653,
        694_847_533,
        413_158_511,
        122_949_829,
        295_075_153,
        573_259_391,
        817_504_243,
    ];
    format!(
        "((({expr}) * {} % 1000003) % 1000)",
        MULTIPLIERS[salt % MULTIPLIERS.len()]
    )
}

/// `CASE` picking one of `choices` (SQL expressions) by a roll in 0..1000, with weights in per mille.
pub(crate) fn pick(roll: &str, choices: &[(i64, String)]) -> String {
    let mut sql = String::from("CASE");
    let mut upto = 0;
    for (i, (weight, value)) in choices.iter().enumerate() {
        upto += weight;
        if i + 1 == choices.len() {
            sql.push_str(&format!(" ELSE {value} END"));
        } else {
            sql.push_str(&format!(" WHEN {roll} < {upto} THEN {value}"));
        }
    }
    sql
}
