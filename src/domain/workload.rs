//! Workload identity: two records describe the same workload when their normalized names match.

/// Lowercase alphanumeric words joined by single spaces: "Support-Agent  (GenAI)" → "support agent genai".
pub fn normalize_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_only_in_case_and_punctuation_are_one_workload() {
        assert_eq!(
            normalize_name("Support-Agent  (GenAI)"),
            "support agent genai"
        );
        assert_eq!(
            normalize_name("support agent GenAI"),
            normalize_name("Support-Agent  (GenAI)")
        );
        assert_ne!(
            normalize_name("Core platform"),
            normalize_name("Support agent")
        );
    }
}
