//! The one seam between the store's SQL and the two databases it runs on.
//!
//! Every statement of the store is written once, in SQL that SQLite and PostgreSQL both accept (`$N`
//! placeholders, `RETURNING`, `ON CONFLICT`, `LIKE … ESCAPE`), and runs through [`query`] / [`query_as`], which
//! look like sqlx's functions of the same names. At execution they become the native sqlx query of the database
//! the executor belongs to, with natively typed arguments and natively decoded rows, so a column decodes exactly
//! as it would through that database's own driver.
//!
//! Why not sqlx's `Any` driver: it converts every argument and column through its own value kinds, which have
//! no JSON (PostgreSQL then refuses a text argument for a `json` column) and decode `bool` only from columns
//! declared boolean (not from SQLite expressions). Why not a generic `SqlStore<DB>`: the bounds sqlx needs
//! (`for<'c> &'c mut DB::Connection: Executor`, `Encode`/`Decode`/`Type` for every bound type) are not implied by
//! a helper trait and would have to be repeated on every impl block and helper. Here the two databases are
//! two enum arms in this file, and the rest of the store is ordinary code.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite};

use super::DbKind;

/// A pool of connections to one database.
#[derive(Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    /// The database this pool connects to.
    pub fn kind(&self) -> DbKind {
        match self {
            Self::Sqlite(_) => DbKind::Sqlite,
            Self::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// a transaction that reads before it writes cannot fail to upgrade its lock when another connection
    /// committed in between; PostgreSQL orders writers by row locks.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(Tx(match self {
            Self::Sqlite(p) => TxConn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(p) => TxConn::Postgres(p.begin().await?),
        }))
    }
}

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx(TxConn);

/// The connection of a [`Tx`]: what a statement runs on (`&mut *tx`, or `&mut **tx` through a `&mut Tx`).
pub enum TxConn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// The database the transaction runs on (for the few statements the two spell differently).
    pub fn kind(&self) -> DbKind {
        match self.0 {
            TxConn::Sqlite(_) => DbKind::Sqlite,
            TxConn::Postgres(_) => DbKind::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxConn::Sqlite(t) => t.commit().await,
            TxConn::Postgres(t) => t.commit().await,
        }
    }
}

impl Deref for Tx {
    type Target = TxConn;
    fn deref(&self) -> &TxConn {
        &self.0
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut TxConn {
        &mut self.0
    }
}

/// Where a statement runs: the pool (a read outside any transaction) or a transaction's connection.
pub enum Executor<'c> {
    SqlitePool(&'c SqlitePool),
    PostgresPool(&'c PgPool),
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl<'c> From<&'c Pool> for Executor<'c> {
    fn from(p: &'c Pool) -> Self {
        match p {
            Pool::Sqlite(p) => Self::SqlitePool(p),
            Pool::Postgres(p) => Self::PostgresPool(p),
        }
    }
}

impl<'c> From<&'c mut TxConn> for Executor<'c> {
    fn from(t: &'c mut TxConn) -> Self {
        match t {
            TxConn::Sqlite(t) => Self::Sqlite(t),
            TxConn::Postgres(t) => Self::Postgres(t),
        }
    }
}

impl<'c> From<&'c mut Tx> for Executor<'c> {
    fn from(t: &'c mut Tx) -> Self {
        Self::from(&mut t.0)
    }
}

impl Executor<'_> {
    /// The database the statement will run on (for the few statements the two spell differently).
    pub fn kind(&self) -> DbKind {
        match self {
            Self::SqlitePool(_) | Self::Sqlite(_) => DbKind::Sqlite,
            Self::PostgresPool(_) | Self::Postgres(_) => DbKind::Postgres,
        }
    }
}

/// A bound argument, kept with its Rust type so each database receives it natively typed.
#[derive(Debug, Clone)]
pub enum Value {
    I64(Option<i64>),
    I32(Option<i32>),
    F64(Option<f64>),
    F32(Option<f32>),
    Bool(Option<bool>),
    Text(Option<String>),
}

macro_rules! value_from {
    ($variant:ident, $t:ty) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Self::$variant(Some(v.into()))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                Self::$variant(v.map(Into::into))
            }
        }
        impl From<&$t> for Value {
            fn from(v: &$t) -> Self {
                Self::$variant(Some(v.clone().into()))
            }
        }
        impl From<&Option<$t>> for Value {
            fn from(v: &Option<$t>) -> Self {
                Self::$variant(v.clone().map(Into::into))
            }
        }
    };
}
value_from!(I64, i64);
value_from!(I64, u32);
value_from!(I32, i32);
value_from!(F64, f64);
value_from!(F32, f32);
value_from!(Bool, bool);
value_from!(Text, String);

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_string()))
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_string))
    }
}

impl From<&&str> for Value {
    fn from(v: &&str) -> Self {
        Self::Text(Some(v.to_string()))
    }
}

impl From<Cow<'_, str>> for Value {
    fn from(v: Cow<'_, str>) -> Self {
        Self::Text(Some(v.into_owned()))
    }
}

/// A row type both databases can decode (every `#[derive(sqlx::FromRow)]` struct and tuple of plain types).
pub trait FromBothRows:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> FromBothRows for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// What a statement changed.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

/// A statement and its arguments; see [`query`].
pub struct Query {
    sql: Cow<'static, str>,
    args: Vec<Value>,
}

/// A statement whose rows decode into `T`; see [`query_as`].
pub struct QueryAs<T> {
    inner: Query,
    row: PhantomData<fn() -> T>,
}

/// A statement that returns no rows (or whose rows are not read). The SQL is written by the store, never built
/// from input: input only ever arrives as bound arguments.
pub fn query(sql: impl Into<Cow<'static, str>>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

/// A statement whose rows decode into `T`.
pub fn query_as<T>(sql: impl Into<Cow<'static, str>>) -> QueryAs<T> {
    QueryAs {
        inner: query(sql),
        row: PhantomData,
    }
}

fn sqlite_args(args: Vec<Value>) -> SqliteArguments {
    use sqlx::Arguments;
    let mut out = SqliteArguments::default();
    for v in args {
        let r = match v {
            Value::I64(v) => out.add(v),
            Value::I32(v) => out.add(v),
            Value::F64(v) => out.add(v),
            Value::F32(v) => out.add(v),
            Value::Bool(v) => out.add(v),
            Value::Text(v) => out.add(v),
        };
        r.expect("encoding a plain value for SQLite cannot fail");
    }
    out
}

fn pg_args(args: Vec<Value>) -> PgArguments {
    use sqlx::Arguments;
    let mut out = PgArguments::default();
    for v in args {
        let r = match v {
            Value::I64(v) => out.add(v),
            Value::I32(v) => out.add(v),
            Value::F64(v) => out.add(v),
            Value::F32(v) => out.add(v),
            Value::Bool(v) => out.add(v),
            Value::Text(v) => out.add(v),
        };
        r.expect("encoding a plain value for PostgreSQL cannot fail");
    }
    out
}

fn sql_str(sql: Cow<'static, str>) -> sqlx::SqlStr {
    use sqlx::SqlSafeStr;
    match sql {
        Cow::Borrowed(s) => s.into_sql_str(),
        Cow::Owned(s) => sqlx::AssertSqlSafe(s).into_sql_str(),
    }
}

impl Query {
    /// Binds the next `$N`.
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    pub async fn execute<'c>(self, ex: impl Into<Executor<'c>>) -> Result<Done, sqlx::Error> {
        let sql = sql_str(self.sql);
        let rows = match ex.into() {
            Executor::SqlitePool(p) => sqlx::query_with(sql, sqlite_args(self.args))
                .execute(p)
                .await?
                .rows_affected(),
            Executor::Sqlite(c) => sqlx::query_with(sql, sqlite_args(self.args))
                .execute(c)
                .await?
                .rows_affected(),
            Executor::PostgresPool(p) => sqlx::query_with(sql, pg_args(self.args))
                .execute(p)
                .await?
                .rows_affected(),
            Executor::Postgres(c) => sqlx::query_with(sql, pg_args(self.args))
                .execute(c)
                .await?
                .rows_affected(),
        };
        Ok(Done { rows })
    }
}

impl<T: FromBothRows> QueryAs<T> {
    /// Binds the next `$N`.
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.inner = self.inner.bind(v);
        self
    }

    pub async fn fetch_all<'c>(self, ex: impl Into<Executor<'c>>) -> Result<Vec<T>, sqlx::Error> {
        let sql = sql_str(self.inner.sql);
        let args = self.inner.args;
        match ex.into() {
            Executor::SqlitePool(p) => {
                sqlx::query_as_with(sql, sqlite_args(args))
                    .fetch_all(p)
                    .await
            }
            Executor::Sqlite(c) => {
                sqlx::query_as_with(sql, sqlite_args(args))
                    .fetch_all(c)
                    .await
            }
            Executor::PostgresPool(p) => sqlx::query_as_with(sql, pg_args(args)).fetch_all(p).await,
            Executor::Postgres(c) => sqlx::query_as_with(sql, pg_args(args)).fetch_all(c).await,
        }
    }

    pub async fn fetch_optional<'c>(
        self,
        ex: impl Into<Executor<'c>>,
    ) -> Result<Option<T>, sqlx::Error> {
        let sql = sql_str(self.inner.sql);
        let args = self.inner.args;
        match ex.into() {
            Executor::SqlitePool(p) => {
                sqlx::query_as_with(sql, sqlite_args(args))
                    .fetch_optional(p)
                    .await
            }
            Executor::Sqlite(c) => {
                sqlx::query_as_with(sql, sqlite_args(args))
                    .fetch_optional(c)
                    .await
            }
            Executor::PostgresPool(p) => {
                sqlx::query_as_with(sql, pg_args(args))
                    .fetch_optional(p)
                    .await
            }
            Executor::Postgres(c) => {
                sqlx::query_as_with(sql, pg_args(args))
                    .fetch_optional(c)
                    .await
            }
        }
    }

    pub async fn fetch_one<'c>(self, ex: impl Into<Executor<'c>>) -> Result<T, sqlx::Error> {
        self.fetch_optional(ex)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}
