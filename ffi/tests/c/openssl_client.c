/*
 * A SIP-over-TLS client the way an OpenSSL-based stack would write it: OpenSSL validates the
 * path (SSL_VERIFY_PEER with the CA file), and the verify callback asks sipcert, at depth 0,
 * whether the server's certificate is valid for the SIP domain (RFC 5922 §7.2, §7.3).
 *
 * The callback and the per-domain session cache are the README's code blocks ("C API"),
 * which ffi/tests/c_api.rs extracts into readme_verify_cb.c and readme_sessions.c: the
 * README shows exactly what is tested here.
 *
 * usage: openssl_client PORT CA.pem MODE DOMAIN...
 *   One connection per DOMAIN, in order, to 127.0.0.1:PORT, over TLS 1.2 (the session is
 *   complete when the handshake is). DOMAIN "-" sets no SIP domain on the connection.
 *   MODE "by-domain": sessions are offered through the README's per-domain cache;
 *   MODE "by-address": the last session is offered to every connection (what a cache keyed
 *   by address does; shows why the README warns against it).
 * Prints per connection: "DOMAIN: handshake ok|failed, resumed 0|1, verify: <OpenSSL's
 * verify result text>". The callback logs the sipcert verdict on stderr.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common.h"

#include "readme_verify_cb.c"
#include "readme_sessions.c"

static int connect_loopback(const char *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: openssl_client PORT CA.pem by-domain|by-address DOMAIN...\n");
    return 2;
  }
  int by_domain = strcmp(argv[3], "by-domain") == 0;
  CHECK(by_domain || strcmp(argv[3], "by-address") == 0);
  CHECK(sipcert_policy_new(&policy) == SIPCERT_OK);
  sip_domain_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  CHECK(sip_domain_idx >= 0);

  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  CHECK(ctx != NULL);
  CHECK(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) == 1);
  CHECK(SSL_CTX_load_verify_locations(ctx, argv[2], NULL) == 1);
  SSL_SESSION *by_address = NULL;

  for (int i = 4; i < argc; i++) {
    const char *domain = strcmp(argv[i], "-") == 0 ? NULL : argv[i];
    int fd = connect_loopback(argv[1]);
    SSL *ssl = SSL_new(ctx);
    CHECK(ssl != NULL);
    if (domain != NULL) {
      SSL_set_ex_data(ssl, sip_domain_idx, (void *)domain);
    }
    if (by_domain && domain != NULL) {
      sip_session_offer(ssl, domain);
    } else if (!by_domain && by_address != NULL) {
      SSL_set_session(ssl, by_address);
    }
    SSL_set_verify(ssl, SSL_VERIFY_PEER, verify_cb);
    SSL_set_fd(ssl, fd);
    int ok = SSL_connect(ssl) == 1;
    printf("%s: handshake %s, resumed %d, verify: %s\n", argv[i], ok ? "ok" : "failed",
           SSL_session_reused(ssl), X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
    fflush(stdout);
    if (ok) {
      if (by_domain && domain != NULL) {
        sip_session_store(ssl, domain);
      } else {
        SSL_SESSION_free(by_address);
        by_address = SSL_get1_session(ssl);
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
  }

  for (int i = 0; i < SIP_SESSIONS; i++) {
    SSL_SESSION_free(sip_sessions[i].session);
    free(sip_sessions[i].domain);
  }
  SSL_SESSION_free(by_address);
  SSL_CTX_free(ctx);
  sipcert_policy_free(policy);
  return 0;
}
