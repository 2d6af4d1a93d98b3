/*
 * The certificate chain a peer presented, from OpenSSL's certificate verify callback
 * (SSL_CTX_set_cert_verify_callback), as the DER arrays sipcert's checks take: the end
 * entity first, then the other certificates in the order the peer sent them.
 */
#ifndef SIPCERT_OPENSSL_CHAIN_H
#define SIPCERT_OPENSSL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#define DER_CHAIN_MAX 8

struct der_chain {
	unsigned char *der[DER_CHAIN_MAX];
	size_t len[DER_CHAIN_MAX];
	size_t count;
};

/* Fills `c` (zeroed) from `ctx`; false when there is no certificate, one does not encode, or
 * the peer sent more than DER_CHAIN_MAX (the caller refuses). Free with der_chain_free(). */
static bool der_chain_collect(struct der_chain *c, X509_STORE_CTX *ctx)
{
	X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
	STACK_OF(X509) *presented = X509_STORE_CTX_get0_untrusted(ctx);
	for (int i = -1; leaf && (presented ? i < sk_X509_num(presented) : i < 0); i++) {
		X509 *x = i < 0 ? leaf : sk_X509_value(presented, i);
		if (i >= 0 && X509_cmp(x, leaf) == 0)
			continue;
		if (c->count == DER_CHAIN_MAX)
			return false;
		int len = i2d_X509(x, &c->der[c->count]);
		if (len <= 0)
			return false;
		c->len[c->count++] = (size_t)len;
	}
	return c->count > 0;
}

static void der_chain_free(struct der_chain *c)
{
	for (size_t i = 0; i < c->count; i++)
		OPENSSL_free(c->der[i]);
	c->count = 0;
}

#endif
