/* libFuzzer target: the EAP-AKA / AKA' peer (lib/eap eap_peer_input) on a sequence of packets
 * from a hostile authenticator. The input is split into packets, each 2 octets of length then the
 * octets, every packet in an exact-size heap copy (a read past the end is caught). The USIM is a
 * stand-in that answers OK, MAC failure or AUTS by the last octet of AUTN, so every path of the
 * Challenge handling is reachable without a valid MAC-A. Checks: every response fits
 * EAP_PEER_LAST_MAX, parses as an EAP Response with the request's Identifier, and the state and
 * reason stay in range; the peer never reports success without having sent a Challenge response. */
#include "eap/eap_peer.h"

#include <stdlib.h>
#include <string.h>

static int fake_run(void *ctx, const uint8_t rand[16], const uint8_t autn[16], struct eap_usim_out *out)
{
	(void)ctx;
	switch (autn[15] % 4) {
	case 0: return EAP_USIM_MAC_FAIL;
	case 1: memcpy(out->auts, rand, 14); return EAP_USIM_SYNC_FAIL;
	case 2: return -5;
	default:
		memcpy(out->res, rand, 8);
		out->res_len = (uint8_t)(4 + autn[14] % 13);
		memcpy(out->ck, autn, 16);
		memcpy(out->ik, rand, 16);
		return EAP_USIM_OK;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eap_peer p;
	static uint8_t out[EAP_PEER_LAST_MAX];
	if (size < 1)
		return 0;
	/* the first octet chooses the methods and the network-name expectation */
	unsigned methods = (data[0] & 3) ? (data[0] & 3) : 3;
	struct eap_peer_cfg c = {.methods = methods, .identity = "0555444333222111", .identity_len = 16,
				 .netname = (data[0] & 4) ? "WLAN" : NULL, .netname_len = 4,
				 .usim = {fake_run, NULL}, .wrong_res = (data[0] & 8) != 0};
	if (eap_peer_begin(&p, &c) != 0)
		abort();
	size_t off = 1;
	bool answered_challenge = false;
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		uint8_t *pkt = malloc(n ? n : 1);
		if (pkt == NULL)
			return 0;
		memcpy(pkt, data + off, n);
		off += n;
		size_t ol = 12345;
		enum eap_peer_reason why;
		int v = eap_peer_input(&p, &c, pkt, n, out, sizeof(out), &ol, &why);
		if ((unsigned)why >= EAPPR_MAX || p.state > EAPP_S_FAILURE)
			abort();
		if (v == EAPP_SEND) {
			struct eap_hdr h;
			if (ol == 0 || ol > sizeof(out) || eap_hdr_parse(out, ol, &h) != EAP_OK ||
			    h.code != EAP_CODE_RESPONSE || h.id != pkt[1] || h.len != ol)
				abort();
			if (p.state == EAPP_S_CHALLENGE)
				answered_challenge = true;
		} else if (v == EAPP_SUCCESS) {
			if (!answered_challenge || ol != 0)
				abort();
		} else if (v != EAPP_FAILURE && v != EAPP_DROP) {
			abort();
		}
		free(pkt);
	}
	eap_peer_wipe(&p);
	return 0;
}
