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
            .pragma("cache_size", "-65536");
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
}
