//! The only crate that names sea_orm / sqlx: entities, the one migration set, queries, and
//! `Db::write`, which runs a unit of work in a transaction and retries when the database says
//! "busy" (SQLITE_BUSY) or "try again" (PostgreSQL 40001 / 40P01) with bounded backoff.

pub mod appeal;
pub mod audit;
pub mod calendar;
pub mod demo;
pub mod dialect;
pub mod enterprise;
pub mod entity;
pub mod evaluation;
pub mod exports;
pub mod files;
pub mod idempotency;
pub mod identity;
pub mod migration;
pub mod notify;
pub mod party;
pub mod personal;
pub mod stats;
pub mod supervision;
pub mod visit;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, DbErr,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use dialect::Engine;
pub use uuid::Uuid;

/// Errors of the storage layer, classified so the layers above need not know SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key constraint violated: {0}")]
    ForeignKey(String),
    #[error("database busy after retries")]
    Busy,
    #[error("the database schema ({applied}) is newer than this program knows; upgrade Yuanqu")]
    SchemaTooNew { applied: String },
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(s)) => Self::Unique(s),
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(s)) => Self::ForeignKey(s),
            _ => Self::Db(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection or a transaction; every query function takes one.
pub struct Conn<'a>(DatabaseExecutor<'a>);

impl<'a> Conn<'a> {
    fn ex(&self) -> &DatabaseExecutor<'a> {
        &self.0
    }
    pub fn engine(&self) -> Engine {
        Engine::of(self.0.get_database_backend())
    }
}

/// The boxed future a unit of work returns.
pub type Work<'a, T, E> = Pin<Box<dyn Future<Output = std::result::Result<T, E>> + Send + 'a>>;

/// The database: a pool plus what the engine needs (on SQLite, writers are serialized in
/// process and start with `BEGIN IMMEDIATE`).
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    engine: Engine,
}

const MAX_ATTEMPTS: u32 = 8;

impl Db {
    /// Connects, applying the engine's settings (WAL, synchronous=FULL, foreign keys and a busy
    /// timeout on SQLite).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let engine = Engine::from_url(url);
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        dialect::configure(engine, &mut opts);
        let conn = Database::connect(opts).await?;
        Ok(Self { conn, engine })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// A plain connection for reads.
    pub fn conn(&self) -> Conn<'_> {
        Conn(DatabaseExecutor::Connection(&self.conn))
    }

    /// Applies pending migrations, each in its own transaction.
    pub async fn migrate(&self) -> Result<()> {
        self.check_schema_not_newer().await?;
        migration::Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// CS-04: refuse to run on a schema that a newer Yuanqu migrated.
    pub async fn check_schema_not_newer(&self) -> Result<()> {
        let known = migration::known();
        let applied = dialect::applied_migrations(&self.conn).await?;
        if let Some(unknown) = applied.into_iter().find(|a| !known.contains(a)) {
            return Err(StoreError::SchemaTooNew { applied: unknown });
        }
        Ok(())
    }

    /// Whether every migration this binary knows has been applied.
    /// The migrations applied to this database, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        Ok(dialect::applied_migrations(&self.conn).await?)
    }

    pub async fn is_migrated(&self) -> Result<bool> {
        let applied = dialect::applied_migrations(&self.conn).await?;
        Ok(migration::known().iter().all(|k| applied.contains(k)))
    }

    /// Runs `work` in a transaction, committing on `Ok`. When the database reports contention
    /// the whole unit is retried (at most 8 attempts, backoff 5 ms doubling to 320 ms).
    pub async fn write<T, E, F>(&self, work: F) -> std::result::Result<T, E>
    where
        F: for<'c> Fn(&'c Conn<'c>) -> Work<'c, T, E>,
        E: From<StoreError>,
        E: AsStoreError,
        T: Send,
    {
        let mut delay = Duration::from_millis(5);
        for attempt in 1..=MAX_ATTEMPTS {
            let tx = self.begin_write().await.map_err(E::from)?;
            let outcome = {
                let conn = Conn(DatabaseExecutor::Transaction(&tx));
                let r = work(&conn).await;
                drop(conn);
                r
            };
            let result = match outcome {
                Ok(v) => tx.commit().await.map(|()| v).map_err(|e| E::from(e.into())),
                Err(e) => {
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            match result {
                Err(e) if attempt < MAX_ATTEMPTS && e.as_store_error().is_some_and(dialect::is_retryable) => {
                    tracing::debug!(attempt, "write contention, retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_millis(320));
                }
                Err(e) if e.as_store_error().is_some_and(dialect::is_retryable) => {
                    return Err(E::from(StoreError::Busy));
                }
                other => return other,
            }
        }
        Err(E::from(StoreError::Busy))
    }

    async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let mut opts = TransactionOptions::default();
        dialect::write_transaction_options(self.engine, &mut opts);
        Ok(self.conn.begin_with_options(opts).await?)
    }

    /// Checks the database answers (readiness).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.conn.ping().await?)
    }

    pub async fn close(self) -> Result<()> {
        Ok(self.conn.close().await?)
    }
}

/// Lets `Db::write` see whether an error of an upper layer is a storage error worth retrying.
pub trait AsStoreError {
    fn as_store_error(&self) -> Option<&StoreError>;
}

impl AsStoreError for StoreError {
    fn as_store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

/// Page request after validation: `page` from 1, `size` 1..=100.
#[derive(Debug, Clone, Copy)]
pub struct PageReq {
    pub page: u64,
    pub size: u64,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// `LIKE '%q%'` with `%`, `_` and `\` in `q` matched literally (`ESCAPE '\'` on both engines:
/// SQLite has no default escape character).
pub(crate) fn like_pattern(q: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped: String = q
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

impl Db {
    /// Runs SQL text as is. For maintenance scripts and tests that must reach below the
    /// application (for instance to prove that tampering with the audit log is detected);
    /// never called with user input.
    pub async fn execute_script(&self, sql: &str) -> Result<u64> {
        Ok(self.conn.execute_unprepared(sql).await?.rows_affected())
    }
}
