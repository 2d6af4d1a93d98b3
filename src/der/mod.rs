//! A small strict DER reader (ITU-T X.690 §10) and the strict walk of an X.509 certificate
//! (RFC 5280 §4.1) that identity extraction, the EKU policy, the CA checks, the hints and DANE
//! read from: the one certificate parser on sipcert's decision path.
//!
//! - [`reader`]: TLVs with canonical lengths, minimal OIDs, absolute error offsets;
//! - [`name`]: the strict walk of a Name and its rendering for messages;
//! - [`time`]: the RFC 5280 §4.1.2.5 time forms;
//! - [`cert`]: the certificate walk ([`cert::Certificate`]) and its accessors;
//! - `duplicates`: no extension twice (RFC 5280 §4.2);
//! - [`ext`]: the keyUsage and basicConstraints values a CA is judged by.
//!
//! Nothing here recurses on the input: the walk descends only where the X.509 structure asks
//! for it, a fixed number of levels deep.

pub(crate) mod cert;
mod duplicates;
pub(crate) mod ext;
pub(crate) mod name;
pub(crate) mod reader;
pub(crate) mod time;
