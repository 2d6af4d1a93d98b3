/*
 * A SIP-over-TLS listener on libre (1.1.0) that requires a client certificate and
 * authorizes the client by the SIP identities sipcert extracts from it (RFC 5922 §7.1,
 * the sip: URI or dNSName of a SIP domain): the handshake is refused when the certificate
 * is valid for none of the peer domains this listener serves, and a request is answered
 * 200 only when the host of its From URI is one of them.
 *
 *   sipcert_libre_server CA.pem CERT_AND_KEY.pem PORT_FILE PEER_DOMAIN...
 *
 * CA.pem: the trust anchors for client certificates; CERT_AND_KEY.pem: the listener's
 * certificate chain followed by its private key (libre's tls_alloc() reads both from one
 * file); PORT_FILE: where the bound port (on 127.0.0.1) is written once listening;
 * PEER_DOMAIN: the SIP domains of the peers allowed to connect (a trunk's peers).
 *
 * Prints one line per event and exits after the first request it answered or the first
 * client it refused:
 *   client authorized: kamailio.test (san-uri)
 *   request OPTIONS from kamailio.test: 200
 *   client: refused by sipcert: no-identities hint-user-part-uri-would-match (chain: valid)
 *
 * libre 1.1.0 gives a request handler no handle to the TLS connection it came on
 * (sip_msg_tcpconn() gives the TCP connection; the tls_conn is private to the SIP
 * transport), so the identities a handshake authorized cannot be looked up per request:
 * the listener authorizes at the handshake against the peer domains it serves, and checks
 * the From domain of each request against the same list. See docs/c-stacks.md.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
/* re_tls.h declares tls_openssl_context() only under USE_OPENSSL (see sipcert_libre_ua.c). */
#define USE_OPENSSL 1
#include <re.h>
#include <sipcert.h>

#include "../common/sipcert_example.h"
#include "openssl_chain.h"

struct listener {
	char **peers;                        /* the SIP domains allowed to connect */
	int npeers;
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct tls *tls;
	sipcert_policy *policy;
	sipcert_chain_verifier *verifier;
	bool done;
	int status;
};

/*
 * The client's chain, for each peer domain in turn: sipcert validates the path (client
 * role) and matches the certificate's SIP identities with the domain. The first accept
 * authorizes the client; when none accepts, the handshake fails with bad_certificate(42)
 * and the verdict for the first peer domain is reported.
 */
static int verify_client(X509_STORE_CTX *ctx, void *arg)
{
	struct listener *l = arg;
	struct der_chain chain = {0};
	sipcert_verdict *first = NULL;
	bool ok = der_chain_collect(&chain, ctx);
	bool accepted = false;
	for (int i = 0; ok && !accepted && i < l->npeers; i++) {
		sipcert_verdict *v = NULL;
		sipcert_result r = sipcert_chain_verifier_check_cstr(
			l->verifier, l->policy, (const uint8_t *const *)chain.der, chain.len,
			chain.count, l->peers[i], SIPCERT_ROLE_CLIENT, SIPCERT_TIME_NOW, &v);
		if (r != SIPCERT_OK) {
			fprintf(stderr, "sipcert: %s\n", sipcert_result_name(r));
			ok = false;
		} else if (sipcert_verdict_is_accept(v)) {
			printf("client authorized: %s (%s)\n", sipcert_verdict_matched_name(v),
			       sipcert_verdict_matched_source(v));
			accepted = true;
		}
		if (first == NULL) {
			first = v;
			v = NULL;
		}
		sipcert_verdict_free(v);
	}
	der_chain_free(&chain);
	if (!accepted) {
		if (first)
			example_report_refusal("client", first);
		else
			printf("client: refused: no usable certificate chain\n");
		l->done = true;
		l->status = 1;
		re_cancel();
	}
	fflush(stdout);
	sipcert_verdict_free(first);
	X509_STORE_CTX_set_error(ctx, accepted ? X509_V_OK : X509_V_ERR_CERT_REJECTED);
	return accepted;
}

static bool is_peer(const struct listener *l, const struct pl *host)
{
	for (int i = 0; i < l->npeers; i++)
		if (pl_strcasecmp(host, l->peers[i]) == 0)
			return true;
	return false;
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct listener *l = arg;
	bool allowed = is_peer(l, &msg->from.uri.host);
	uint16_t code = allowed ? 200 : 403;
	printf("request %.*s from %.*s: %u\n", (int)msg->met.l, msg->met.p,
	       (int)msg->from.uri.host.l, msg->from.uri.host.p, code);
	fflush(stdout);
	(void)sip_reply(l->sip, msg, code, allowed ? "OK" : "Forbidden");
	l->done = true;
	l->status = allowed ? 0 : 1;
	/* Let the reply leave before the loop stops. */
	sip_close(l->sip, false);
	return true;
}

static void exit_handler(void *arg)
{
	(void)arg;
	re_cancel();
}

static int listener_open(struct listener *l, const char *ca, const char *keyfile,
			 const char *port_file)
{
	if (sipcert_policy_new(&l->policy) != SIPCERT_OK || example_verifier_from_pem_file(ca, &l->verifier) != SIPCERT_OK)
		return EINVAL;
	int err = tls_alloc(&l->tls, TLS_METHOD_SSLV23, keyfile, NULL);
	if (err)
		return err;
	SSL_CTX *ctx = tls_openssl_context(l->tls);
	/* A client certificate is required and decided by sipcert alone. A resumed session
	 * would carry the identities of its first handshake without this callback: no
	 * resumption. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, verify_client, l);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);

	err = sip_alloc(&l->sip, NULL, 32, 32, 32, "sipcert-libre-server", exit_handler, l);
	if (err)
		return err;
	struct sa laddr;
	sa_set_str(&laddr, "127.0.0.1", 0);
	err = sip_transp_add(l->sip, SIP_TRANSP_TLS, &laddr, l->tls);
	if (!err)
		err = sip_transp_laddr(l->sip, &laddr, SIP_TRANSP_TLS, NULL);
	if (!err)
		err = sip_listen(&l->lsnr, l->sip, true, request_handler, l);
	if (err)
		return err;
	FILE *f = fopen(port_file, "w");
	if (f == NULL)
		return errno;
	fprintf(f, "%u\n", sa_port(&laddr));
	return fclose(f) == 0 ? 0 : EIO;
}

static void timeout_handler(void *arg)
{
	struct listener *l = arg;
	printf("timeout\n");
	l->status = 2;
	re_cancel();
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s CA.pem CERT_AND_KEY.pem PORT_FILE PEER_DOMAIN...\n",
			argv[0]);
		return 2;
	}
	struct listener l = {.peers = argv + 4, .npeers = argc - 4, .status = 2};
	struct tmr timeout;
	if (libre_init())
		return 2;
	tmr_init(&timeout);
	int err = listener_open(&l, argv[1], argv[2], argv[3]);
	if (!err) {
		tmr_start(&timeout, 30000, timeout_handler, &l);
		err = re_main(NULL);
	}
	if (err)
		fprintf(stderr, "libre: %s\n", strerror(err));
	tmr_cancel(&timeout);
	l.lsnr = mem_deref(l.lsnr);
	sip_close(l.sip, true);
	l.sip = mem_deref(l.sip);
	l.tls = mem_deref(l.tls);
	sipcert_chain_verifier_free(l.verifier);
	sipcert_policy_free(l.policy);
	libre_close();
	tmr_debug();
	mem_debug();
	return err ? 2 : l.status;
}
