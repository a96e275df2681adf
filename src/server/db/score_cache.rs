//! The score cache: a model's scoring answer kept under the hash of what it
//! was asked (evidence, company, rubric version, model), so the same
//! question is never paid for twice.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::OnConflict,
};

use sha2::{Digest, Sha256};

use super::entities::score_entry;

/// What a scoring call is asked, as one key: the rubric version's content,
/// the model, the company and the evidence exactly as rendered for the prompt.
pub fn key(
    version_hash: &str,
    model: &str,
    name: &str,
    website: Option<&str>,
    evidence: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [version_hash, model, name, website.unwrap_or(""), evidence] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(score_entry::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|entry| entry.answer))
}

/// How many of `keys` the cache holds.
pub async fn count(db: &impl ConnectionTrait, keys: &[String]) -> Result<usize, DbErr> {
    let mut found = 0;
    for chunk in keys.chunks(500) {
        let rows: Vec<String> = score_entry::Entity::find()
            .select_only()
            .column(score_entry::Column::Key)
            .filter(score_entry::Column::Key.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found += rows.len();
    }
    Ok(found)
}

/// Keeps an answer; the first one kept for a key stays.
pub async fn put(
    db: &impl ConnectionTrait,
    key: &str,
    rubric_version_id: i32,
    answer: &str,
) -> Result<(), DbErr> {
    score_entry::Entity::insert(score_entry::ActiveModel {
        key: Set(key.to_string()),
        rubric_version_id: Set(rubric_version_id),
        answer: Set(answer.to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(score_entry::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
