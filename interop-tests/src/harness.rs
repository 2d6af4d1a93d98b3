//! Running external programs in tests: a scratch directory, child processes in their own
//! process group (killed on drop), free loopback ports, and Kamailio started from
//! configuration templates with TLS certificates made by the test.
//!
//! Shared by this crate's interop tests and by `sipcert-integrations` (Rust SIP stacks
//! against Kamailio).
//!
//! Test support: a setup step that fails (a directory, a port, a process that does not
//! start) panics with what failed, which is the test's failure.
#![allow(clippy::missing_panics_doc)]

use std::fs;
use std::io;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::RootCertStore;

use sipcert_testkit::pki::{pem, Ca, Issued, LeafSpec};
use sipcert_testkit::programs::{self, skip};

use crate::sip::{self, SipMessage};

/// Kamailio and its module directory (with `tls.so`).
#[derive(Debug)]
pub struct KamailioInstall {
    /// The `kamailio` binary.
    pub binary: PathBuf,
    /// The module directory (`mpath`).
    pub modules: PathBuf,
}

/// Finds Kamailio and its TLS module; `None` after [`skip`] when one is missing (a failure
/// under `SIPCERT_REQUIRE_INTEROP=1`). `SIPCERT_KAMAILIO` and `SIPCERT_KAMAILIO_MODULES`
/// point at non-standard installs.
pub fn kamailio() -> Option<KamailioInstall> {
    let Some(binary) = programs::find("kamailio", "SIPCERT_KAMAILIO") else {
        skip("kamailio is not installed (Debian: apt-get install kamailio kamailio-tls-modules)");
        return None;
    };
    let mut candidates: Vec<PathBuf> = std::env::var_os("SIPCERT_KAMAILIO_MODULES")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    for lib in [
        "/usr/lib",
        "/usr/lib64",
        "/usr/local/lib",
        "/usr/local/lib64",
    ] {
        candidates.push(Path::new(lib).join("kamailio/modules"));
        if let Ok(entries) = fs::read_dir(lib) {
            for e in entries.flatten() {
                candidates.push(e.path().join("kamailio/modules"));
            }
        }
    }
    let Some(modules) = candidates.into_iter().find(|d| d.join("tls.so").is_file()) else {
        skip("kamailio's tls module (tls.so) is not installed (Debian: kamailio-tls-modules)");
        return None;
    };
    Some(KamailioInstall { binary, modules })
}

/// A per-test directory under the system temp dir; removed at the end unless the test
/// failed (then its path is printed, logs inside).
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new directory for the test `name`, never one another test of this process (or a
    /// leftover of an earlier run) already has: tests with the same `name` run in parallel,
    /// and a shared directory would mix their certificates and keys.
    pub fn new(name: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        loop {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("sipcert-interop-{name}-{}-{n}", std::process::id()));
            match fs::create_dir(&dir) {
                Ok(()) => return Self(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => panic!("create scratch dir {}: {e}", dir.display()),
            }
        }
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.0
    }

    /// `file` inside the directory.
    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    /// Writes `file` (a relative path; missing subdirectories are created) inside the
    /// directory and returns its path.
    pub fn write(&self, file: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(file);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("scratch subdir");
        }
        fs::write(&p, contents).expect("write scratch file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("interop scratch dir kept: {}", self.0.display());
        } else {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// A certificate and key on disk.
#[derive(Debug, Clone)]
pub struct CertFiles {
    /// The certificate (PEM).
    pub cert: PathBuf,
    /// Its private key (PEM).
    pub key: PathBuf,
}

impl CertFiles {
    /// Writes a certificate of the test kit's PKI and its key to `{name}.pem` and
    /// `{name}.key` in `scratch`.
    pub fn write(scratch: &Scratch, name: &str, issued: &Issued) -> Self {
        Self {
            cert: scratch.write(&format!("{name}.pem"), pem("CERTIFICATE", &issued.der)),
            key: scratch.write(
                &format!("{name}.key"),
                pem("PRIVATE KEY", issued.key.secret_der()),
            ),
        }
    }
}

/// The test PKI of the Kamailio tests (here and in `sipcert-integrations`): one root of the
/// test kit's PKI issuing the certificate of each role, written to a scratch directory.
#[derive(Debug)]
pub struct KamailioPki {
    /// The root certificate (PEM).
    pub root: PathBuf,
    /// Kamailio, RFC 5922 style: `URI:sip:example.test` (and `URI:sip:<also>`).
    pub domain: CertFiles,
    /// Kamailio, RFC 3261 host style: `DNS:sip.example.test` (and `DNS:sip.<also>`) only.
    pub host_style: CertFiles,
    /// Kamailio's client certificate for relaying: `URI:sip:kamailio.test`.
    pub kamailio_client: CertFiles,
    /// A client certificate with no SIP domain identity: `URI:sip:relay@kamailio.test` (a
    /// user part, RFC 5922 §7.1).
    pub user_part_client: CertFiles,
    /// The server Kamailio relays to: `URI:sip:peer.test`.
    pub peer_server: CertFiles,
}

impl KamailioPki {
    /// Issues and writes every certificate; `also` adds a second SIP domain to the two
    /// Kamailio server certificates (`localhost` for clients that connect by that name).
    pub fn create(scratch: &Scratch, also: Option<&str>) -> Self {
        let ca = Ca::root("sipcert Kamailio test root");
        let root = scratch.write("root.pem", pem("CERTIFICATE", &ca.der));
        let leaf = |name: &str, cn: &str, spec: LeafSpec| {
            CertFiles::write(scratch, name, &ca.leaf(spec.cn(cn)))
        };
        let (mut domain, mut host_style) = (
            LeafSpec::new().uri("sip:example.test"),
            LeafSpec::new().dns("sip.example.test"),
        );
        if let Some(host) = also {
            domain = domain.uri(&format!("sip:{host}"));
            host_style = host_style.dns(&format!("sip.{host}"));
        }
        Self {
            domain: leaf("domain", "example.test", domain),
            host_style: leaf("host-style", "sip.example.test", host_style),
            kamailio_client: leaf(
                "kamailio-client",
                "kamailio.test",
                LeafSpec::new().uri("sip:kamailio.test"),
            ),
            user_part_client: leaf(
                "user-part-client",
                "kamailio.test",
                LeafSpec::new().uri("sip:relay@kamailio.test"),
            ),
            peer_server: leaf(
                "peer-server",
                "peer.test",
                LeafSpec::new().uri("sip:peer.test"),
            ),
            root,
        }
    }

    /// The root as a rustls store.
    pub fn roots(&self) -> Arc<RootCertStore> {
        sip::load_roots(&self.root).expect("the test root")
    }

    /// The peer server's chain and key, for a rustls server.
    pub fn peer_server_chain(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (
            sip::load_certs(&self.peer_server.cert).expect("peer server certificate"),
            sip::load_key(&self.peer_server.key).expect("peer server key"),
        )
    }
}

/// A TCP port free on 127.0.0.1 at the time of the call.
pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind loopback")
        .port()
}

/// A UDP port free on 127.0.0.1 at the time of the call.
pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind loopback")
        .port()
}

/// A port free on 127.0.0.1 for both UDP and TCP at the time of the call (a DNS server
/// listens on both).
pub fn free_udp_tcp_port() -> u16 {
    loop {
        let port = free_udp_port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A rustls server with `config` on a free loopback port, a thread per connection: the
/// handshake, then a SIP OPTIONS (if one comes) answered with `200 OK`. Its port.
pub fn tls_server(config: Arc<rustls::ServerConfig>) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(mut conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                while conn.is_handshaking() {
                    if conn.complete_io(&mut sock).is_err() {
                        return;
                    }
                }
                let mut stream = rustls::Stream::new(&mut conn, &mut sock);
                let mut buf = [0u8; 4096];
                if let Ok(n) = stream.read(&mut buf) {
                    if buf.get(..n).is_some_and(|b| b.starts_with(b"OPTIONS ")) {
                        let _ = stream.write_all(
                            b"SIP/2.0 200 OK\r\nServer: sipcert-test\r\nContent-Length: 0\r\n\r\n",
                        );
                        let _ = stream.flush();
                    }
                }
            });
        }
    });
    port
}

// ---------------------------------------------------------------------------------------
// External processes
// ---------------------------------------------------------------------------------------

/// A child process in its own process group, output in a log file; the whole group is
/// terminated on drop (SIGTERM, then SIGKILL after 3 s).
#[derive(Debug)]
pub struct Proc {
    child: Child,
    log: PathBuf,
    exited: Option<ExitStatus>,
}

impl Proc {
    /// Starts `cmd` with stdout and stderr in `log`.
    pub fn spawn(name: &'static str, mut cmd: Command, log: PathBuf) -> Self {
        let out = fs::File::create(&log).expect("create log");
        let err = out.try_clone().expect("dup log");
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self {
            child,
            log,
            exited: None,
        }
    }

    /// Like [`Proc::spawn`], but stdout goes to `log` and stderr to `log` + `.err`, so that
    /// [`Proc::log`] gives stdout first.
    pub fn spawn_split(mut cmd: Command, log: PathBuf) -> Self {
        let err = fs::File::create(log.with_extension("err")).expect("create log");
        cmd.stderr(err);
        let out = fs::File::create(&log).expect("create log");
        cmd.stdin(Stdio::null()).stdout(out).process_group(0);
        let child = cmd.spawn().expect("start a built binary");
        Self {
            child,
            log,
            exited: None,
        }
    }

    /// What the process wrote so far.
    pub fn log(&self) -> String {
        let out = fs::read_to_string(&self.log).unwrap_or_default();
        let err = fs::read_to_string(self.log.with_extension("err")).unwrap_or_default();
        out + &err
    }

    /// The exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().ok().flatten();
        }
        self.exited
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = self.exited() {
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits up to `timeout` for `needle` to appear in the log.
    pub fn wait_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.log().contains(needle) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Sends `signal` to the process group this test created for the child.
    fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args(["-s", signal, "--", &format!("-{}", self.child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.signal_group("TERM");
            if self.wait_exit(Duration::from_secs(3)).is_none() {
                self.signal_group("KILL");
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
            // Kamailio's workers share the group; none may outlive the test.
            self.signal_group("KILL");
        }
    }
}

/// How to start Kamailio: its configuration templates and what to put in them.
///
/// `cfg_template` may use `@MPATH@`, `@UDP_PORT@`, `@TLS_PORT@`, `@TLS_CFG@`, `@RELAY_PORT@`;
/// `tls_template` `@SERVER_CERT@`, `@SERVER_KEY@`, `@CLIENT_CERT@`, `@CLIENT_KEY@`, `@CA@`.
#[derive(Debug, Clone, Copy)]
pub struct KamailioConfig<'a> {
    /// The `kamailio.cfg` template.
    pub cfg_template: &'a str,
    /// The `tls.cfg` template.
    pub tls_template: &'a str,
    /// The certificate Kamailio presents as a TLS server.
    pub server: &'a CertFiles,
    /// The certificate Kamailio presents as a TLS client (when it relays).
    pub client: &'a CertFiles,
    /// The CA Kamailio trusts (PEM).
    pub ca: &'a Path,
    /// Where Kamailio relays requests it does not answer itself (127.0.0.1, TLS).
    pub relay_port: u16,
    /// The Request-URI of the OPTIONS that shows Kamailio is ready (answered 200).
    pub ready_uri: &'a str,
}

/// A Kamailio instance on 127.0.0.1.
#[derive(Debug)]
pub struct Kamailio {
    /// The process (its log, its exit).
    pub proc: Proc,
    /// The UDP listener.
    pub udp: SocketAddr,
    /// The TLS listener.
    pub tls: SocketAddr,
}

impl Kamailio {
    /// Starts Kamailio from `config`'s templates (presenting `config.server` on its TLS
    /// port, relaying with the client certificate `config.client` to
    /// 127.0.0.1:`config.relay_port`), and waits until it answers OPTIONS
    /// `config.ready_uri` over UDP with 200.
    pub fn start(
        install: &KamailioInstall,
        scratch: &Scratch,
        config: &KamailioConfig<'_>,
    ) -> Self {
        let KamailioConfig {
            cfg_template,
            tls_template,
            server,
            client,
            ca,
            relay_port,
            ready_uri,
        } = *config;
        let udp_port = free_udp_port();
        let tls_port = free_tcp_port();
        let path = |p: &Path| p.display().to_string();
        let tls_cfg = scratch.write(
            "tls.cfg",
            tls_template
                .replace("@SERVER_CERT@", &path(&server.cert))
                .replace("@SERVER_KEY@", &path(&server.key))
                .replace("@CLIENT_CERT@", &path(&client.cert))
                .replace("@CLIENT_KEY@", &path(&client.key))
                .replace("@CA@", &path(ca)),
        );
        let cfg = scratch.write(
            "kamailio.cfg",
            cfg_template
                .replace("@MPATH@", &format!("{}/", path(&install.modules)))
                .replace("@UDP_PORT@", &udp_port.to_string())
                .replace("@TLS_PORT@", &tls_port.to_string())
                .replace("@TLS_CFG@", &path(&tls_cfg))
                .replace("@RELAY_PORT@", &relay_port.to_string()),
        );
        let mut k = Self {
            proc: spawn_kamailio(install, scratch, &cfg, &[]),
            udp: SocketAddr::from(([127, 0, 0, 1], udp_port)),
            tls: SocketAddr::from(([127, 0, 0, 1], tls_port)),
        };
        wait_kamailio_ready(&mut k.proc, k.udp, ready_uri, 200, Duration::from_secs(20));
        k
    }

    /// Kamailio's log so far.
    pub fn log(&self) -> String {
        self.proc.log()
    }
}

/// Starts `install`'s Kamailio with the rendered configuration `cfg`, in `scratch` (runtime
/// directory `kamailio-run`, log `kamailio.log`), with the extra environment `env`.
pub fn spawn_kamailio(
    install: &KamailioInstall,
    scratch: &Scratch,
    cfg: &Path,
    env: &[(&str, &Path)],
) -> Proc {
    let run_dir = scratch.path("kamailio-run");
    fs::create_dir_all(&run_dir).expect("run dir");
    let mut cmd = Command::new(&install.binary);
    // -DD: stay in the foreground; -E: log to stderr; -Y: runtime dir; small memory.
    cmd.arg("-DD")
        .arg("-E")
        .arg("-f")
        .arg(cfg)
        .arg("-Y")
        .arg(&run_dir)
        .args(["-m", "64", "-M", "8"])
        .envs(env.iter().copied())
        .current_dir(scratch.dir());
    Proc::spawn("kamailio", cmd, scratch.path("kamailio.log"))
}

/// Polls Kamailio (`proc`, listening on `udp`) with OPTIONS `ready_uri` over UDP until it
/// answers `status`.
///
/// # Panics
/// When Kamailio exits or does not answer so within `timeout` (the message has its log).
pub fn wait_kamailio_ready(
    proc: &mut Proc,
    udp: SocketAddr,
    ready_uri: &str,
    status: u16,
    timeout: Duration,
) {
    let deadline = Instant::now() + timeout;
    let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
    while Instant::now() < deadline {
        if let Some(exit) = proc.exited() {
            panic!(
                "kamailio exited during startup ({exit})\n--- kamailio log ---\n{}",
                proc.log()
            );
        }
        if let Ok(resp) = udp_exchange(&sock, udp, ready_uri, Duration::from_millis(300)) {
            if resp.status_code() == Some(status) {
                return;
            }
        }
    }
    panic!(
        "kamailio did not answer OPTIONS on {udp} with {status} within {timeout:?}\n--- kamailio log ---\n{}",
        proc.log()
    );
}

/// Sends OPTIONS `request_uri` over UDP to `to` and returns the first final response,
/// retransmitting every 500 ms (RFC 3261 timer E) until `timeout`.
pub fn udp_exchange(
    sock: &UdpSocket,
    to: SocketAddr,
    request_uri: &str,
    timeout: Duration,
) -> io::Result<SipMessage> {
    let request = sip::options_request(request_uri, "UDP", sock.local_addr()?);
    let call_id = request.header("call-id").unwrap_or_default().to_owned();
    let deadline = Instant::now() + timeout;
    let mut next_send = Instant::now();
    let mut buf = vec![0u8; 65536];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "no final response"));
        }
        if now >= next_send {
            sock.send_to(&request.to_bytes(), to)?;
            next_send = now + Duration::from_millis(500);
        }
        let wait = (deadline.min(next_send) - now).max(Duration::from_millis(1));
        sock.set_read_timeout(Some(wait))?;
        match sock.recv_from(&mut buf) {
            Ok((n, _)) => {
                let Ok(msg) = sip::parse_message(&buf[..n]) else {
                    continue;
                };
                if msg.header("call-id") == Some(call_id.as_str())
                    && msg.status_code().is_some_and(|c| c >= 200)
                {
                    return Ok(msg);
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
}
