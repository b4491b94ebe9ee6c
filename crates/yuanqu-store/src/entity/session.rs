use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub idle_secs: i64,
    pub ip: Option<String>,
    /// `totp_pending` (password given, code not yet) or `totp_enrol` (must enrol first); none
    /// for a full session.
    pub stage: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
