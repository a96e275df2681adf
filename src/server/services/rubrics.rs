//! The ICP studio's rubrics: list, read a version, save a new version,
//! create or clone one, and move one in and out as TOML (the format of
//! `rubrics/`). A saved version is never changed; built-in rubrics are
//! changed by admins only.

use super::audit;
use crate::{
    domain::{
        rubric::Rubric,
        studio::{RubricSummary, RubricVersionView, VersionChoice, VersionSummary},
    },
    server::{
        auth::Actor,
        db::{entities::rubric_version, rubrics},
        state::AppState,
    },
    server_fns::error::AppError,
};

/// The largest TOML file an import takes.
pub const MAX_TOML_BYTES: usize = 256 * 1024;

fn may_edit(actor: &Actor, built_in: bool) -> bool {
    !built_in || actor.is_admin()
}

fn summary(row: &rubric_version::Model) -> VersionSummary {
    VersionSummary {
        id: row.id,
        version: row.version,
        created_by_name: row.created_by_name.clone(),
        created_at: row.created_at,
        note: row.note.clone(),
    }
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("There is no rubric {id:?} on this server."))
}

/// Every rubric, as its latest version describes it.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<RubricSummary>, AppError> {
    let rows = rubrics::all(&state.db).await?;
    let versions = rubrics::all_versions(&state.db).await?;
    let mut list = Vec::new();
    for row in rows {
        // Newest first within a rubric: the first one is the latest.
        let Some(latest) = versions.iter().find(|v| v.rubric_id == row.id) else {
            continue;
        };
        let content = rubrics::decode(latest)?;
        list.push(RubricSummary {
            id: row.id.clone(),
            label: content.label,
            description: content.description,
            built_in: row.built_in,
            latest_version: latest.version,
            latest_version_id: latest.id,
            updated_at: latest.created_at,
            updated_by: latest.created_by_name.clone(),
            may_edit: may_edit(actor, row.built_in),
        });
    }
    list.sort_by(|a, b| (!a.built_in, &a.label).cmp(&(!b.built_in, &b.label)));
    Ok(list)
}

/// Every version of every rubric, for a re-score's choice: each rubric's
/// latest first, then its older versions.
pub async fn choices(state: &AppState, _actor: &Actor) -> Result<Vec<VersionChoice>, AppError> {
    // Newest first within a rubric: each rubric's first version names it.
    let mut versions = rubrics::all_versions(&state.db).await?;
    let mut labels = std::collections::HashMap::new();
    for v in &versions {
        if !labels.contains_key(&v.rubric_id) {
            labels.insert(v.rubric_id.clone(), rubrics::decode(v)?.label);
        }
    }
    versions.sort_by(|a, b| {
        labels
            .get(&a.rubric_id)
            .cmp(&labels.get(&b.rubric_id))
            .then(b.version.cmp(&a.version))
    });
    let mut seen = std::collections::HashSet::new();
    Ok(versions
        .into_iter()
        .map(|v| {
            let latest = seen.insert(v.rubric_id.clone());
            VersionChoice {
                version_id: v.id,
                label: format!(
                    "{}{}",
                    crate::domain::studio::version_label(&labels[&v.rubric_id], v.version),
                    if latest { " (latest)" } else { "" }
                ),
                rubric_id: v.rubric_id,
                latest,
            }
        })
        .collect())
}

/// One version of a rubric (`None`: the latest), with its history.
pub async fn version(
    state: &AppState,
    actor: &Actor,
    id: &str,
    number: Option<i32>,
) -> Result<RubricVersionView, AppError> {
    let row = rubrics::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let history = rubrics::versions_of(&state.db, id).await?;
    let latest = history.first().ok_or_else(|| not_found(id))?;
    let chosen = match number {
        None => latest,
        Some(n) => history.iter().find(|v| v.version == n).ok_or_else(|| {
            AppError::NotFound(format!(
                "Rubric {id:?} has no version {n}; its versions are 1 to {}.",
                latest.version
            ))
        })?,
    };
    Ok(RubricVersionView {
        id: chosen.id,
        version: chosen.version,
        latest_version: latest.version,
        built_in: row.built_in,
        may_edit: may_edit(actor, row.built_in),
        rubric: rubrics::decode(chosen)?,
        created_by_name: chosen.created_by_name.clone(),
        created_at: chosen.created_at,
        note: chosen.note.clone(),
        history: history.iter().map(summary).collect(),
    })
}

/// A version by its id (what jobs and re-scores name).
pub async fn by_version_id(
    state: &AppState,
    actor: &Actor,
    version_id: i32,
) -> Result<RubricVersionView, AppError> {
    let row = rubrics::version(&state.db, version_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no rubric version {version_id}.")))?;
    version(state, actor, &row.rubric_id, Some(row.version)).await
}

fn invalid(content: &Rubric) -> Result<(), AppError> {
    let problems = content.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "The rubric cannot score yet: {}",
            problems.join(" ")
        )))
    }
}

/// Saves `content` as the next version of rubric `id`. `based_on` is the
/// version the editor started from: if someone saved after it, nothing is
/// overwritten and the message says so.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: &str,
    mut content: Rubric,
    based_on: i32,
    note: Option<String>,
) -> Result<RubricVersionView, AppError> {
    let row = rubrics::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if row.built_in {
        actor.require_admin("change a built-in rubric (clone it to make your own)")?;
    }
    content.id = id.to_string();
    invalid(&content)?;
    let latest = rubrics::latest(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if latest.version != based_on {
        return Err(AppError::BadRequest(format!(
            "{} saved version {} of this rubric after you opened version {based_on}: reload it and make your change again.",
            latest.created_by_name, latest.version
        )));
    }
    if latest.content_hash == rubrics::content_hash(&content) {
        return Err(AppError::BadRequest(format!(
            "Nothing changed since version {}: change something, then save.",
            latest.version
        )));
    }
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let saved = rubrics::add_version(&state.db, &content, latest.version + 1, &actor.label(), note)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "Someone saved version {} of this rubric a moment ago: reload it and make your change again.",
                latest.version + 1
            ))
        })?;
    audit(
        state,
        actor,
        "rubric.save",
        format!("rubric {id}"),
        Some(format!("version {}", saved.version)),
    )
    .await;
    version(state, actor, id, Some(saved.version)).await
}

/// An id made from a name: `"GPU buyers (EU)"` -> `gpu_buyers_eu`.
pub fn id_from_label(label: &str) -> String {
    let mut id = String::new();
    for c in label.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    let id = id
        .trim_end_matches('_')
        .chars()
        .take(48)
        .collect::<String>();
    match id.as_str() {
        "" => "rubric".into(),
        // The editor's address for a new rubric.
        "new" => "new_rubric".into(),
        _ => id,
    }
}

/// Creates a new rubric (not built-in) with `content` as version 1.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    mut content: Rubric,
    note: Option<String>,
) -> Result<RubricVersionView, AppError> {
    if content.id.trim().is_empty() || content.id == "new" {
        content.id = id_from_label(&content.label);
    }
    invalid(&content)?;
    if !rubrics::create(&state.db, &content.id, false, &actor.label()).await? {
        return Err(AppError::BadRequest(format!(
            "A rubric with the id {:?} exists already: give this one another name or id.",
            content.id
        )));
    }
    rubrics::add_version(&state.db, &content, 1, &actor.label(), note).await?;
    audit(
        state,
        actor,
        "rubric.create",
        format!("rubric {}", content.id),
        Some(content.label.clone()),
    )
    .await;
    version(state, actor, &content.id, Some(1)).await
}

/// A copy of a version as a new rubric of the person's own.
pub async fn clone_version(
    state: &AppState,
    actor: &Actor,
    version_id: i32,
    label: &str,
) -> Result<RubricVersionView, AppError> {
    let source = by_version_id(state, actor, version_id).await?;
    let label = label.trim();
    if label.is_empty() {
        return Err(AppError::BadRequest(
            "Give the copy a name (for example \"IaaS, EU focus\").".into(),
        ));
    }
    let note = Some(format!(
        "Copied from {} v{}",
        source.rubric.label, source.version
    ));
    let mut content = source.rubric;
    content.label = label.to_string();
    content.id = id_from_label(label);
    create(state, actor, content, note).await
}

/// A version as TOML, in the format of the server's `rubrics/` folder.
pub async fn export_toml(
    state: &AppState,
    actor: &Actor,
    id: &str,
    number: Option<i32>,
) -> Result<(String, String), AppError> {
    let view = version(state, actor, id, number).await?;
    let text = toml::to_string_pretty(&view.rubric)
        .map_err(|e| AppError::internal("cannot write the rubric as TOML", e))?;
    let header = format!(
        "# {} · version {} · exported from Territory Planner\n",
        view.rubric.label, view.version
    );
    Ok((format!("{id}-v{}.toml", view.version), header + &text))
}

/// Reads a TOML rubric (the format of `rubrics/`): a new rubric, or the
/// next version of the one with its id.
pub async fn import_toml(
    state: &AppState,
    actor: &Actor,
    text: &str,
) -> Result<RubricVersionView, AppError> {
    if text.len() > MAX_TOML_BYTES {
        return Err(AppError::TooLarge(format!(
            "The rubric file is {} KB; the most is {} KB.",
            text.len() / 1024,
            MAX_TOML_BYTES / 1024
        )));
    }
    let content: Rubric = toml::from_str(text).map_err(|e| {
        AppError::BadRequest(format!(
            "This is not a rubric file: {}. Export one from the Rubrics page to see the format.",
            e.to_string().trim()
        ))
    })?;
    match rubrics::latest(&state.db, &content.id).await? {
        Some(latest) => {
            save(
                state,
                actor,
                &content.id.clone(),
                content,
                latest.version,
                Some("Imported from a TOML file".into()),
            )
            .await
        }
        None => {
            create(
                state,
                actor,
                content,
                Some("Imported from a TOML file".into()),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_from_names() {
        assert_eq!(id_from_label("GPU buyers (EU)"), "gpu_buyers_eu");
        assert_eq!(id_from_label("  IaaS -- 2027 "), "iaas_2027");
        assert_eq!(id_from_label("!!!"), "rubric");
        assert_eq!(id_from_label("New"), "new_rubric");
    }
}
