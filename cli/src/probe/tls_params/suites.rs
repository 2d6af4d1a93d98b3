//! The suites and groups the scan asks for, and what makes a suite weak (from `tls-parser`'s
//! IANA table: key exchange, cipher, mode, key size, MAC).

use tls_parser::{TlsCipherEnc, TlsCipherEncMode, TlsCipherKx, TlsCipherMac, TlsCipherSuite};

/// The TLS 1.3 suites (RFC 8446 §B.4).
pub(crate) const TLS13_SUITES: [u16; 5] = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

/// The suites below TLS 1.3 tested one by one: the modern AEAD ones, CBC, static RSA key
/// exchange, 3DES, RC4, NULL, EXPORT and anonymous ones.
pub(crate) const LEGACY_SUITES: [u16; 44] = [
    0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f, 0xccaa, // AEAD, PFS
    0xc009, 0xc00a, 0xc013, 0xc014, 0xc023, 0xc024, 0xc027, 0xc028, // ECDHE CBC
    0x0033, 0x0039, 0x0067, 0x006b, // DHE CBC
    0x009c, 0x009d, 0x002f, 0x0035, 0x003c, 0x003d, // RSA key exchange
    0x000a, 0xc012, 0xc008, 0x0016, // 3DES
    0x0005, 0x0004, 0xc011, 0xc007, // RC4
    0x0001, 0x0002, 0x003b, 0xc010, // NULL
    0x0003, 0x0006, 0x0008, 0x0014, // EXPORT
    0x0034, // anonymous DH
];

/// The groups tested: (name, id).
pub(crate) const GROUPS: [(&str, u16); 4] = [
    ("X25519", 0x001d),
    ("secp256r1", 0x0017),
    ("secp384r1", 0x0018),
    ("X25519MLKEM768", 0x11ec),
];

/// Whether a suite exists below TLS 1.2 (no AEAD, no SHA-2 MAC or PRF).
pub(crate) fn before_tls12(id: u16) -> bool {
    TlsCipherSuite::from_id(id).is_some_and(|c| {
        !matches!(
            c.mac,
            TlsCipherMac::Aead | TlsCipherMac::HmacSha256 | TlsCipherMac::HmacSha384
        )
    })
}
/// The IANA name of a suite (its number when unknown).
pub(crate) fn suite_name(id: u16) -> String {
    TlsCipherSuite::from_id(id).map_or_else(|| format!("0x{id:04x}"), |c| c.name.to_owned())
}

/// Why a suite is weak: its properties that testssl.sh and SSL Labs flag.
pub(crate) fn weaknesses(id: u16) -> Vec<&'static str> {
    let Some(c) = TlsCipherSuite::from_id(id) else {
        return vec!["unknown-suite"];
    };
    let mut weak = Vec::new();
    let anonymous =
        matches!(c.kx, TlsCipherKx::Null) || matches!(c.au, tls_parser::TlsCipherAu::Null);
    // Static key exchange; the anonymous DH suites are ephemeral (and flagged as anonymous).
    if matches!(c.kx, TlsCipherKx::Rsa | TlsCipherKx::Dh | TlsCipherKx::Ecdh) && !anonymous {
        weak.push("no-forward-secrecy");
    }
    if anonymous {
        weak.push("anonymous");
    }
    match c.enc {
        TlsCipherEnc::Null => weak.push("null-cipher"),
        TlsCipherEnc::Rc4 | TlsCipherEnc::Rc2 => weak.push("rc4"),
        TlsCipherEnc::Des | TlsCipherEnc::TripleDes => weak.push("des"),
        TlsCipherEnc::Idea | TlsCipherEnc::Seed => weak.push("obsolete-cipher"),
        TlsCipherEnc::Aria
        | TlsCipherEnc::Aes
        | TlsCipherEnc::Camellia
        | TlsCipherEnc::Chacha20_Poly1305
        | TlsCipherEnc::Sm4
        | TlsCipherEnc::Aegis => {}
    }
    if c.enc_mode == TlsCipherEncMode::Cbc {
        weak.push("cbc");
    }
    if c.enc_size > 0 && c.enc_size < 112 {
        weak.push("export");
    }
    if c.mac == TlsCipherMac::HmacMd5 {
        weak.push("md5");
    }
    weak
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The connection bound of the scan's documentation: 24 suites below TLS 1.2.
    #[test]
    fn suites_below_tls12() {
        let below = LEGACY_SUITES.iter().filter(|id| before_tls12(**id)).count();
        assert_eq!(below, 24);
    }

    /// Each weakness label, on a suite that has it; a modern suite has none.
    #[test]
    fn weakness_labels() {
        let cases: &[(u16, &[&str])] = &[
            (0xc02f, &[]),
            (0x1301, &[]),
            (0xc013, &["cbc"]),
            (0x009c, &["no-forward-secrecy"]),
            (0x000a, &["no-forward-secrecy", "des", "cbc"]),
            (0x0005, &["no-forward-secrecy", "rc4"]),
            (0x0004, &["no-forward-secrecy", "rc4", "md5"]),
            (0x0001, &["no-forward-secrecy", "null-cipher", "md5"]),
            (0x0034, &["anonymous", "cbc"]),
        ];
        for (id, want) in cases {
            assert_eq!(weaknesses(*id), *want, "0x{id:04x} {}", suite_name(*id));
        }
        assert_eq!(weaknesses(0xfefe), ["unknown-suite"]);
        assert!(
            weaknesses(0x0003).contains(&"export"),
            "{:?}",
            weaknesses(0x0003)
        );
    }
}
