//! Parsed query documents, kept by their text. Clients send the same few operations over and over, and parsing one
//! (async-graphql's PEG parser) cost a tenth of the server's CPU per by-id request (bench/RESULTS.md); a copy of a
//! parsed document costs a fraction of that. Only documents that parsed are kept, and validation still runs on
//! every request, since its outcome depends on the variables. Bounded: the least recently used text goes first.

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

use async_graphql::{Request, ServerError, parser::types::ExecutableDocument};
use lru::LruCache;

use super::error_codes::parse_failed;

/// The cached document a request runs, in its request data: what needs the document after execution (the response
/// order) shares it instead of copying it again.
#[derive(Clone)]
pub struct SharedDocument(pub Arc<ExecutableDocument>);

pub struct DocumentCache {
    /// Shared, so that a hit holds the lock only to count a reference; the copy async-graphql takes is made outside.
    documents: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
}

impl DocumentCache {
    pub fn new(capacity: NonZeroUsize) -> Self {
        Self {
            documents: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The request's document, parsed at most once per distinct text while it stays in the cache.
    pub fn parsed<'r>(
        &self,
        request: &'r mut Request,
    ) -> Result<&'r ExecutableDocument, ServerError> {
        let cached = self.lock().get(&request.query).cloned();
        let document = match cached {
            Some(document) => {
                request.set_parsed_query(ExecutableDocument::clone(&document));
                document
            }
            None => {
                let document = Arc::new(request.parsed_query().map_err(parse_failed)?.clone());
                self.lock().put(request.query.clone(), document.clone());
                document
            }
        };
        request.data.insert(SharedDocument(document));
        request.parsed_query()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<ExecutableDocument>>> {
        // A panic while holding the lock cannot leave the cache inconsistent (each call is one get or put).
        self.documents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(capacity: usize) -> DocumentCache {
        DocumentCache::new(NonZeroUsize::new(capacity).unwrap())
    }

    #[test]
    fn a_repeated_text_gets_the_same_document_as_a_fresh_parse() {
        let cache = cache(4);
        let text = "query Q($id: ID!) { node(id: $id) { id ... on Opportunity { status } } }";
        let fresh = Request::new(text).parsed_query().unwrap().clone();
        let first = cache.parsed(&mut Request::new(text)).unwrap().clone();
        let second = cache.parsed(&mut Request::new(text)).unwrap().clone();
        assert_eq!(format!("{fresh:?}"), format!("{first:?}"));
        assert_eq!(format!("{fresh:?}"), format!("{second:?}"));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_syntax_error_is_reported_every_time_and_never_kept() {
        let cache = cache(4);
        for _ in 0..2 {
            let error = cache.parsed(&mut Request::new("{ node(id: ")).unwrap_err();
            assert!(!error.locations.is_empty(), "{error:?}");
        }
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity() {
        let cache = cache(2);
        for field in ["a", "b", "c"] {
            cache
                .parsed(&mut Request::new(format!("{{ {field} }}")))
                .unwrap();
        }
        assert_eq!(cache.len(), 2);
    }
}
