//! A cache of validated x5u chains, so that a verifier that sees the same certificate chain
//! for many calls validates it once. An entry is keyed by the chain's DER (leaf and
//! intermediates, in order) and is reused only from the time it was validated until the
//! earliest of the certificates' notAfter, the CRLs' nextUpdate and the caller's lifetime;
//! a clock that goes back before the validation time misses. Thread-safe (one mutex), and
//! bounded: when full, expired entries go first, then the whole cache (a simple bound, not
//! an LRU: a verifier that sees more distinct chains than the capacity loses only speed).

use core::time::Duration;
use std::collections::HashMap;
use std::sync::Mutex;

use rustls_pki_types::CertificateDer;

use super::lint::read_validity;
use crate::der::reader::{Reader, INTEGER, SEQUENCE};

/// When a validated chain may be reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    from: u64,
    until: u64,
}

/// The cache: its bounds and the entries.
#[derive(Debug)]
pub(crate) struct ChainCache {
    lifetime: Duration,
    capacity: usize,
    entries: Mutex<HashMap<Vec<u8>, Window>>,
}

impl ChainCache {
    /// A cache whose entries live at most `lifetime`, holding at most `capacity` chains.
    pub(crate) fn new(lifetime: Duration, capacity: usize) -> Self {
        Self {
            lifetime,
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// An empty cache with the same bounds (for a verifier whose CRLs changed).
    pub(crate) fn emptied(&self) -> Self {
        Self::new(self.lifetime, self.capacity)
    }

    /// Whether `chain` was validated and may be reused at `now` (seconds).
    pub(crate) fn hit(&self, chain: &[CertificateDer<'_>], now: u64) -> bool {
        let key = key(chain);
        let Ok(entries) = self.entries.lock() else {
            return false;
        };
        entries
            .get(&key)
            .is_some_and(|w| w.from <= now && now < w.until)
    }

    /// Records that `chain` validated at `now` (seconds) with CRLs whose earliest nextUpdate
    /// is `crl_next_update`.
    pub(crate) fn insert(
        &self,
        chain: &[CertificateDer<'_>],
        now: u64,
        crl_next_update: Option<u64>,
    ) {
        let Some(not_after) = chain
            .iter()
            .map(|c| read_validity(c.as_ref()).map(|(_, na)| na))
            .collect::<Option<Vec<u64>>>()
            .and_then(|v| v.into_iter().min())
        else {
            // A notAfter that cannot be read: never cached.
            return;
        };
        let mut until = not_after.min(now.saturating_add(self.lifetime.as_secs()));
        if let Some(next) = crl_next_update {
            until = until.min(next);
        }
        if until <= now {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.retain(|_, w| w.from <= now && now < w.until);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key(chain), Window { from: now, until });
    }

    /// How many chains are cached.
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }
}

/// The key: each certificate's length (4 octets) and DER, so that no two chains share one.
fn key(chain: &[CertificateDer<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chain.iter().map(|c| c.as_ref().len() + 4).sum());
    for c in chain {
        let der = c.as_ref();
        out.extend_from_slice(&u32::try_from(der.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(der);
    }
    out
}

/// A CRL's nextUpdate (RFC 5280 §5.1.2.5), seconds since the epoch; `None` when absent or
/// unreadable (then the CRL puts no bound on the cache; webpki judged the CRL itself).
pub(crate) fn next_update(crl: &[u8]) -> Option<u64> {
    let mut outer = Reader::new(crl);
    let mut list = outer.read_expected(SEQUENCE, "").ok()?;
    let mut tbs = list.read_expected(SEQUENCE, "").ok()?;
    tbs.read_optional(INTEGER).ok()?;
    tbs.read_expected(SEQUENCE, "").ok()?;
    tbs.read_expected(SEQUENCE, "").ok()?;
    super::lint::read_time(&mut tbs)?;
    super::lint::read_time(&mut tbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_after: &str) -> CertificateDer<'static> {
        // A certificate whose validity is all the cache reads: the TBSCertificate shape with
        // an empty serial's neighbours.
        let time = |t: &str| {
            let mut v = vec![0x18, 15];
            v.extend_from_slice(t.as_bytes());
            v
        };
        let mut validity = time("20200101000000Z");
        validity.extend(time(not_after));
        let tlv = |tag: u8, body: &[u8]| {
            let mut v = vec![tag, u8::try_from(body.len()).expect("short")];
            v.extend_from_slice(body);
            v
        };
        let oid = tlv(
            0x30,
            &tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]),
        );
        let mut tbs = tlv(0xa0, &[0x02, 0x01, 0x02]);
        tbs.extend(tlv(0x02, &[1]));
        tbs.extend(&oid);
        tbs.extend(tlv(0x30, &[]));
        tbs.extend(tlv(0x30, &validity));
        tbs.extend(tlv(0x30, &[]));
        let spki = {
            let mut alg = tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]);
            alg.extend(tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]));
            let mut s = tlv(0x30, &alg);
            s.extend(tlv(0x03, &[0]));
            tlv(0x30, &s)
        };
        tbs.extend(spki);
        let mut c = tlv(0x30, &tbs);
        c.extend(&oid);
        c.extend(tlv(0x03, &[0]));
        CertificateDer::from(tlv(0x30, &c))
    }

    /// 2030-01-01T00:00:00Z.
    const T2030: u64 = 1_893_456_000;

    #[test]
    fn entries_live_until_the_earliest_bound() {
        let chain = [cert("20300101000000Z")];
        let cache = ChainCache::new(Duration::from_secs(100), 8);
        assert!(!cache.hit(&chain, T2030 - 1000));
        cache.insert(&chain, T2030 - 1000, None);
        assert!(cache.hit(&chain, T2030 - 1000));
        assert!(cache.hit(&chain, T2030 - 901), "within the lifetime");
        assert!(!cache.hit(&chain, T2030 - 900), "the lifetime is over");
        assert!(!cache.hit(&chain, T2030 - 1001), "before it was validated");

        cache.insert(&chain, T2030 - 50, None);
        assert!(cache.hit(&chain, T2030 - 1));
        assert!(!cache.hit(&chain, T2030), "notAfter");

        cache.insert(&chain, T2030 - 1000, Some(T2030 - 990));
        assert!(cache.hit(&chain, T2030 - 991));
        assert!(!cache.hit(&chain, T2030 - 990), "the CRL's nextUpdate");

        let other = [cert("20300101000000Z"), cert("20290101000000Z")];
        assert!(!cache.hit(&other, T2030 - 1000), "another chain");
        cache.insert(&other, T2030 - 400_000_000, None);
        assert!(!cache.hit(&other, 0));
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = ChainCache::new(Duration::from_secs(100), 2);
        let chains: Vec<[CertificateDer<'static>; 1]> =
            ["20300101000000Z", "20300101000001Z", "20300101000002Z"]
                .iter()
                .map(|t| [cert(t)])
                .collect();
        for c in &chains {
            cache.insert(c, T2030 - 1000, None);
            assert!(cache.len() <= 2);
            assert!(cache.hit(c, T2030 - 1000));
        }
        // An unreadable certificate is never cached.
        cache.insert(
            &[CertificateDer::from(vec![0x30, 0x00])],
            T2030 - 1000,
            None,
        );
        assert!(!cache.hit(&[CertificateDer::from(vec![0x30, 0x00])], T2030 - 1000));
    }
}
