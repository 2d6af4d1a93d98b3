//! RFC 3261 SIP and SIPS URIs (work in progress on this branch).
