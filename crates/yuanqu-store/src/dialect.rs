//! The only place that may branch on the database engine (docs/DB-PORTABILITY.md).

use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionOptions};

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") { Self::Postgres } else { Self::Sqlite }
    }
    pub(crate) fn of(b: DbBackend) -> Self {
        match b {
            DbBackend::Postgres => Self::Postgres,
            _ => Self::Sqlite,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

pub(crate) fn configure(engine: Engine, opts: &mut ConnectOptions) {
    if engine == Engine::Sqlite {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(5))
                .create_if_missing(true)
                // A page cache of up to 64 MiB a connection (the default is 2 MiB): at 100,000
                // appeals the lists' row look-ups and a sweep batch's index pages stay in memory
                // instead of being re-read and spilled to the WAL several times a transaction.
                .pragma("cache_size", "-65536")
        });
    }
}

pub(crate) fn write_transaction_options(engine: Engine, opts: &mut TransactionOptions) {
    if engine == Engine::Sqlite {
        // Take the write lock at BEGIN, so two writers never deadlock on a lock upgrade.
        opts.sqlite_transaction_mode = Some(sea_orm::SqliteTransactionMode::Immediate);
    }
}

/// SQLITE_BUSY / SQLITE_LOCKED, PostgreSQL serialization failure (40001) and deadlock (40P01).
pub(crate) fn is_retryable(e: &StoreError) -> bool {
    let StoreError::Db(db) = e else { return false };
    let text = db.to_string();
    [
        "database is locked",
        "database table is locked",
        "(code: 5)",
        "(code: 6)",
        "40001",
        "40P01",
        "could not serialize",
        "deadlock detected",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

pub(crate) async fn applied_migrations(conn: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let backend = conn.get_database_backend();
    let exists_sql = match backend {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'seaql_migrations' AND table_schema = current_schema()"
        }
        _ => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
    };
    let row = conn.query_one_raw(Statement::from_string(backend, exists_sql)).await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    if n == 0 {
        return Ok(Vec::new());
    }
    let rows = conn
        .query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations ORDER BY version"))
        .await?;
    rows.iter().map(|r| r.try_get::<String>("", "version")).collect()
}

/// An online, consistent copy of a SQLite database (`VACUUM INTO`). PostgreSQL deployments use
/// `pg_dump`; the command says so.
pub async fn backup_sqlite(conn: &crate::Conn<'_>, dest: &str) -> crate::Result<()> {
    if conn.engine() != Engine::Sqlite {
        return Err(StoreError::Db(DbErr::Custom("backup of PostgreSQL: use pg_dump".into())));
    }
    conn.ex().execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [dest.into()])).await?;
    Ok(())
}

/// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` find wrong in a SQLite database
/// (empty when it is sound). PostgreSQL checks its own pages; there the list is always empty.
pub async fn integrity_problems(conn: &crate::Conn<'_>) -> crate::Result<Vec<String>> {
    if conn.engine() != Engine::Sqlite {
        return Ok(Vec::new());
    }
    let ex = conn.ex();
    let mut problems = Vec::new();
    for row in ex.query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check")).await? {
        let line: String = row.try_get_by_index(0)?;
        if line != "ok" {
            problems.push(format!("integrity_check: {line}"));
        }
    }
    let fk = "SELECT \"table\" AS t, COUNT(*) AS n FROM pragma_foreign_key_check GROUP BY \"table\"";
    for row in ex.query_all_raw(Statement::from_string(DbBackend::Sqlite, fk)).await? {
        let table: String = row.try_get("", "t")?;
        let n: i64 = row.try_get("", "n")?;
        problems.push(format!("foreign_key_check: {n} row(s) of {table} point at nothing"));
    }
    Ok(problems)
}

/// One table's row count and a SHA-256 over its rows in primary-key order: two databases of the
/// same engine with equal digests hold the same data (the restore drill compares them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

/// Digests of every table but the migration bookkeeping, sorted by table name.
pub async fn table_digests(conn: &crate::Conn<'_>) -> crate::Result<Vec<TableDigest>> {
    use sha2::{Digest as _, Sha256};
    let ex = conn.ex();
    let engine = conn.engine();
    let backend = ex.get_database_backend();
    let tables_sql = match engine {
        Engine::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND name <> 'seaql_migrations' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name <> 'seaql_migrations' ORDER BY table_name"
        }
    };
    let tables: Vec<String> = ex
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await?
        .iter()
        .map(|r| r.try_get("", "t"))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let rows_sql = match engine {
            // Every column through quote(), so types and NULLs are part of the text.
            Engine::Sqlite => {
                let cols = ex
                    .query_all_raw(Statement::from_sql_and_values(
                        backend,
                        "SELECT name AS c FROM pragma_table_info(?) ORDER BY cid",
                        [table.clone().into()],
                    ))
                    .await?
                    .iter()
                    .map(|r| r.try_get::<String>("", "c").map(|c| format!("quote(\"{}\")", c.replace('"', "\"\""))))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("SELECT {} AS r FROM {quoted} ORDER BY 1", cols.join(" || '|' || "))
            }
            Engine::Postgres => format!("SELECT x::text AS r FROM {quoted} AS x ORDER BY 1"),
        };
        let mut hasher = Sha256::new();
        let mut rows = 0u64;
        for row in ex.query_all_raw(Statement::from_string(backend, rows_sql)).await? {
            let text: String = row.try_get("", "r")?;
            hasher.update(text.as_bytes());
            hasher.update(b"\n");
            rows += 1;
        }
        out.push(TableDigest { table, rows, sha256: hex::encode(hasher.finalize()) });
    }
    Ok(out)
}

/// Every (table, column) of the application's schema, sorted: `pragma_table_info` on SQLite,
/// `information_schema.columns` on PostgreSQL.
pub(crate) async fn schema_columns(conn: &crate::Conn<'_>) -> crate::Result<Vec<(String, String)>> {
    let backend = conn.ex().get_database_backend();
    let sql = match conn.engine() {
        Engine::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY 1, 2"
        }
        Engine::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
        }
    };
    let rows = conn.ex().query_all_raw(Statement::from_string(backend, sql)).await?;
    rows.iter().map(|r| Ok((r.try_get::<String>("", "t")?, r.try_get::<String>("", "c")?))).collect()
}

/// (Placeholders: `?` in order on SQLite, `$n` on PostgreSQL.)
///
/// Seconds from `earlier` to `later` (two timestamp expressions) as a double precision number:
/// SQLite's `julianday` of the stored text, PostgreSQL's epoch of the interval.
pub(crate) fn seconds_between(
    engine: Engine,
    later: sea_orm::sea_query::Expr,
    earlier: sea_orm::sea_query::Expr,
) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::Expr;
    match engine {
        Engine::Sqlite => Expr::cust_with_exprs("((julianday(?) - julianday(?)) * 86400.0)", [later, earlier]),
        Engine::Postgres => {
            Expr::cust_with_exprs("CAST(EXTRACT(EPOCH FROM ($1 - $2)) AS DOUBLE PRECISION)", [later, earlier])
        }
    }
}

/// The integer member `key` (a plain identifier) of a JSON object kept as text, NULL if absent.
pub(crate) fn json_int(
    engine: Engine,
    json_text: sea_orm::sea_query::Expr,
    key: &'static str,
) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::Expr;
    debug_assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match engine {
        Engine::Sqlite => Expr::cust_with_exprs(format!("CAST(json_extract(?, '$.{key}') AS INTEGER)"), [json_text]),
        Engine::Postgres => {
            Expr::cust_with_exprs(format!("CAST(CAST($1 AS jsonb) ->> '{key}' AS BIGINT)"), [json_text])
        }
    }
}
