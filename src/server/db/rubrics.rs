//! Rubrics and their immutable versions. The built-in rubrics are seeded
//! from `rubrics/*.toml`: on first start, and as a new version whenever a
//! file changes. A version is written once and never updated.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};
use sha2::{Digest, Sha256};

use super::entities::{job, rubric, rubric_version};
use crate::{domain::rubric::Rubric, server::rubrics::Rubrics};

/// The hash a version's content is known by (the score cache keys on it).
pub fn content_hash(rubric: &Rubric) -> String {
    let body = serde_json::to_string(rubric).expect("plain data serialises");
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// A rubric's version as read back: its row and its content.
pub fn decode(row: &rubric_version::Model) -> Result<Rubric, DbErr> {
    serde_json::from_str(&row.body)
        .map_err(|e| DbErr::Custom(format!("rubric version {} cannot be read: {e}", row.id)))
}

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Option<rubric::Model>, DbErr> {
    rubric::Entity::find_by_id(id.to_string()).one(db).await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<rubric::Model>, DbErr> {
    rubric::Entity::find()
        .order_by_asc(rubric::Column::Id)
        .all(db)
        .await
}

pub async fn version(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<rubric_version::Model>, DbErr> {
    rubric_version::Entity::find_by_id(id).one(db).await
}

/// Every version of every rubric, newest first within a rubric.
pub async fn all_versions(db: &impl ConnectionTrait) -> Result<Vec<rubric_version::Model>, DbErr> {
    rubric_version::Entity::find()
        .order_by_asc(rubric_version::Column::RubricId)
        .order_by_desc(rubric_version::Column::Version)
        .all(db)
        .await
}

pub async fn versions_of(
    db: &impl ConnectionTrait,
    rubric_id: &str,
) -> Result<Vec<rubric_version::Model>, DbErr> {
    rubric_version::Entity::find()
        .filter(rubric_version::Column::RubricId.eq(rubric_id))
        .order_by_desc(rubric_version::Column::Version)
        .all(db)
        .await
}

pub async fn latest(
    db: &impl ConnectionTrait,
    rubric_id: &str,
) -> Result<Option<rubric_version::Model>, DbErr> {
    rubric_version::Entity::find()
        .filter(rubric_version::Column::RubricId.eq(rubric_id))
        .order_by_desc(rubric_version::Column::Version)
        .one(db)
        .await
}

pub async fn numbered(
    db: &impl ConnectionTrait,
    rubric_id: &str,
    number: i32,
) -> Result<Option<rubric_version::Model>, DbErr> {
    rubric_version::Entity::find()
        .filter(rubric_version::Column::RubricId.eq(rubric_id))
        .filter(rubric_version::Column::Version.eq(number))
        .one(db)
        .await
}

/// A rubric's row; nothing happens if it exists (another instance was first).
pub async fn create(
    db: &impl ConnectionTrait,
    id: &str,
    built_in: bool,
    by: &str,
) -> Result<bool, DbErr> {
    let inserted = rubric::Entity::insert(rubric::ActiveModel {
        id: Set(id.to_string()),
        built_in: Set(built_in),
        seeded_hash: Set(None),
        created_by_name: Set(by.to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(rubric::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Writes `content` as version `number` of its rubric; `None` when that
/// number was taken meanwhile (someone else saved first).
pub async fn add_version(
    db: &impl ConnectionTrait,
    content: &Rubric,
    number: i32,
    by: &str,
    note: Option<String>,
) -> Result<Option<rubric_version::Model>, DbErr> {
    let inserted = rubric_version::Entity::insert(rubric_version::ActiveModel {
        rubric_id: Set(content.id.clone()),
        version: Set(number),
        body: Set(serde_json::to_string(content).expect("plain data serialises")),
        content_hash: Set(content_hash(content)),
        created_by_name: Set(by.to_string()),
        created_at: Set(Utc::now()),
        note: Set(note),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            rubric_version::Column::RubricId,
            rubric_version::Column::Version,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if inserted == 0 {
        return Ok(None);
    }
    numbered(db, &content.id, number).await
}

/// Seeds the rubrics folder: a rubric the database does not know yet gets
/// version 1; a file that changed since it was last seeded adds a version.
/// Jobs from before versions are stamped with their rubric's version then.
pub async fn seed(db: &impl ConnectionTrait, files: &Rubrics) -> Result<(), DbErr> {
    for content in files.all() {
        let hash = content_hash(content);
        let file = format!("rubrics/{}.toml", content.id);
        create(db, &content.id, true, &file).await?;
        let Some(row) = find(db, &content.id).await? else {
            continue;
        };
        if row.seeded_hash.as_deref() == Some(hash.as_str()) {
            continue;
        }
        let latest = latest(db, &content.id).await?;
        if latest.as_ref().is_none_or(|v| v.content_hash != hash) {
            let number = latest.as_ref().map_or(1, |v| v.version + 1);
            let note = if latest.is_some() {
                format!("{file} changed on the server")
            } else {
                format!("From {file}")
            };
            add_version(db, content, number, &file, Some(note)).await?;
        }
        // Conditional: only the instance that saw the old hash records the new one.
        rubric::Entity::update_many()
            .col_expr(rubric::Column::SeededHash, hash.clone().into())
            .filter(rubric::Column::Id.eq(content.id.clone()))
            .filter(match row.seeded_hash {
                Some(old) => rubric::Column::SeededHash.eq(old),
                None => rubric::Column::SeededHash.is_null(),
            })
            .exec(db)
            .await?;
    }
    stamp_old_jobs(db).await
}

/// Jobs from before versions: their rubric's first version.
async fn stamp_old_jobs(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let unstamped: Vec<String> = job::Entity::find()
        .select_only()
        .column(job::Column::TargetType)
        .filter(job::Column::RubricVersionId.is_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    for rubric_id in unstamped {
        if let Some(first) = numbered(db, &rubric_id, 1).await? {
            job::Entity::update_many()
                .col_expr(job::Column::RubricVersionId, first.id.into())
                .col_expr(job::Column::RubricVersion, first.version.into())
                .filter(job::Column::TargetType.eq(rubric_id))
                .filter(job::Column::RubricVersionId.is_null())
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
