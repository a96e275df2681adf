//! The rubric registry: every `*.toml` under the rubrics folder, validated at start-up.

use std::{collections::BTreeMap, path::Path, sync::Arc};

use crate::domain::rubric::Rubric;

/// The rubrics shipped with the app, used when the folder is absent (for example
/// a binary copied without its rubrics/ directory).
const BUILT_IN: &[(&str, &str)] = &[
    ("iaas.toml", include_str!("../../rubrics/iaas.toml")),
    (
        "managed_inference.toml",
        include_str!("../../rubrics/managed_inference.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum RubricLoadError {
    #[error("cannot read the rubrics folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("the rubrics folder {0} holds no *.toml rubric")]
    Empty(String),
}

#[derive(Debug, Clone)]
pub struct Rubrics {
    by_id: BTreeMap<String, Arc<Rubric>>,
}

fn parse(file: &str, text: &str) -> Result<Rubric, RubricLoadError> {
    let invalid = |message: String| RubricLoadError::Invalid {
        file: file.to_string(),
        message,
    };
    let rubric: Rubric =
        toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
    rubric.validate().map_err(|e| invalid(e.message))?;
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".toml");
    if stem != rubric.id {
        return Err(invalid(format!(
            "the file name must match the id {:?}",
            rubric.id
        )));
    }
    Ok(rubric)
}

impl Rubrics {
    pub fn built_in() -> Self {
        let mut by_id = BTreeMap::new();
        for (file, text) in BUILT_IN {
            let rubric = parse(file, text).expect("the built-in rubrics are valid");
            by_id.insert(rubric.id.clone(), Arc::new(rubric));
        }
        Self { by_id }
    }

    /// Loads `dir/*.toml`; falls back to the built-in rubrics when `dir` does not exist.
    pub fn load(dir: &Path) -> Result<Self, RubricLoadError> {
        if !dir.exists() {
            tracing::info!(path = %dir.display(), "no rubrics folder; using the built-in rubrics");
            return Ok(Self::built_in());
        }
        let folder_error = |source| RubricLoadError::Folder {
            path: dir.display().to_string(),
            source,
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(folder_error)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        files.sort();
        let mut by_id = BTreeMap::new();
        for path in files {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(folder_error)?;
            let rubric = parse(&file, &text)?;
            by_id.insert(rubric.id.clone(), Arc::new(rubric));
        }
        if by_id.is_empty() {
            return Err(RubricLoadError::Empty(dir.display().to_string()));
        }
        Ok(Self { by_id })
    }

    pub fn get(&self, id: &str) -> Option<Arc<Rubric>> {
        self.by_id.get(id).cloned()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<Rubric>> {
        self.by_id.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{rubric::PriorityTier, score::Picks};

    #[test]
    fn the_shipped_rubrics_load_from_the_folder_and_match_the_built_ins() {
        let loaded =
            Rubrics::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics"))).unwrap();
        assert_eq!(
            loaded.ids().collect::<Vec<_>>(),
            vec!["iaas", "managed_inference"]
        );
        let built_in = Rubrics::built_in();
        assert_eq!(loaded.get("iaas"), built_in.get("iaas"));
    }

    fn points(rubric: &Rubric, key: &str) -> Vec<(String, u32)> {
        let criterion = match key {
            "use_case" => &rubric.criteria.use_case,
            "scale_budget" => &rubric.criteria.scale_budget,
            "growth" => &rubric.criteria.growth,
            _ => &rubric.criteria.confidence,
        };
        criterion
            .options
            .iter()
            .map(|o| (o.id.clone(), o.points))
            .collect()
    }

    fn table(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn iaas_has_v1s_point_tables() {
        let iaas = Rubrics::built_in().get("iaas").unwrap();
        assert_eq!(
            points(&iaas, "use_case"),
            table(&[
                ("S", 50),
                ("A", 45),
                ("B", 45),
                ("C", 45),
                ("D", 35),
                ("E", 10),
                ("UNKNOWN", 5)
            ])
        );
        let scale: Vec<u32> = points(&iaas, "scale_budget")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(scale, vec![30, 25, 20, 15, 10, 5, 10, 25]);
        assert_eq!(
            points(&iaas, "growth"),
            table(&[
                ("rapid_growth", 4),
                ("hiring_ml_infra", 3),
                ("recent_funding", 3)
            ])
        );
        assert_eq!(
            points(&iaas, "confidence"),
            table(&[("high", 10), ("medium", 5), ("low", 2)])
        );
        assert_eq!(iaas.max_total(), 100);
        assert_eq!(
            (
                iaas.priority.thresholds.hot,
                iaas.priority.thresholds.warm,
                iaas.priority.thresholds.watch
            ),
            (75, 55, 35)
        );
        assert!(
            iaas.action_for(PriorityTier::Hot)
                .starts_with("High-priority outreach")
        );
    }

    #[test]
    fn managed_inference_has_v1s_point_tables_and_no_tier_e() {
        let managed = Rubrics::built_in().get("managed_inference").unwrap();
        assert_eq!(
            points(&managed, "use_case"),
            table(&[
                ("S", 50),
                ("A", 45),
                ("B", 35),
                ("C", 25),
                ("D", 10),
                ("UNKNOWN", 5)
            ])
        );
        assert_eq!(
            points(&managed, "scale_budget"),
            table(&[
                ("confirmed_provider", 30),
                ("strong_hints", 20),
                ("possible", 10),
                ("no_evidence", 0)
            ])
        );
        // Without platform evidence a company cannot be HOT: 50 + 0 + 10 + 10 = 70.
        let picks: Picks = serde_json::from_value(serde_json::json!({
            "use_case": {"choices": ["S"], "evidence": "", "sources": []},
            "scale_budget": {"choices": ["no_evidence"], "evidence": "", "sources": []},
            "growth": {"choices": ["rapid_growth", "hiring_ai_platform", "recent_funding"], "evidence": "", "sources": []},
            "confidence": {"choices": ["high"], "evidence": "", "sources": []}
        }))
        .unwrap();
        let score = crate::domain::score::score(&managed, &picks, 0).unwrap();
        assert_eq!(score.total, 70);
        assert_eq!(score.priority, PriorityTier::Warm);
        assert!(
            !managed
                .action_for(PriorityTier::Hot)
                .contains("GPU infrastructure")
        );
    }

    #[test]
    fn an_exported_rubric_reads_back_the_same() {
        for rubric in Rubrics::built_in().all() {
            let text = toml::to_string_pretty(rubric.as_ref()).unwrap();
            let back: Rubric = toml::from_str(&text).unwrap();
            assert_eq!(&back, rubric.as_ref());
        }
    }

    #[test]
    fn a_broken_rubric_file_is_reported_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.toml"), "id = \"bad\"\nlabel = 3\n").unwrap();
        let err = Rubrics::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("bad.toml"), "{err}");
    }
}
