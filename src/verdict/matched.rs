//! The identity that matched, and how: part of an accept.

use crate::codes::{Relaxation, Via};
use crate::identity::{IdentityName, IdentitySource};

/// The identity that matched, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedIdentity {
    name: IdentityName,
    presented: String,
    source: IdentitySource,
    via: Via,
    relaxations: Vec<Relaxation>,
}

impl MatchedIdentity {
    /// The match `name` (presented as `presented`, from `source`) through `via`, with the
    /// relaxations it used.
    pub(crate) fn new(
        name: IdentityName,
        presented: String,
        source: IdentitySource,
        via: Via,
        relaxations: Vec<Relaxation>,
    ) -> Self {
        Self {
            name,
            presented,
            source,
            via,
            relaxations,
        }
    }

    /// The name that matched: the identity (or, for a wildcard, the reference it covered).
    pub fn name(&self) -> &IdentityName {
        &self.name
    }

    /// The presented identity: the normalized name, or the wildcard pattern (`*.example.com`).
    pub fn presented(&self) -> &str {
        &self.presented
    }

    /// Where the identity came from.
    pub fn source(&self) -> IdentitySource {
        self.source
    }

    /// Which reference matched.
    pub fn via(&self) -> Via {
        self.via
    }

    /// Relaxations this match used (`cn-fallback`, `wildcard`, `ip-literal`, `secure-srv-target`).
    pub fn relaxations(&self) -> &[Relaxation] {
        &self.relaxations
    }
}
