//! A hand-built ClientHello, sent on a fresh TCP connection, and the server's first answer
//! read as a ServerHello (or a HelloRetryRequest, or an alert) with `tls-parser`. The
//! handshake is never continued: the connection is closed after that first record, so no
//! legacy (SSLv3, TLS 1.0, 1.1) or weak-suite session is ever established.
//!
//! A TLS 1.3 hello carries an **empty** `key_share`: a server that supports one of the offered
//! groups answers with a HelloRetryRequest naming the group and the suite (RFC 8446 §4.1.4),
//! so any group can be tested, X25519MLKEM768 included, without its key exchange.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use tls_parser::{
    parse_tls_message_handshake, parse_tls_server_hello_extensions, TlsExtension, TlsMessage,
    TlsMessageHandshake,
};

/// TLS 1.3 in `supported_versions`.
pub(crate) const TLS13: u16 = 0x0304;

/// The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446 §4.1.3).
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// The most bytes read for the first record (a record is at most 2^14 + 2048 octets).
const MAX_RECORD: usize = 5 + (1 << 14) + 2048;

/// What one hello offers.
#[derive(Debug, Clone)]
pub(crate) struct Hello<'a> {
    /// `legacy_version` (and the record version): 0x0300 SSLv3 .. 0x0303 TLS 1.2.
    pub(crate) version: u16,
    /// With `supported_versions` = [TLS 1.3] and an empty `key_share`.
    pub(crate) tls13: bool,
    pub(crate) suites: &'a [u16],
    pub(crate) groups: &'a [u16],
    pub(crate) sni: Option<&'a str>,
    pub(crate) alpn: Option<&'a [u8]>,
}

/// The server's first answer to a hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A ServerHello (`retry`: a HelloRetryRequest) with the negotiated version (from
    /// `supported_versions` when present), the suite, and the group a TLS 1.3 server chose.
    Hello {
        version: u16,
        suite: u16,
        group: Option<u16>,
        retry: bool,
    },
    /// A fatal (or any) alert: its description.
    Alert(u8),
    /// The connection closed without an answer.
    Closed,
    /// No answer before the deadline.
    Silent,
    /// Connecting failed.
    Unreachable(String),
    /// Something that is not a ServerHello nor an alert: what, and at which byte.
    Garbled(String),
}

/// The most one question may take (connect, hello, answer), within the probe's deadline: a
/// server that ignores one kind of hello must not spend the whole deadline on it.
pub(crate) const QUESTION_TIME: Duration = Duration::from_secs(3);

/// Sends `hello` to `addr` on a fresh connection and reads the answer, all before `deadline`
/// and within [`QUESTION_TIME`].
pub(crate) fn ask(addr: SocketAddr, hello: &Hello<'_>, deadline: Instant) -> Answer {
    let deadline = Instant::now()
        .checked_add(QUESTION_TIME)
        .map_or(deadline, |t| t.min(deadline));
    let Some(left) = left(deadline) else {
        return Answer::Silent;
    };
    let sock = match TcpStream::connect_timeout(&addr, left) {
        Ok(s) => s,
        Err(e) => return Answer::Unreachable(e.to_string()),
    };
    let _ = sock.set_nodelay(true);
    let bytes = build(hello);
    match exchange(&sock, &bytes, deadline) {
        Ok(record) => read_answer(&record),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Answer::Silent,
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Answer::Closed,
        Err(e) if e.kind() == ErrorKind::ConnectionReset => Answer::Closed,
        Err(e) => Answer::Garbled(e.to_string()),
    }
}

fn left(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Writes the hello, reads one whole record (header, then the length it gives).
fn exchange(sock: &TcpStream, hello: &[u8], deadline: Instant) -> io::Result<Vec<u8>> {
    let timed_out = || io::Error::new(ErrorKind::TimedOut, "deadline");
    let mut s = sock;
    sock.set_write_timeout(Some(left(deadline).ok_or_else(timed_out)?))?;
    s.write_all(hello)?;
    let mut record = vec![0u8; 5];
    read_full(sock, &mut record, deadline)?;
    let len = usize::from(u16::from_be_bytes([record[3], record[4]]));
    if 5 + len > MAX_RECORD {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("the first record announces {len} octets, more than a TLS record holds"),
        ));
    }
    record.resize(5 + len, 0);
    read_full(sock, record.get_mut(5..).unwrap_or_default(), deadline)?;
    Ok(record)
}

fn read_full(sock: &TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<()> {
    let mut s = sock;
    let mut at = 0;
    while at < buf.len() {
        let left = left(deadline).ok_or_else(|| io::Error::new(ErrorKind::TimedOut, "deadline"))?;
        sock.set_read_timeout(Some(left))?;
        match s.read(buf.get_mut(at..).unwrap_or_default())? {
            0 => return Err(io::Error::new(ErrorKind::UnexpectedEof, "closed")),
            n => at += n,
        }
    }
    Ok(())
}

/// The answer in the first record: an alert, or the ServerHello that starts a handshake record.
pub(crate) fn read_answer(record: &[u8]) -> Answer {
    let (Some(&kind), Some(body)) = (record.first(), record.get(5..)) else {
        return Answer::Garbled("a record shorter than its 5-octet header".to_owned());
    };
    match kind {
        21 => match body {
            [_, description, ..] => Answer::Alert(*description),
            _ => Answer::Garbled("an alert record shorter than 2 octets".to_owned()),
        },
        22 => server_hello(body),
        other => Answer::Garbled(format!(
            "a record of content type {other} at byte 0, expected a handshake (22) or alert (21)"
        )),
    }
}

/// The first handshake message of `body`, read as a ServerHello.
fn server_hello(body: &[u8]) -> Answer {
    let msg = match parse_tls_message_handshake(body) {
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)))) => sh,
        Ok((_, other)) => {
            return Answer::Garbled(format!(
                "the first handshake message (byte 5) is not a ServerHello: {other:?}"
            ))
        }
        Err(e) => {
            return Answer::Garbled(format!("the ServerHello at byte 5 does not parse: {e:?}"))
        }
    };
    let mut version = msg.version.0;
    let mut group = None;
    let ext = msg.ext.unwrap_or_default();
    let Ok(([], extensions)) = parse_tls_server_hello_extensions(ext) else {
        return Answer::Garbled("the ServerHello's extensions do not parse".to_owned());
    };
    for e in extensions {
        match e {
            TlsExtension::SupportedVersions(v) => {
                if let [only] = v.as_slice() {
                    version = only.0;
                }
            }
            TlsExtension::KeyShare([hi, lo, ..]) => {
                group = Some(u16::from_be_bytes([*hi, *lo]));
            }
            _ => {}
        }
    }
    Answer::Hello {
        version,
        suite: msg.cipher.0,
        group,
        retry: msg.random == HRR_RANDOM,
    }
}

/// The ClientHello record of `hello`.
pub(crate) fn build(hello: &Hello<'_>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&hello.version.to_be_bytes());
    body.extend_from_slice(&random());
    body.push(0); // no session id
    let suites: Vec<u8> = hello.suites.iter().flat_map(|s| s.to_be_bytes()).collect();
    put16(&mut body, &suites);
    body.extend_from_slice(&[1, 0]); // compression: null only
    put16(&mut body, &extensions(hello));
    let mut handshake = vec![1u8]; // client_hello
    put24(&mut handshake, &body);
    let mut record = vec![22u8];
    // The record version: TLS 1.0 for every hello above SSLv3, as clients do (RFC 8446 §5.1).
    record.extend_from_slice(&hello.version.min(0x0301).to_be_bytes());
    put16(&mut record, &handshake);
    record
}

fn extensions(hello: &Hello<'_>) -> Vec<u8> {
    let mut ext = Vec::new();
    if let Some(name) = hello.sni {
        let mut entry = vec![0u8]; // host_name
        put16(&mut entry, name.as_bytes());
        let mut list = Vec::new();
        put16(&mut list, &entry);
        extension(&mut ext, 0, &list);
    }
    let groups: Vec<u8> = hello.groups.iter().flat_map(|g| g.to_be_bytes()).collect();
    let mut value = Vec::new();
    put16(&mut value, &groups);
    extension(&mut ext, 10, &value); // supported_groups
    extension(&mut ext, 11, &[1, 0]); // ec_point_formats: uncompressed
    let schemes: Vec<u8> = SIGNATURE_SCHEMES
        .iter()
        .flat_map(|s| s.to_be_bytes())
        .collect();
    let mut value = Vec::new();
    put16(&mut value, &schemes);
    extension(&mut ext, 13, &value); // signature_algorithms
    if let Some(protocol) = hello.alpn {
        let mut name = Vec::new();
        put8(&mut name, protocol);
        let mut value = Vec::new();
        put16(&mut value, &name);
        extension(&mut ext, 16, &value);
    }
    extension(&mut ext, 0xff01, &[0]); // renegotiation_info, empty
    if hello.tls13 {
        let mut versions = Vec::new();
        put8(&mut versions, &TLS13.to_be_bytes());
        extension(&mut ext, 43, &versions); // supported_versions
        extension(&mut ext, 45, &[1, 1]); // psk_key_exchange_modes: psk_dhe_ke
        extension(&mut ext, 51, &[0, 0]); // key_share: no share
    }
    ext
}

/// rsa_pss_rsae_*, ecdsa_secp*, ed25519, rsa_pkcs1_*, and the legacy SHA-1 ones.
const SIGNATURE_SCHEMES: [u16; 12] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
];

fn extension(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    put16(out, value);
}

fn put8(out: &mut Vec<u8>, value: &[u8]) {
    out.push(u8::try_from(value.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(value.get(..usize::from(u8::MAX)).unwrap_or(value));
}

fn put16(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(&u16::try_from(value.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(value.get(..usize::from(u16::MAX)).unwrap_or(value));
}

fn put24(out: &mut Vec<u8>, value: &[u8]) {
    let len = u32::try_from(value.len())
        .unwrap_or(0x00FF_FFFF)
        .min(0x00FF_FFFF);
    out.extend_from_slice(len.to_be_bytes().get(1..).unwrap_or_default());
    out.extend_from_slice(value);
}

/// The hello's random: not secret (no session is ever established), only fresh.
fn random() -> [u8; 32] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        let shift = (i % 16) * 8;
        *b = u8::try_from((nanos >> shift) & 0xff).unwrap_or(0) ^ u8::try_from(i).unwrap_or(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records a server sends first, and how they read; malformed input is never a hello.
    #[test]
    fn first_records_read_strictly() {
        let hrr = {
            let mut b = vec![0x03, 0x03];
            b.extend_from_slice(&HRR_RANDOM);
            b.extend_from_slice(&[0, 0x13, 0x01, 0]);
            let ext = [0, 43, 0, 2, 3, 4, 0, 51, 0, 2, 0x11, 0xec];
            b.extend_from_slice(&[0, 12]);
            b.extend_from_slice(&ext);
            let mut hs = vec![2, 0, 0, u8::try_from(b.len()).unwrap()];
            hs.extend_from_slice(&b);
            let mut r = vec![22, 3, 3, 0, u8::try_from(hs.len()).unwrap()];
            r.extend_from_slice(&hs);
            r
        };
        let cases: &[(&str, Vec<u8>, Answer)] = &[
            (
                "HelloRetryRequest for X25519MLKEM768",
                hrr.clone(),
                Answer::Hello {
                    version: TLS13,
                    suite: 0x1301,
                    group: Some(0x11ec),
                    retry: true,
                },
            ),
            ("alert", vec![21, 3, 3, 0, 2, 2, 70], Answer::Alert(70)),
            (
                "short alert",
                vec![21, 3, 3, 0, 1, 2],
                Answer::Garbled("an alert record shorter than 2 octets".to_owned()),
            ),
            (
                "no header",
                vec![22, 3],
                Answer::Garbled("a record shorter than its 5-octet header".to_owned()),
            ),
            (
                "application data",
                vec![23, 3, 3, 0, 0],
                Answer::Garbled(
                    "a record of content type 23 at byte 0, expected a handshake (22) or alert (21)"
                        .to_owned(),
                ),
            ),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(&read_answer(bytes), want, "{name}: {bytes:?}");
        }
        // Every truncation of the HelloRetryRequest is garbled, never a hello.
        for cut in 5..hrr.len() {
            let mut r = hrr.get(..cut).unwrap().to_vec();
            let len = u16::try_from(cut - 5).unwrap().to_be_bytes();
            r[3] = len[0];
            r[4] = len[1];
            assert!(
                matches!(read_answer(&r), Answer::Garbled(_)),
                "cut at {cut}: {:?}",
                read_answer(&r)
            );
        }
    }

    /// Arbitrary first records (random bytes behind a handshake or alert header) never panic,
    /// and a hello is read only from a record whose ServerHello parses.
    #[test]
    fn arbitrary_records_never_panic() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = usize::try_from(next() % 96).unwrap();
            let mut r = vec![if next() % 2 == 0 { 22 } else { 21 }, 3, 3, 0, 0];
            r.extend((0..len).map(|_| u8::try_from(next() & 0xff).unwrap()));
            if let Some(first) = r.get_mut(5) {
                if next() % 2 == 0 {
                    *first = 2; // a ServerHello type, random inside
                }
            }
            let answer = read_answer(&r);
            if let Answer::Hello { .. } = answer {
                assert_eq!(r[0], 22, "{r:?}");
                assert_eq!(r[5], 2, "{r:?}");
            }
        }
    }

    /// The hello is one well-formed record: the lengths add up.
    #[test]
    fn hello_lengths_add_up() {
        let hello = Hello {
            version: 0x0303,
            tls13: true,
            suites: &[0x1301, 0xc02f],
            groups: &[0x001d],
            sni: Some("example.com"),
            alpn: Some(b"sipcert-unknown/1"),
        };
        let r = build(&hello);
        assert_eq!(r[0], 22);
        assert_eq!(usize::from(u16::from_be_bytes([r[3], r[4]])), r.len() - 5);
        assert_eq!(r[5], 1, "client_hello");
        let hs_len = usize::from(r[6]) << 16 | usize::from(r[7]) << 8 | usize::from(r[8]);
        assert_eq!(hs_len, r.len() - 9);
    }
}
