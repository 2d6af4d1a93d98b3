//! RFC 5922 §7.1 step 1: the subjectAltName walk.
//!
//! `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` (RFC 5280 §4.2.1.6) is read as
//! strict DER: exactly one non-empty SEQUENCE fills the extension value, and every entry carries
//! one of the nine GeneralName tags with its defined encoding (`[0]`, `[3]`, `[4]`, `[5]`
//! constructed; `[1]`, `[2]`, `[6]`, `[7]`, `[8]` primitive). Any other entry makes the
//! certificate malformed: it is never skipped while the rest of the list is used.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::names::{
    Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource, NearMiss,
};
use super::text::printable;
use super::uri_san::{classify_uri, UriSan};
use super::{ExtractError, Identities, Seen};
use crate::der::name::{for_each_attribute, name_text, oid_text};
use crate::der::reader::{self, check_oid, DerError, Reader};
use crate::domain::DomainName;
use crate::policy::Policy;

const FIELD: &str = "subjectAltName";

/// One SAN entry after classification, before the DNS-suppression rule is applied.
enum Entry<'a> {
    Identity(Identity),
    /// A dNSName that is a valid host name (and its octets, shown only if it is ignored);
    /// counts only when no `sip:` URI identity exists.
    Dns(DomainName, &'a [u8]),
    Ignored(IgnoredName),
}

fn malformed(e: DerError) -> ExtractError {
    ExtractError::non_canonical(FIELD, e)
}

/// Reads the extension value (the extnValue OCTET STRING contents) and classifies every entry.
pub(super) fn collect(
    value: Reader<'_>,
    policy: &Policy,
    out: &mut Identities,
) -> Result<(), ExtractError> {
    let mut value = value;
    let mut names = value
        .read_expected(reader::SEQUENCE, "a GeneralNames SEQUENCE")
        .map_err(malformed)?;
    value
        .expect_end("the end of the extension value after the GeneralNames SEQUENCE")
        .map_err(malformed)?;
    if names.at_end() {
        return Err(malformed(
            names.error("at least one GeneralName (GeneralNames is SIZE 1..MAX)"),
        ));
    }
    // Pass 1: only the uniformResourceIdentifier entries are classified (kept for pass 2),
    // because a `sip:` URI identity anywhere in the list suppresses every dNSName (RFC 5922
    // §7.1). A DER error ends the pass; pass 2 reports it at the same entry.
    let mut uris = Vec::new();
    let mut count = 0usize;
    let mut scan = names;
    while let Ok((tag, contents)) = scan.read_tlv() {
        count += 1;
        if tag == TAG_URI {
            uris.push(classify_uri_contents(contents.as_bytes(), policy));
        }
    }
    let uri_domain_found = uris.iter().any(|e| {
        matches!(e, Entry::Identity(id)
            if id.source() == IdentitySource::SanUri && id.domain().is_some())
    });
    out.found.reserve(count);
    let mut seen = Seen::new(count);
    let mut uris = uris.into_iter();
    // Pass 2: every entry in order, each placed as soon as it is classified.
    while !names.at_end() {
        let offset = names.offset();
        let (tag, contents) = names.read_tlv().map_err(malformed)?;
        let cached = if tag == TAG_URI { uris.next() } else { None };
        let entry = match cached {
            Some(entry) => entry,
            None => classify(tag, contents, offset, policy)?,
        };
        match entry {
            Entry::Identity(id) => out.push_identity(id, &mut seen),
            Entry::Ignored(ignored) => out.ignored.push(ignored),
            Entry::Dns(domain, value) => {
                let reason = if policy.is_sip_uri_required() {
                    Some(IgnoreReason::DnsSuppressedByPolicy)
                } else if uri_domain_found {
                    Some(IgnoreReason::DnsSuppressedBySipUri)
                } else {
                    None
                };
                match reason {
                    Some(reason) => out.ignored.push(IgnoredName::new(
                        printable(value),
                        IgnoredSource::SanDns,
                        reason,
                        Some(NearMiss::Name(domain)),
                    )),
                    None => out.push_identity(
                        Identity::new(IdentityName::Domain(domain), IdentitySource::SanDns),
                        &mut seen,
                    ),
                }
            }
        }
    }
    Ok(())
}

/// uniformResourceIdentifier `[6]`.
const TAG_URI: u8 = 0x86;

/// A uniformResourceIdentifier entry's contents.
fn classify_uri_contents(bytes: &[u8], policy: &Policy) -> Entry<'static> {
    match core::str::from_utf8(bytes) {
        Ok(value) => classify_uri_entry(value, policy),
        Err(_) => not_text(6, bytes, IgnoredSource::SanUri, IgnoreReason::UriUnparsable),
    }
}

fn ignored(value: String, source: IgnoredSource, reason: IgnoreReason) -> Entry<'static> {
    Entry::Ignored(IgnoredName::new(value, source, reason, None))
}

/// An IA5String entry whose octets are not even UTF-8: shown as `[n]` and its octets, with the
/// reason its form gets for non-ASCII text.
fn not_text(
    number: u8,
    bytes: &[u8],
    source: IgnoredSource,
    reason: IgnoreReason,
) -> Entry<'static> {
    ignored(format!("[{number}]{}", printable(bytes)), source, reason)
}

/// Classifies one GeneralName (the entry's tag, its contents, its offset). The match is on
/// the exact tag octet and exhaustive on purpose: a tag that is not one of the nine forms with
/// its defined encoding is malformed, never skipped and never an identity.
fn classify<'a>(
    tag: u8,
    contents: Reader<'a>,
    offset: usize,
    policy: &Policy,
) -> Result<Entry<'a>, ExtractError> {
    let bytes = contents.as_bytes();
    Ok(match tag {
        // uniformResourceIdentifier [6] IA5String
        0x86 => classify_uri_contents(bytes, policy),
        // dNSName [2] IA5String
        0x82 => {
            // The common case, a plain host name, first: it passes every check of
            // `classify_dns` before the name's own.
            if let Some(domain) = DomainName::from_plain_ldh(bytes) {
                Entry::Dns(domain, bytes)
            } else if bytes.is_ascii() || core::str::from_utf8(bytes).is_ok() {
                classify_dns(bytes)
            } else {
                not_text(2, bytes, IgnoredSource::SanDns, IgnoreReason::DnsNotAscii)
            }
        }
        // iPAddress [7] OCTET STRING
        0x87 => classify_ip(bytes, policy),
        // rfc822Name [1] IA5String
        0x81 => match core::str::from_utf8(bytes) {
            Ok(_) => ignored(
                format!("email:{}", printable(bytes)),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            ),
            Err(_) => not_text(
                1,
                bytes,
                IgnoredSource::SanOther,
                IgnoreReason::SanEntryInvalid,
            ),
        },
        // otherName [0] { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
        0xa0 => {
            let oid = other_name(contents).map_err(malformed)?;
            ignored(
                format!("otherName:{}", oid_text(oid)),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            )
        }
        // directoryName [4] EXPLICIT Name
        0xa4 => {
            let name = directory_name(contents).map_err(malformed)?;
            ignored(
                format!("dirName:{}", printable(name_text(name).as_bytes())),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            )
        }
        // registeredID [8] OBJECT IDENTIFIER
        0x88 => {
            check_oid(contents).map_err(malformed)?;
            ignored(
                format!("registeredID:{}", oid_text(bytes)),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            )
        }
        // x400Address [3] ORAddress, ediPartyName [5] EDIPartyName: SEQUENCE contents.
        0xa3 => {
            tlv_list(contents).map_err(malformed)?;
            ignored(
                "x400Address".to_owned(),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            )
        }
        0xa5 => {
            tlv_list(contents).map_err(malformed)?;
            ignored(
                "ediPartyName".to_owned(),
                IgnoredSource::SanOther,
                IgnoreReason::SanTypeNotUsable,
            )
        }
        // Constructed forms of the primitive ones, primitive forms of the constructed ones,
        // [9] and above, universal and application tags.
        _ => return Err(ExtractError::UnknownGeneralName { offset, tag }),
    })
}

/// `OtherName` contents: the type-id, then `[0]` holding exactly one value, then nothing.
fn other_name(contents: Reader<'_>) -> Result<&[u8], DerError> {
    let mut r = contents;
    let oid = r.read_oid("an otherName type-id OBJECT IDENTIFIER")?;
    let mut value = r.read_expected(0xa0, "an otherName [0] EXPLICIT value")?;
    value.read_tlv()?;
    value.expect_end("the end of the otherName [0] after its one value")?;
    r.expect_end("the end of the otherName after its value")?;
    Ok(oid)
}

/// `[4] EXPLICIT Name`: one Name SEQUENCE, walked strictly, then nothing; a reader over the
/// Name's contents.
fn directory_name(contents: Reader<'_>) -> Result<Reader<'_>, DerError> {
    let mut r = contents;
    let name = r.read_expected(reader::SEQUENCE, "a directoryName Name SEQUENCE")?;
    r.expect_end("the end of the directoryName after its Name")?;
    for_each_attribute(name, |_| {})?;
    Ok(name)
}

/// The contents of an ORAddress or EDIPartyName: one or more well-formed TLVs.
fn tlv_list(contents: Reader<'_>) -> Result<(), DerError> {
    let mut r = contents;
    if r.at_end() {
        return Err(r.error("at least one component"));
    }
    while !r.at_end() {
        r.read_tlv()?;
    }
    Ok(())
}

fn classify_uri_entry(value: &str, policy: &Policy) -> Entry<'static> {
    let (reason, near_miss) = match classify_uri(value) {
        UriSan::SipDomain(domain) => {
            return Entry::Identity(Identity::new(
                IdentityName::Domain(domain),
                IdentitySource::SanUri,
            ))
        }
        UriSan::SipIp(ip) if policy.are_ip_literals_allowed() => {
            return Entry::Identity(Identity::new(IdentityName::Ip(ip), IdentitySource::SanUri))
        }
        UriSan::SipIp(ip) => (IgnoreReason::UriHostIsIp, Some(NearMiss::Ip(ip))),
        UriSan::UserPart(host) => (IgnoreReason::UriHasUserPart, host.map(NearMiss::Name)),
        UriSan::Sips(host) => (IgnoreReason::UriNotSipScheme, host.map(NearMiss::Name)),
        UriSan::OtherScheme => (IgnoreReason::UriNotSipScheme, None),
        UriSan::Unparsable => (IgnoreReason::UriUnparsable, None),
    };
    Entry::Ignored(IgnoredName::new(
        printable(value.as_bytes()),
        IgnoredSource::SanUri,
        reason,
        near_miss,
    ))
}

/// A dNSName: ASCII host name syntax or ignored. Wildcard shapes (`*.x`, `f*.x`, `.x`) are
/// kept as `dns-wildcard`; a lone `.` is no name at all (`dns-invalid`).
fn classify_dns(value: &[u8]) -> Entry<'_> {
    if !value.is_ascii() {
        return ignored(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsNotAscii,
        );
    }
    if value == b"." {
        return ignored(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsInvalid,
        );
    }
    if value.contains(&b'*') || value.first() == Some(&b'.') {
        let base = value
            .strip_prefix(b"*.")
            .and_then(|rest| DomainName::from_ascii_bytes(rest).ok())
            .map(NearMiss::WildcardBase);
        return Entry::Ignored(IgnoredName::new(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsWildcard,
            base,
        ));
    }
    match DomainName::from_ascii_bytes(value) {
        Ok(domain) => Entry::Dns(domain, value),
        Err(_) => ignored(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsInvalid,
        ),
    }
}

fn classify_ip(bytes: &[u8], policy: &Policy) -> Entry<'static> {
    let ip = if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        IpAddr::V4(Ipv4Addr::from(v4))
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        IpAddr::V6(Ipv6Addr::from(v6))
    } else {
        return ignored(
            format!("IP:{}", printable(bytes)),
            IgnoredSource::SanIp,
            IgnoreReason::IpInvalid,
        );
    };
    if policy.are_ip_literals_allowed() {
        Entry::Identity(Identity::new(IdentityName::Ip(ip), IdentitySource::SanIp))
    } else {
        Entry::Ignored(IgnoredName::new(
            ip.to_string(),
            IgnoredSource::SanIp,
            IgnoreReason::SanTypeNotUsable,
            Some(NearMiss::Ip(ip)),
        ))
    }
}
