//! Opening a store: the connection pool of each database, its migrations, and what a schema version is.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::sql::{self, Pool};
use super::{DbKind, Store, StoreResult, events::Events};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The schema version this build migrates to (the last migration's number). Both databases have the same
/// migrations, one file each per version (a test holds them to it).
pub fn latest_schema_version() -> i64 {
    SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// The migration versions of each database, for the test that they match.
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    (
        SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
        POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect(),
    )
}

/// Opens the store a URL names: `sqlite://…` or `postgres://…` (also `postgresql://`).
pub async fn open(url: &str) -> anyhow::Result<std::sync::Arc<Store>> {
    let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        // A burst of writes queues on row locks (register counters, the audit head) while holding connections;
        // waiting up to 30 s for one answers late under such a burst instead of failing with a 500.
        Pool::Postgres(
            PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                // No JIT: short queries whose estimates are large (a search's generic plan over 64 partitions
                // with its sets) spent 500 ms compiling for 14 ms of work (docs/BENCHMARKS.md, search).
                .connect_with(
                    sqlx::postgres::PgConnectOptions::from_str(url)?.options([("jit", "off")]),
                )
                .await?,
        )
    } else if url.starts_with("sqlite:") {
        // One file under the data directory, WAL journal, foreign keys on.
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // 64 MiB of page cache per connection instead of SQLite's 2 MiB: the dashboard and queues of many
            // agencies stay in memory (measured: 9.8 → 3.9 ms for the dashboard at 1M documents).
            .pragma("cache_size", "-65536")
            // Pages read through a memory map of the file (up to SQLite's usual 2 GiB cap) rather than copied by
            // `pread` into each connection's cache: at a million documents a search reads thousands of index
            // pages, and eight connections each copied them (search 17–23 % faster, docs/BENCHMARKS.md). Writes
            // still go through the WAL. The price: an I/O error on a mapped page ends the process (SIGBUS)
            // instead of failing one query; the service manager restarts it, and nothing committed is lost.
            .pragma("mmap_size", "2147418112");
        Pool::Sqlite(
            SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await?,
        )
    } else {
        anyhow::bail!("unsupported database URL (expected sqlite:// or postgres://): {url}")
    };
    Ok(std::sync::Arc::new(Store {
        pool,
        events: Events::new(),
    }))
}

impl Store {
    /// Applies the embedded migrations that are not applied yet.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// The version of the last applied migration.
    #[tracing::instrument(skip_all)]
    pub async fn schema_version(&self) -> StoreResult<i64> {
        let v: (Option<i64>,) =
            sql::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        Ok(v.0.unwrap_or(0))
    }
}

impl DbKind {
    /// The aggregate that joins strings with a separator: `group_concat(x, ',')` in SQLite,
    /// `string_agg(x, ',')` in PostgreSQL (the one function name the two spell differently).
    pub(crate) fn string_agg(self) -> &'static str {
        match self {
            Self::Sqlite => "group_concat",
            Self::Postgres => "string_agg",
        }
    }

    /// The set of the integers of a JSON array argument (`$N` bound to `"[3,5,8]"`), for `x IN (…)` over a list
    /// whose length varies: one statement text for every list, prepared once and cached, where ids written
    /// into the SQL made a new statement (parsed, planned, and on PostgreSQL a second round trip) per list.
    pub(crate) fn ids_in(self, param: &str) -> String {
        match self {
            Self::Sqlite => format!("SELECT value FROM json_each({param})"),
            Self::Postgres => format!(
                "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({param} AS json))"
            ),
        }
    }
}
