//! Test support: a fresh database per test (SQLite in a temporary directory, or a new PostgreSQL database
//! that is dropped afterwards), a small fixture province, and a typed client driving the real router.

#![allow(dead_code)]

pub mod api;
pub mod docs;
pub mod garage;
pub mod haproxy;
pub mod server;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::agency::UnitKind;
use shared::role::Role;
use sqlx::Connection;
use tower::ServiceExt;
use vanban::app::{AppState, router};
use vanban::blob::FsBlobStore;
use vanban::config::Config;
use vanban::store::{Actor, DbKind, NewAgency, NewUser, Store, UnitFields, UserFields};

/// The PostgreSQL server the suite uses (trust auth); each test creates and drops its own database.
pub fn pg_admin_url() -> String {
    std::env::var("VANBAN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database for one test.
pub struct TestDb {
    pub store: Arc<Store>,
    pub url: String,
    pub kind: DbKind,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = vanban::store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            store,
            url,
            kind: DbKind::Sqlite,
            pg_name: None,
            _dir: dir,
        }
    }

    pub async fn postgres() -> Self {
        let admin = pg_admin_url();
        let name = format!(
            "vanban_t_{}",
            vanban::auth::random_token(9)
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL at {admin} is not reachable ({e}); start it with `make pg-start`"
                )
            });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        let store = vanban::store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            store,
            url,
            kind: DbKind::Postgres,
            pg_name: Some(name),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Drops the PostgreSQL database (SQLite's directory goes with the value).
    pub async fn finish(self) {
        let TestDb { store, pg_name, .. } = self;
        drop(store);
        if let Some(name) = pg_name {
            let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }
}

/// Runs each named scenario (an `async fn(TestDb)`) once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::common::TestDb::sqlite().await).await; } )*
        }
        mod on_postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::common::TestDb::postgres().await).await; } )*
        }
    };
}

/// The password of every fixture account.
pub const PASSWORD: &str = "Mật khẩu thử 2026";

fn fixture_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| vanban::auth::hash_password(PASSWORD).unwrap())
        .clone()
}

/// Ids of the fixture province.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    pub province: i64,
    pub department: i64,
    pub province_office_unit: i64,
    pub department_office_unit: i64,
    pub department_unit: i64,
    pub admin: i64,
    pub dept_admin: i64,
    pub dept_official: i64,
    pub dept_clerk: i64,
    pub province_official: i64,
}

/// Two agencies (province and a department) with units and accounts: `admin` (system admin),
/// `quantri.snv` (agency admin of the department), `cv.snv` (official), `vanthu.snv` (clerk), `cv.ubnd`.
pub async fn fixture(store: &Store) -> Fixture {
    let sys = Actor {
        id: None,
        username: Some("test".into()),
        client_addr: None,
    };
    let agency = |code: &str, name: &str, short: &str, parent| NewAgency {
        code: shared::agency::AgencyCode::parse(code).unwrap(),
        name: name.into(),
        short_name: short.into(),
        parent_id: parent,
    };
    let province = store
        .create_agency(
            &sys,
            agency("000.00.00.H62", "UBND tỉnh Vĩnh Long", "UBND", None),
        )
        .await
        .unwrap();
    let department = store
        .create_agency(
            &sys,
            agency("000.00.02.H62", "Sở Nội vụ", "SNV", Some(province.id)),
        )
        .await
        .unwrap();
    let unit = |name: &str, short: &str, kind| UnitFields {
        name: name.into(),
        short_name: short.into(),
        kind,
    };
    let p_office = store
        .create_unit(
            &sys,
            province.id,
            unit("Văn phòng", "VP", UnitKind::VanPhong),
        )
        .await
        .unwrap();
    let d_office = store
        .create_unit(
            &sys,
            department.id,
            unit("Văn phòng", "VP", UnitKind::VanPhong),
        )
        .await
        .unwrap();
    let d_unit = store
        .create_unit(
            &sys,
            department.id,
            unit("Phòng Tổ chức", "TC", UnitKind::Phong),
        )
        .await
        .unwrap();
    let user = |username: &str, name: &str, unit_id: i64, roles: Vec<Role>| NewUser {
        username: username.into(),
        fields: UserFields {
            full_name: name.into(),
            position: None,
            email: None,
            phone: None,
            unit_id,
            roles,
        },
        password_hash: fixture_hash(),
        must_change_password: false,
    };
    let mk = |u| async { store.create_user(&sys, u).await.unwrap().id };
    Fixture {
        province: province.id,
        department: department.id,
        province_office_unit: p_office.id,
        department_office_unit: d_office.id,
        department_unit: d_unit.id,
        admin: mk(user(
            "admin",
            "Quản trị tỉnh",
            p_office.id,
            vec![Role::SystemAdmin],
        ))
        .await,
        dept_admin: mk(user(
            "quantri.snv",
            "Trần Văn Quản",
            d_office.id,
            vec![Role::AgencyAdmin],
        ))
        .await,
        dept_official: mk(user(
            "cv.snv",
            "Nguyễn Thị Đào",
            d_unit.id,
            vec![Role::Official],
        ))
        .await,
        dept_clerk: mk(user(
            "vanthu.snv",
            "Lê Thị Thư",
            d_office.id,
            vec![Role::Clerk],
        ))
        .await,
        province_official: mk(user(
            "cv.ubnd",
            "Phạm Văn Tỉnh",
            p_office.id,
            vec![Role::Official],
        ))
        .await,
    }
}

/// An answer: status, headers, JSON body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// Asserts the status and that an error body has the one error shape; returns self for more checks.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Self {
        assert_eq!(self.status, status, "unexpected answer: {:?}", self.body);
        if !status.is_success() {
            assert!(
                self.body["code"].is_string(),
                "error without code: {:?}",
                self.body
            );
            let message = self.body["message"]
                .as_str()
                .expect("error without message");
            assert!(!message.is_empty());
            let text = self.body.to_string().to_lowercase();
            for leak in ["sqlx", "sqlite", "postgres", "select ", "panicked", "stack"] {
                assert!(!text.contains(leak), "error leaks internals: {text}");
            }
        }
        self
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

/// A browser-like client: keeps the session cookie and CSRF token, calls the real router in-process.
pub struct Client {
    app: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub addr: SocketAddr,
}

pub fn app(store: Arc<Store>, config: Config) -> Router {
    let dir = tempfile::tempdir().unwrap().keep();
    let blobs = Arc::new(FsBlobStore::new(dir).unwrap());
    router(AppState {
        store,
        blobs,
        config: Arc::new(config),
    })
}

impl Client {
    pub fn new(store: Arc<Store>) -> Self {
        Self::with_app(app(store, Config::default()))
    }

    pub fn with_app(app: Router) -> Self {
        Self {
            app,
            cookie: None,
            csrf: None,
            addr: "192.0.2.10:50000".parse().unwrap(),
        }
    }

    /// A second client on the same app (another browser).
    pub fn another(&self) -> Self {
        Self {
            app: self.app.clone(),
            cookie: None,
            csrf: None,
            addr: self.addr,
        }
    }

    /// Sends a request with a raw body and explicit headers; the session cookie and CSRF header are added.
    pub async fn raw(
        &mut self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let (status, headers, bytes) = self.exchange(method, path, body, headers).await;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// GET of a file: status and the raw bytes.
    pub async fn download(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let (status, _, bytes) = self.exchange(Method::GET, path, Vec::new(), &[]).await;
        (status, bytes)
    }

    async fn exchange(
        &mut self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "vanban.test");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, format!("vanban_session={c}"));
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("vanban_session=") {
                let token = rest.split(';').next().unwrap();
                self.cookie = (!token.is_empty()).then(|| token.to_string());
            }
        }
        (status, headers, bytes)
    }

    pub async fn send(&mut self, method: Method, path: &str, body: Option<Value>) -> Answer {
        match body {
            Some(b) => {
                self.raw(
                    method,
                    path,
                    serde_json::to_vec(&b).unwrap(),
                    &[("content-type", "application/json")],
                )
                .await
            }
            None => self.raw(method, path, Vec::new(), &[]).await,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    /// Signs in; on success keeps the cookie and CSRF token.
    pub async fn login(&mut self, username: &str, password: &str) -> Answer {
        let a = self
            .post(
                "/api/auth/login",
                json!({"username": username, "password": password}),
            )
            .await;
        if a.status.is_success() {
            self.csrf = a.body["csrf_token"].as_str().map(String::from);
        }
        a
    }

    /// Signs in with the fixture password and asserts success.
    pub async fn login_ok(&mut self, username: &str) -> Value {
        self.login(username, PASSWORD)
            .await
            .expect(StatusCode::OK)
            .body
    }
}

/// A connection beside the store's pool, for what the API must never do (age a row, break a reference).
pub enum RawConn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

pub async fn raw_connection(db: &TestDb) -> RawConn {
    match db.kind {
        DbKind::Sqlite => RawConn::Sqlite(sqlx::SqliteConnection::connect(&db.url).await.unwrap()),
        DbKind::Postgres => RawConn::Postgres(sqlx::PgConnection::connect(&db.url).await.unwrap()),
    }
}

pub async fn raw_exec(conn: &mut RawConn, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match conn {
        RawConn::Sqlite(c) => sqlx::query(sql).execute(c).await.map(|_| ()),
        RawConn::Postgres(c) => sqlx::query(sql).execute(c).await.map(|_| ()),
    }
}
