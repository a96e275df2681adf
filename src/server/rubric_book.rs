//! The rubric versions jobs score with, read from the database and kept in
//! memory by id (a version never changes once written, so every instance
//! may keep its copy).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use sea_orm::{DatabaseConnection, DbErr};

use super::{
    db::{entities::rubric_version, rubrics},
    rubrics::Rubrics,
};
use crate::domain::rubric::Rubric;

/// One version of a rubric, as a job uses it.
#[derive(Debug)]
pub struct RubricVersion {
    pub id: i32,
    /// Its number within the rubric (v1, v2…).
    pub number: i32,
    /// What the score cache keys on.
    pub hash: String,
    pub rubric: Rubric,
}

#[derive(Clone)]
pub struct RubricBook {
    db: DatabaseConnection,
    versions: Arc<Mutex<HashMap<i32, Arc<RubricVersion>>>>,
}

impl RubricBook {
    /// Seeds the rubrics folder into the database (see [`rubrics::seed`]).
    pub async fn seeded(db: DatabaseConnection, files: &Rubrics) -> Result<Self, DbErr> {
        rubrics::seed(&db, files).await?;
        Ok(Self {
            db,
            versions: Arc::default(),
        })
    }

    fn kept(&self, row: &rubric_version::Model) -> Result<Arc<RubricVersion>, DbErr> {
        if let Some(kept) = self.versions.lock().expect("versions").get(&row.id) {
            return Ok(kept.clone());
        }
        let version = Arc::new(RubricVersion {
            id: row.id,
            number: row.version,
            hash: row.content_hash.clone(),
            rubric: rubrics::decode(row)?,
        });
        self.versions
            .lock()
            .expect("versions")
            .insert(row.id, version.clone());
        Ok(version)
    }

    /// A version by its id.
    pub async fn version(&self, id: i32) -> Result<Option<Arc<RubricVersion>>, DbErr> {
        if let Some(kept) = self.versions.lock().expect("versions").get(&id) {
            return Ok(Some(kept.clone()));
        }
        match rubrics::version(&self.db, id).await? {
            Some(row) => self.kept(&row).map(Some),
            None => Ok(None),
        }
    }

    /// The latest version of a rubric.
    pub async fn latest(&self, rubric_id: &str) -> Result<Option<Arc<RubricVersion>>, DbErr> {
        match rubrics::latest(&self.db, rubric_id).await? {
            Some(row) => self.kept(&row).map(Some),
            None => Ok(None),
        }
    }

    /// The version a job scores with: the one it recorded, else (a job from
    /// before versions, not started yet) its rubric's latest.
    pub async fn for_job(
        &self,
        version_id: Option<i32>,
        rubric_id: &str,
    ) -> Result<Option<Arc<RubricVersion>>, DbErr> {
        match version_id {
            Some(id) => self.version(id).await,
            None => self.latest(rubric_id).await,
        }
    }

    /// The ids of every rubric, for messages that list them.
    pub async fn ids(&self) -> Result<Vec<String>, DbErr> {
        Ok(rubrics::all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect())
    }
}
