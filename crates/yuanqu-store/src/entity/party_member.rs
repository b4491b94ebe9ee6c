use sea_orm::entity::prelude::*;

/// A party member (ID card encrypted, PD-01; phone masked when shown).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_on: Option<Date>,
    pub id_card_enc: String,
    pub id_card_bidx: String,
    pub phone: Option<String>,
    pub education: String,
    pub joined_on: Date,
    pub standing: String,
    pub probation_ends_on: Option<Date>,
    pub full_on: Option<Date>,
    pub post: String,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
