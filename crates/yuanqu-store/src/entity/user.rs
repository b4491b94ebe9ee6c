use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub department_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub phone: Option<String>,
    /// `v<version>:base64(nonce || ciphertext)`, AES-256-GCM (PD-01).
    pub id_card_enc: Option<String>,
    /// Hex HMAC-SHA256 of the number under the index key: equality search and uniqueness.
    pub id_card_bidx: Option<String>,
    pub password_hash: String,
    pub password_changed_at: DateTimeUtc,
    pub password_expires_at: Option<DateTimeUtc>,
    pub must_change_password: bool,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
    /// Base32 TOTP secret (AUTH-04); set at enrolment, enabled on confirmation.
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    /// The last accepted RFC 6238 time step: a code is accepted only for a later step.
    pub totp_last_step: Option<i64>,
    pub totp_failures: i32,
    pub totp_locked_until: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
