//! Reading a JSON object out of a model's answer, for servers that ignore
//! structured output: code fences, prose around the object, a BOM.

use serde::de::DeserializeOwned;

/// The first balanced `{...}` in `text` (string-aware), if any.
pub fn extract_json_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in text[start..].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + offset + c.len_utf8()]);
                }
            }
            _ => {}
        }
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    #[error("the answer contains no JSON object")]
    NoObject,
    #[error("the answer does not match the expected structure: {0}")]
    Shape(String),
}

/// Parses the answer into `T`, whose serde shape mirrors the JSON schema sent
/// (unknown fields rejected, every field required).
/// NUL characters are removed from every string first: PostgreSQL refuses
/// them in text, and no reasoning needs them.
pub fn parse_answer<T: DeserializeOwned>(text: &str) -> Result<T, OutputError> {
    let object = extract_json_object(text).ok_or(OutputError::NoObject)?;
    let mut value: serde_json::Value =
        serde_json::from_str(object).map_err(|e| OutputError::Shape(e.to_string()))?;
    strip_nul(&mut value);
    serde_json::from_value(value).map_err(|e| OutputError::Shape(e.to_string()))
}

/// Removes NUL characters from every string in `value`.
pub fn strip_nul(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => text.retain(|c| c != '\0'),
        Value::Array(items) => items.iter_mut().for_each(strip_nul),
        Value::Object(fields) => fields.values_mut().for_each(strip_nul),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_escapes_in_answers_are_removed() {
        #[derive(serde::Deserialize)]
        struct Answer {
            reasoning: String,
        }
        let answer: Answer = parse_answer("{\"reasoning\": \"GPU\\u0000 heavy\"}").unwrap();
        assert_eq!(answer.reasoning, "GPU heavy");
    }

    #[test]
    fn objects_are_found_inside_fences_and_prose() {
        assert_eq!(extract_json_object("{\"a\":1}"), Some("{\"a\":1}"));
        assert_eq!(
            extract_json_object("```json\n{\"a\":{\"b\":2}}\n```"),
            Some("{\"a\":{\"b\":2}}")
        );
        assert_eq!(
            extract_json_object("Sure! Here it is: {\"s\":\"a } brace\"} Hope it helps {x}"),
            Some("{\"s\":\"a } brace\"}")
        );
        assert_eq!(extract_json_object("no json here"), None);
        assert_eq!(extract_json_object("{\"unterminated\": 1"), None);
    }

    #[test]
    fn shapes_are_checked() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct T {
            #[allow(dead_code)]
            a: u32,
        }
        assert!(parse_answer::<T>("```{\"a\": 3}```").is_ok());
        assert!(matches!(
            parse_answer::<T>("{\"a\": \"x\"}"),
            Err(OutputError::Shape(_))
        ));
        assert!(matches!(
            parse_answer::<T>("{\"a\": 1, \"b\": 2}"),
            Err(OutputError::Shape(_))
        ));
        assert_eq!(
            parse_answer::<T>("nothing").unwrap_err(),
            OutputError::NoObject
        );
    }
}
