//! Near-duplicate text: word-trigram Jaccard similarity, for spotting two records that describe one workload.

use std::collections::HashSet;

fn trigrams(text: &str) -> HashSet<[String; 3]> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(3)
        .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
        .collect()
}

/// |A ∩ B| / |A ∪ B| over word trigrams; 0 when either text has fewer than three words.
pub fn jaccard(a: &str, b: &str) -> f64 {
    let (a, b) = (trigrams(a), trigrams(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(&b).count() as f64;
    let union = (a.len() + b.len()) as f64 - shared;
    shared / union
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_texts_zero() {
        let text = "A multi-tenant analytics platform on EKS with Aurora for retail customers";
        assert!((jaccard(text, text) - 1.0).abs() < 1e-9);
        assert_eq!(
            jaccard(
                text,
                "A support agent built on Bedrock answering customer tickets"
            ),
            0.0
        );
    }

    #[test]
    fn a_lightly_reworded_description_stays_above_the_threshold() {
        let a =
            "A multi-tenant analytics platform on EKS with Aurora for retail customers in Europe";
        let b =
            "A multi-tenant analytics platform on EKS with Aurora for retail customers in the UK";
        assert!(
            jaccard(a, b) >= crate::policy::DUPLICATE_USE_CASE_SIMILARITY,
            "{}",
            jaccard(a, b)
        );
    }
}
