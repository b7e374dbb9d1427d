/* libFuzzer target: the Boostrapping-Info-Answer parser (lib/zn zn_bia_parse: the NAF side, the
 * Zn-Proxy taking a partner's answer, gbactl query) on arbitrary input. Nothing may point outside
 * the input; an answer that parses must rebuild (zn_bia_build from the parsed values) into one
 * that parses to the same values: result, origin, IMPI, keys, times (NTP era rule both ways), USS,
 * GBA-Type, Session-Id, ids and Proxy-Info count. */
#include "diameter/diameter.h"
#include "zn/zn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint8_t out[70000];
static char host[70000], realm[70000];

static void inside(const struct zn_str *s, const uint8_t *data, size_t size)
{
	if (s->p && (s->p < data || s->p + s->len > data + size))
		abort();
}

static int same(struct zn_str a, struct zn_str b)
{
	if ((a.p == NULL) != (b.p == NULL))
		return 0;
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zn_bia_view v, w;
	int rc = zn_bia_parse(data, size, &v);
	if (rc != 0 && rc != -EBADMSG && rc != -EPROTO && rc != -ENOMSG)
		abort();
	if (rc != 0)
		return 0;
	const struct zn_str *all[] = {&v.session_id, &v.origin_host, &v.origin_realm, &v.impi, &v.me_key,
				      &v.uicc_key, &v.uss, &v.failed_avp};
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		inside(all[i], data, size);
	if (v.n_proxy_info > ZN_MAX_PROXY_INFO)
		abort();
	for (unsigned i = 0; i < v.n_proxy_info; i++)
		inside(&v.proxy_info[i], data, size);
	if (v.gba_type < -1 || v.gba_type > 1)
		abort();
	/* rebuild: the builder takes NUL-terminated identities */
	if (memchr(v.origin_host.p, 0, v.origin_host.len) || memchr(v.origin_realm.p, 0, v.origin_realm.len))
		return 0;
	memcpy(host, v.origin_host.p, v.origin_host.len);
	host[v.origin_host.len] = 0;
	memcpy(realm, v.origin_realm.p, v.origin_realm.len);
	realm[v.origin_realm.len] = 0;
	struct zn_bir req;
	memset(&req, 0, sizeof(req));
	req.hdr = v.hdr;
	req.session_id = v.session_id;
	req.n_proxy_info = v.n_proxy_info;
	memcpy(req.proxy_info, v.proxy_info, sizeof(req.proxy_info));
	struct zn_bia a = {.result_code = v.result_code, .experimental = v.experimental, .origin_host = host,
			   .origin_realm = realm, .impi = v.impi.p, .impi_len = v.impi.len,
			   .me_key = v.me_key.len == ZN_KEY_LEN ? v.me_key.p : NULL,
			   .uicc_key = v.uicc_key.len == ZN_KEY_LEN ? v.uicc_key.p : NULL,
			   .key_expiry = v.key_expiry, .bootstrap_time = v.bootstrap_time,
			   .uss = v.uss.p, .uss_len = v.uss.len, .gba_type = v.gba_type};
	int n = zn_bia_build(out, sizeof(out), &req, &a);
	if (n < 0)
		abort();
	if (zn_bia_parse(out, (size_t)n, &w) != 0)
		abort(); /* what we build must parse */
	struct zn_str no = {NULL, 0};
	if (w.result_code != v.result_code || w.experimental != v.experimental ||
	    (w.experimental && w.exp_vendor != DIA_VENDOR_3GPP) || w.hdr.hbh != v.hdr.hbh ||
	    w.hdr.e2e != v.hdr.e2e || !same(w.session_id, v.session_id) || !same(w.origin_host, v.origin_host) ||
	    !same(w.origin_realm, v.origin_realm) || !same(w.impi, v.impi) ||
	    !same(w.me_key, a.me_key ? v.me_key : no) || !same(w.uicc_key, a.uicc_key ? v.uicc_key : no) ||
	    w.key_expiry != v.key_expiry || w.bootstrap_time != v.bootstrap_time || !same(w.uss, v.uss) ||
	    w.gba_type != v.gba_type || w.n_proxy_info != v.n_proxy_info)
		abort();
	return 0;
}
