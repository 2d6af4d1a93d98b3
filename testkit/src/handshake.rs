//! An in-memory rustls handshake: a client and a server connection exchange their records
//! through memory until both finish or one fails, with no sockets and no threads.
//!
//! ```
//! use std::sync::Arc;
//!
//! use rustls::pki_types::ServerName;
//! use sipcert_testkit::handshake::{self, Side};
//! use sipcert_testkit::pki::{Ca, LeafSpec};
//! use sipcert_testkit::provider;
//!
//! let root = Ca::root("Handshake Root");
//! let leaf = root.leaf(LeafSpec::new().dns("example.com"));
//! let server = rustls::ServerConfig::builder_with_provider(provider())
//!     .with_safe_default_protocol_versions()
//!     .unwrap()
//!     .with_no_client_auth()
//!     .with_single_cert(vec![leaf.der.clone()], leaf.key.clone_key())
//!     .unwrap();
//! // A client that trusts no root refuses the server's certificate.
//! let client = rustls::ClientConfig::builder_with_provider(provider())
//!     .with_safe_default_protocol_versions()
//!     .unwrap()
//!     .with_root_certificates(rustls::RootCertStore::empty())
//!     .with_no_client_auth();
//! let name = ServerName::try_from("example.com").unwrap();
//! let (outcome, _server) = handshake::connect(Arc::new(client), Arc::new(server), name);
//! assert!(matches!(outcome, Err((Side::Client, rustls::Error::InvalidCertificate(_)))));
//! ```

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, Error, ServerConfig, ServerConnection,
};

/// Which end of the handshake failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client (it refused the server's certificate, for example).
    Client,
    /// The server (it refused the client's certificate, for example).
    Server,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Client => "client",
            Self::Server => "server",
        })
    }
}

/// How a handshake ended: `Ok` when both ends completed it, else the end that failed and its
/// error.
pub type Outcome = Result<(), (Side, Error)>;

/// Moves everything `from` wants to send into `to`, letting `to` process each read as it
/// goes (one large certificate message would overflow rustls's read buffer otherwise).
/// `Ok(true)` if anything moved; `Err` is `to`'s error.
fn pump<A, B>(
    from: &mut ConnectionCommon<A>,
    to: &mut ConnectionCommon<B>,
    to_side: Side,
) -> Result<bool, (Side, Error)> {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).expect("write to memory");
    }
    let mut rd = &buf[..];
    while !rd.is_empty() {
        to.read_tls(&mut rd).expect("read from memory");
        to.process_new_packets().map_err(|e| (to_side, e))?;
    }
    Ok(!buf.is_empty())
}

/// Drives both ends in memory until the handshake completes or one end fails.
///
/// # Panics
/// When the handshake stalls (neither end has anything to send, and it is not complete).
pub fn handshake(client: &mut ClientConnection, server: &mut ServerConnection) -> Outcome {
    for _ in 0..32 {
        let sent = pump(client, server, Side::Server)?;
        let answered = pump(server, client, Side::Client)?;
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(());
        }
        if !sent && !answered {
            break;
        }
    }
    panic!("handshake stalled");
}

/// A client with `client` connects to a server with `server`, sending `name` (the SNI and
/// the name the client's verifier checks): the outcome, and the server's connection (for
/// `peer_certificates`, the SNI it saw, ...).
pub fn connect(
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: ServerName<'static>,
) -> (Outcome, ServerConnection) {
    let mut c = ClientConnection::new(client, name).expect("client connection");
    let mut s = ServerConnection::new(server).expect("server connection");
    (handshake(&mut c, &mut s), s)
}
