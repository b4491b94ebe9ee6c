//! Queries over encrypted personal-data columns (PD-01): the list of those columns, batched
//! reads for key rotation and the conditional rewrite of one value. The store never sees a key
//! or a plaintext; encryption is `yuanqu-app`'s `personal` module.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::{Conn, Result};

/// Every encrypted column as (table, column). Each table has `id` and `zone_id`; the zone and
/// the column name are the ciphertext's associated data. Add a column here when you add one.
pub const ENCRYPTED_COLUMNS: &[(&str, &str)] =
    &[("app_user", "id_card_enc"), ("app_user", "totp_secret"), ("webhook", "secret"), ("party_member", "id_card_enc")];

/// One encrypted value as stored.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EncryptedValue {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub value: String,
}

/// Up to `limit` non-null values of `table.column` with `id > after`, in id order.
pub async fn encrypted_batch(
    c: &Conn<'_>,
    table: &str,
    column: &str,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<EncryptedValue>> {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .column(Alias::new("zone_id"))
        .expr_as(Expr::col(Alias::new(column)), Alias::new("value"))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new(column)).is_not_null())
        .order_by(Alias::new("id"), sea_orm::Order::Asc)
        .limit(limit);
    if let Some(a) = after {
        q.and_where(Expr::col(Alias::new("id")).gt(a));
    }
    let stmt = c.ex().get_database_backend().build(&q);
    let rows = c.ex().query_all_raw(stmt).await?;
    Ok(rows.iter().map(|r| EncryptedValue::from_query_result(r, "")).collect::<Result<_, _>>()?)
}

/// Replaces one value only if it is still `old` (a concurrent edit wins); whether it did.
pub async fn replace_encrypted(c: &Conn<'_>, table: &str, column: &str, v: &EncryptedValue, new: &str) -> Result<bool> {
    let mut q = Query::update();
    q.table(Alias::new(table))
        .value(Alias::new(column), new)
        .and_where(Expr::col(Alias::new("id")).eq(v.id))
        .and_where(Expr::col(Alias::new("zone_id")).eq(v.zone_id))
        .and_where(Expr::col(Alias::new(column)).eq(v.value.as_str()));
    let stmt = c.ex().get_database_backend().build(&q);
    Ok(c.ex().execute_raw(stmt).await?.rows_affected() == 1)
}

/// Every (table, column) of the live schema, sorted (PD-03: the data dictionary is diffed
/// against it).
pub async fn schema_columns(c: &Conn<'_>) -> Result<Vec<(String, String)>> {
    crate::dialect::schema_columns(c).await
}
