//! The cache of an [`super::HttpSource`]: chains and failures by URL, each until its expiry,
//! at most a given number of entries. Time is passed in, so the rules are tested without
//! waiting.

use std::collections::HashMap;
use std::time::Instant;

use rustls_pki_types::CertificateDer;

use crate::stir::SourceError;

/// What a fetch gave: the chain, or why there is none.
pub(super) type Outcome = Result<Vec<CertificateDer<'static>>, SourceError>;

#[derive(Debug)]
struct Entry {
    outcome: Outcome,
    expires: Instant,
}

/// Outcomes by URL, each valid until its expiry.
#[derive(Debug)]
pub(super) struct Cache {
    entries: HashMap<String, Entry>,
    capacity: usize,
}

impl Cache {
    /// An empty cache holding at most `capacity` entries (at least one).
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// The outcome cached for `url`, if it has not expired at `now` (an expired one is
    /// dropped).
    pub(super) fn get(&mut self, url: &str, now: Instant) -> Option<Outcome> {
        let fresh = self.entries.get(url).map(|e| now < e.expires)?;
        if fresh {
            self.entries.get(url).map(|e| e.outcome.clone())
        } else {
            self.entries.remove(url);
            None
        }
    }

    /// Keeps `outcome` for `url` until `expires` (not at all when that is not after `now`).
    /// When the cache is full, expired entries go first, then the one expiring soonest.
    pub(super) fn put(&mut self, url: &str, outcome: Outcome, now: Instant, expires: Instant) {
        if expires <= now {
            self.entries.remove(url);
            return;
        }
        if !self.entries.contains_key(url) && self.entries.len() >= self.capacity {
            self.entries.retain(|_, e| now < e.expires);
            if self.entries.len() >= self.capacity {
                let soonest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.expires)
                    .map(|(k, _)| k.clone());
                if let Some(k) = soonest {
                    self.entries.remove(&k);
                }
            }
        }
        self.entries
            .insert(url.to_owned(), Entry { outcome, expires });
    }

    /// How many entries it holds (expired ones included until touched).
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[allow(clippy::unnecessary_wraps)] // an outcome, compared with what the cache returns
    fn chain(byte: u8) -> Outcome {
        Ok(vec![CertificateDer::from(vec![byte])])
    }

    #[test]
    fn entries_live_until_their_expiry() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut cache = Cache::new(10);
        cache.put("a", chain(1), t0, t0 + s(10));
        cache.put("b", Err(SourceError::new("refused")), t0, t0 + s(2));
        cache.put("c", chain(3), t0, t0);
        assert_eq!(cache.get("a", t0 + s(9)), Some(chain(1)));
        assert_eq!(cache.get("a", t0 + s(10)), None, "expired at its expiry");
        assert_eq!(cache.get("a", t0), None, "an expired entry is dropped");
        assert_eq!(
            cache.get("b", t0 + s(1)),
            Some(Err(SourceError::new("refused"))),
            "failures are cached too"
        );
        assert_eq!(cache.get("b", t0 + s(2)), None);
        assert_eq!(cache.get("c", t0), None, "a zero lifetime is not cached");
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_the_soonest() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut cache = Cache::new(2);
        cache.put("a", chain(1), t0, t0 + s(5));
        cache.put("b", chain(2), t0, t0 + s(50));
        cache.put("c", chain(3), t0, t0 + s(20));
        assert_eq!(cache.get("a", t0), None, "the soonest to expire went");
        assert_eq!(cache.get("b", t0), Some(chain(2)));
        assert_eq!(cache.get("c", t0), Some(chain(3)));
        cache.put("c", chain(4), t0, t0 + s(30));
        assert_eq!(cache.len(), 2, "replacing an entry evicts nothing");
        cache.put("d", chain(5), t0 + s(40), t0 + s(60));
        assert_eq!(cache.get("b", t0 + s(40)), Some(chain(2)));
        assert_eq!(cache.get("d", t0 + s(40)), Some(chain(5)));
        assert_eq!(cache.get("c", t0 + s(40)), None, "the expired entry went");
    }
}
