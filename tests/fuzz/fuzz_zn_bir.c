/* libFuzzer target: the Zn server path on arbitrary datagrams. zn_bir_parse must never read past
 * the input; a result code must come with an answerable request and a Failed-AVP inside the
 * input or a library example; a valid BIR must round-trip through zn_bia_build/zn_bia_parse and
 * zn_bir_forward_build/zn_bir_parse with the same values; a 5xxx answered with zn_bia_error_build
 * (the BIA grammar) is a well-framed answer with the request's ids. zn_bia_parse runs on the input
 * too. */
#include "diameter/diameter.h"
#include "zn/zn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint8_t out[70000];

static int same(struct zn_str a, struct zn_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zn_bir r;
	struct zn_bia_view v;
	int rc = zn_bir_parse(data, size, &r);
	if (rc > 0) {
		if (r.failed_avp && r.failed_avp >= data && r.failed_avp < data + size &&
		    r.failed_avp + r.failed_avp_len > data + size)
			abort(); /* Failed-AVP must lie inside the message */
		int n = dia_error_answer_build(out, sizeof(out), data, size, (uint32_t)rc, r.failed_avp,
					       r.failed_avp_len, "bsf.example", "example");
		if (n < 0)
			abort();
		struct dia_hdr h;
		if (dia_hdr_parse(out, (size_t)n, &h) != 0 || h.hbh != r.hdr.hbh || h.e2e != r.hdr.e2e)
			abort();
		if (zn_bia_parse(out, (size_t)n, &v) == 0 && v.result_code != (uint32_t)rc)
			abort();
		/* gbakd answers a BIR's 5xxx in the BIA grammar: it must parse as a BIA with that code,
		 * the request's ids, and the Proxy-Info the parser accepted */
		n = zn_bia_error_build(out, sizeof(out), data, size, (uint32_t)rc, r.failed_avp, r.failed_avp_len,
				       "bsf.example", "example");
		if (rc >= 5000 && rc <= 5999 && r.hdr.cmd == DIA_CMD_BI && r.hdr.app_id == DIA_APP_ZN) {
			if (n < 0 || dia_hdr_parse(out, (size_t)n, &h) != 0 || h.hbh != r.hdr.hbh || h.e2e != r.hdr.e2e ||
			    (h.flags & DIA_FLAG_R) || (h.flags & DIA_FLAG_E))
				abort();
			struct dia_avp_iter it;
			struct dia_avp a;
			int frc;
			dia_avp_iter_msg(&it, out, (size_t)n);
			while ((frc = dia_avp_next(&it, &a)) == 1)
				;
			if (frc != 0)
				abort(); /* our answers are always well framed */
		} else if (n != -EINVAL && (rc < 5000 || rc > 5999)) {
			abort(); /* only 5xxx codes are answered this way */
		}
	} else if (rc == 0) {
		static const uint8_t key[32] = {1, 2, 3};
		struct zn_bia a = {.result_code = DIA_SUCCESS, .origin_host = "bsf.example", .origin_realm = "example",
				   .impi = r.btid.p, .impi_len = r.btid.len, .me_key = key, .key_expiry = 1787227200,
				   .gba_type = 1};
		int n = zn_bia_build(out, sizeof(out), &r, &a);
		if (n < 0)
			abort();
		if (zn_bia_parse(out, (size_t)n, &v) != 0 || v.result_code != DIA_SUCCESS || !same(v.session_id, r.session_id) ||
		    !same(v.impi, r.btid) || v.n_proxy_info != r.n_proxy_info || v.key_expiry != 1787227200 ||
		    v.gba_type != 1 || v.hdr.hbh != r.hdr.hbh)
			abort();
		for (unsigned i = 0; i < r.n_proxy_info; i++)
			if (!same(v.proxy_info[i], r.proxy_info[i]))
				abort();
		struct zn_bir f;
		n = zn_bir_forward_build(out, sizeof(out), data, size, 77, "proxy.example");
		if (n < 0)
			abort();
		int frc = zn_bir_parse(out, (size_t)n, &f);
		if (frc == 0) {
			if (!same(f.btid, r.btid) || !same(f.naf_id, r.naf_id) || f.hdr.hbh != 77 ||
			    f.n_route_record != r.n_route_record + 1)
				abort();
		} else if (frc != DIA_AVP_OCCURS_TOO_MANY_TIMES || r.n_route_record != ZN_MAX_ROUTE_RECORD) {
			abort();
		}
	} else if (size >= DIA_HDR_LEN && (data[4] & DIA_FLAG_R)) {
		abort(); /* only headers < 20 octets and answers are dropped */
	}
	zn_bia_parse(data, size, &v);
	return 0;
}
