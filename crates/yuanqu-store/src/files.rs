//! Queries of the files module (IV-02): content-addressed blobs per zone and the file records
//! that point at them. A record outside the reader's scope does not exist for it.

use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{file, file_blob};
use crate::{Conn, Result};

pub use file::Model as FileRow;
pub use file_blob::Model as BlobRow;

/// Which files a reader sees: the zone's for zone-wide roles; for department-scoped roles those
/// uploaded from their department subtree; an enterprise account its enterprise's; everyone else
/// (and everyone, in addition) their own uploads.
fn file_scope(scope: &Scope, viewer: Uuid) -> Condition {
    let base = Condition::all().add(file::Column::ZoneId.eq(scope.zone_id()));
    let own = file::Column::UploaderId.eq(viewer);
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Departments(ids) => {
            base.add(Condition::any().add(file::Column::DepartmentId.is_in(ids.clone())).add(own))
        }
        DataScope::Enterprise(id) => base.add(file::Column::EnterpriseId.eq(*id)),
        DataScope::Own(id) => base.add(file::Column::UploaderId.eq(*id)),
        DataScope::PartyOrganizations(_) => base.add(own),
    }
}

/// The blob with this content in the zone, if any.
pub async fn blob_by_sha256(c: &Conn<'_>, scope: &Scope, sha256: &str) -> Result<Option<BlobRow>> {
    Ok(file_blob::Entity::find()
        .filter(file_blob::Column::ZoneId.eq(scope.zone_id()))
        .filter(file_blob::Column::Sha256.eq(sha256))
        .one(c.ex())
        .await?)
}

/// Inserts the blob unless the zone already has one with the same SHA-256 (two uploads racing),
/// and returns the one that is there.
pub async fn insert_blob_if_absent(c: &Conn<'_>, scope: &Scope, row: BlobRow) -> Result<BlobRow> {
    let sha = row.sha256.clone();
    file_blob::Entity::insert(file_blob::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        sha256: Set(row.sha256),
        storage_name: Set(row.storage_name),
        size: Set(row.size),
        created_at: Set(row.created_at),
    })
    .on_conflict_do_nothing_on([file_blob::Column::ZoneId, file_blob::Column::Sha256])
    .exec_without_returning(c.ex())
    .await?;
    blob_by_sha256(c, scope, &sha).await?.ok_or_else(|| crate::StoreError::Db(sea_orm::DbErr::RecordNotFound(sha)))
}

pub async fn insert_file(c: &Conn<'_>, scope: &Scope, row: FileRow) -> Result<FileRow> {
    Ok(file::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        blob_id: Set(row.blob_id),
        uploader_id: Set(row.uploader_id),
        enterprise_id: Set(row.enterprise_id),
        department_id: Set(row.department_id),
        original_name: Set(row.original_name),
        media_type: Set(row.media_type),
        kind: Set(row.kind),
        width: Set(row.width),
        height: Set(row.height),
        thumbnail_name: Set(row.thumbnail_name),
        created_at: Set(row.created_at),
    }
    .insert(c.ex())
    .await?)
}

/// A file the viewer may read, with its blob.
pub async fn file(c: &Conn<'_>, scope: &Scope, viewer: Uuid, id: Uuid) -> Result<Option<(FileRow, BlobRow)>> {
    let Some(f) = file::Entity::find_by_id(id).filter(file_scope(scope, viewer)).one(c.ex()).await? else {
        return Ok(None);
    };
    let blob = file_blob::Entity::find_by_id(f.blob_id)
        .filter(file_blob::Column::ZoneId.eq(scope.zone_id()))
        .one(c.ex())
        .await?;
    Ok(blob.map(|b| (f, b)))
}

/// A thumbnail already made for this blob by an earlier upload of the same content.
pub async fn thumbnail_of_blob(c: &Conn<'_>, scope: &Scope, blob_id: Uuid) -> Result<Option<String>> {
    Ok(file::Entity::find()
        .filter(file::Column::ZoneId.eq(scope.zone_id()))
        .filter(file::Column::BlobId.eq(blob_id))
        .filter(file::Column::ThumbnailName.is_not_null())
        .order_by_asc(file::Column::Id)
        .one(c.ex())
        .await?
        .and_then(|f| f.thumbnail_name))
}

/// How many file records and blobs the zone has (tests and operations).
pub async fn counts(c: &Conn<'_>, scope: &Scope) -> Result<(u64, u64)> {
    let files = file::Entity::find().filter(file::Column::ZoneId.eq(scope.zone_id())).count(c.ex()).await?;
    let blobs = file_blob::Entity::find().filter(file_blob::Column::ZoneId.eq(scope.zone_id())).count(c.ex()).await?;
    Ok((files, blobs))
}
