/* Writes every message lib/diameter and lib/zn build into a pcap (one Diameter message per
 * IPv4/UDP datagram, port DIA_WIRE_PORT) so that diameter_wire.sh can have tshark decode them.
 * Output file: $DIA_WIRE_PCAP. Frame order (the script relies on it):
 *   1 BIR   2 BIA success with keys   3 BIA Experimental-Result 5403   4 error answer 3007 (E)
 *   5 error answer 5001 + Failed-AVP  6 error answer 5005 + Failed-AVP (missing NAF-Id)
 *   7 DWR   8 DWA   9 BIR forwarded with Route-Record   10 BIR with Proxy-Info   11 its BIA */
#include "cu_runner.h"
#include "diameter/diameter.h"
#include "zn/zn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIA_WIRE_PORT 13868

static FILE *pcap;
static unsigned frames;

static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); } /* pcap headers are host order */

static int pcap_open(const char *path)
{
	pcap = fopen(path, "wb");
	if (pcap == NULL)
		return -1;
	put32(pcap, 0xa1b2c3d4);
	uint16_t ver[2] = {2, 4};
	fwrite(ver, 2, 2, pcap);
	put32(pcap, 0);
	put32(pcap, 0);
	put32(pcap, 65535);
	put32(pcap, 101); /* LINKTYPE_RAW: IPv4 */
	return 0;
}

/* One IPv4/UDP datagram carrying msg[0..len); requests go NAF -> BSF, answers BSF -> NAF. */
static void pcap_msg(const uint8_t *msg, int len)
{
	CU_ASSERT_FATAL(len > 0 && pcap != NULL);
	uint8_t pkt[2048];
	size_t ip_len = 20 + 8 + (size_t)len;
	int req = msg[4] & DIA_FLAG_R;
	uint8_t naf[4] = {192, 0, 2, 10}, bsf[4] = {192, 0, 2, 1};
	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(ip_len >> 8);
	pkt[3] = (uint8_t)ip_len;
	pkt[8] = 64;
	pkt[9] = 17;
	memcpy(pkt + 12, req ? naf : bsf, 4);
	memcpy(pkt + 16, req ? bsf : naf, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[10] = (uint8_t)(~sum >> 8);
	pkt[11] = (uint8_t)~sum;
	uint16_t sport = req ? 40000 : DIA_WIRE_PORT, dport = req ? DIA_WIRE_PORT : 40000;
	pkt[20] = (uint8_t)(sport >> 8);
	pkt[21] = (uint8_t)sport;
	pkt[22] = (uint8_t)(dport >> 8);
	pkt[23] = (uint8_t)dport;
	pkt[24] = (uint8_t)((8 + len) >> 8);
	pkt[25] = (uint8_t)(8 + len); /* UDP checksum 0: none (IPv4) */
	memcpy(pkt + 28, msg, (size_t)len);
	frames++;
	put32(pcap, 1700000000u + frames);
	put32(pcap, 0);
	put32(pcap, (uint32_t)ip_len);
	put32(pcap, (uint32_t)ip_len);
	fwrite(pkt, ip_len, 1, pcap);
}

#define BTID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"
static const uint8_t naf_id[] = "naf1.home1.net\x01\x00\x00\x00\x02";
static const uint8_t ks_naf[32] = {0x7c, 0x35, 0x1b, 0x69, 0xc4, 0x91, 0x0d, 0x2d, 0xa5, 0xa3, 0x12,
				   0xad, 0x73, 0xce, 0x3a, 0xc7, 0xbe, 0x6f, 0x46, 0x16, 0x5f, 0xdb,
				   0x9f, 0xfc, 0x34, 0x94, 0xd8, 0x74, 0xac, 0xa8, 0xa5, 0x01};
static const uint8_t ks_int_naf[32] = {0xdc, 0x1c, 0xeb, 0x72, 0x70, 0x0b, 0x7c, 0x0e, 0x17, 0xc8, 0xea,
				       0xc7, 0x68, 0x38, 0xf8, 0xba, 0xfb, 0x13, 0x48, 0x85, 0x01, 0x1e,
				       0x71, 0x3f, 0x78, 0x2b, 0xfc, 0xa1, 0x6a, 0x2d, 0xf6, 0x91};

static void test_write_pcap(void)
{
	const char *path = getenv("DIA_WIRE_PCAP");
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(pcap_open(path), 0);
	uint8_t bir[1024], ans[1024], fwd[1024], tmp[1024];
	static const char *const gsids[] = {"1", "4"};
	struct zn_bir_params p = {.session_id = "naf.example;1;42", .origin_host = "naf.example",
				  .origin_realm = "example", .dest_realm = "home1.net", .dest_host = "bsf.home1.net",
				  .btid = (const uint8_t *)BTID, .btid_len = sizeof(BTID) - 1, .naf_id = naf_id,
				  .naf_id_len = sizeof(naf_id) - 1, .gsid = gsids, .n_gsid = 2, .gba_u_aware = 1,
				  .hbh = 0x11223344, .e2e = 0x55667788};
	int bl = zn_bir_build(bir, sizeof(bir), &p);
	struct zn_bir r;
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(bir, (size_t)bl, &r), 0);
	pcap_msg(bir, bl); /* 1 */

	struct zn_bia a = {.result_code = DIA_SUCCESS, .origin_host = "bsf.home1.net", .origin_realm = "home1.net",
			   .impi = (const uint8_t *)"user1_private@home1.net", .impi_len = 23, .me_key = ks_naf,
			   .uicc_key = ks_int_naf, .key_expiry = 1787227200, .bootstrap_time = 1787140800,
			   .uss = (const uint8_t *)"<ussList/>", .uss_len = 10, .gba_type = 0};
	pcap_msg(ans, zn_bia_build(ans, sizeof(ans), &r, &a)); /* 2 */
	struct zn_bia e = {.result_code = DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID, .experimental = 1,
			   .origin_host = "bsf.home1.net", .origin_realm = "home1.net", .gba_type = -1};
	pcap_msg(ans, zn_bia_build(ans, sizeof(ans), &r, &e)); /* 3 */

	/* 4: wrong application */
	memcpy(tmp, bir, (size_t)bl);
	tmp[11] = 0x05;
	CU_ASSERT_EQUAL(zn_bir_parse(tmp, (size_t)bl, &r), DIA_APPLICATION_UNSUPPORTED);
	pcap_msg(ans, dia_error_answer_build(ans, sizeof(ans), tmp, (size_t)bl, DIA_APPLICATION_UNSUPPORTED,
					     r.failed_avp, r.failed_avp_len, "bsf.home1.net", "home1.net"));
	/* 5: unknown AVP with the M-bit (request rebuilt with an extra AVP via forwarding + patch) */
	int fl = zn_bir_forward_build(fwd, sizeof(fwd), bir, (size_t)bl, 0x11223344, "xx");
	CU_ASSERT_FATAL(fl > 0);
	fwd[fl - 12 + 2] = 0x00; /* Route-Record 282 -> Class (25): unknown to us, M set */
	fwd[fl - 12 + 3] = 0x19;
	CU_ASSERT_EQUAL(zn_bir_parse(fwd, (size_t)fl, &r), DIA_AVP_UNSUPPORTED);
	pcap_msg(ans, dia_error_answer_build(ans, sizeof(ans), fwd, (size_t)fl, DIA_AVP_UNSUPPORTED, r.failed_avp,
					     r.failed_avp_len, "bsf.home1.net", "home1.net"));
	/* 6: NAF-Id missing (its code changed to an unknown non-M AVP) */
	memcpy(tmp, bir, (size_t)bl);
	struct dia_avp naf;
	CU_ASSERT_FATAL(dia_avp_find(tmp + 20, (size_t)bl - 20, DIA_AVP_NAF_ID, DIA_VENDOR_3GPP, &naf));
	uint8_t *np = tmp + (naf.raw - tmp);
	np[3] = 0xff;   /* code 0x1ff */
	np[4] = 0x80;   /* V only */
	CU_ASSERT_EQUAL(zn_bir_parse(tmp, (size_t)bl, &r), DIA_MISSING_AVP);
	pcap_msg(ans, dia_error_answer_build(ans, sizeof(ans), tmp, (size_t)bl, DIA_MISSING_AVP, r.failed_avp,
					     r.failed_avp_len, "bsf.home1.net", "home1.net"));
	/* 7, 8 */
	int dl = dia_dwr_build(tmp, sizeof(tmp), "naf.example", "example", 1234, 7, 8);
	pcap_msg(tmp, dl);
	pcap_msg(ans, dia_dwa_build(ans, sizeof(ans), tmp, (size_t)dl, DIA_SUCCESS, "bsf.home1.net", "home1.net", 99));
	/* 9 */
	fl = zn_bir_forward_build(fwd, sizeof(fwd), bir, (size_t)bl, 0xcafe0001, "zn-proxy.visited.net");
	pcap_msg(fwd, fl);
	/* 10, 11: a BIR that went through a relay adding Proxy-Info, and the BIA echoing it */
	struct dia_builder b = {fwd, sizeof(fwd), (size_t)bl, 0, 0, {0}};
	memcpy(fwd, bir, (size_t)bl);
	dia_build_group_begin(&b, DIA_AVP_PROXY_INFO, DIA_AVP_M, 0);
	dia_build_avp_str(&b, DIA_AVP_PROXY_HOST, DIA_AVP_M, 0, "aaa.visited.net");
	dia_build_avp_str(&b, DIA_AVP_PROXY_STATE, DIA_AVP_M, 0, "st8");
	dia_build_group_end(&b);
	fl = dia_build_finish(&b);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(fwd, (size_t)fl, &r), 0);
	CU_ASSERT_EQUAL(r.n_proxy_info, 1);
	pcap_msg(fwd, fl);
	pcap_msg(ans, zn_bia_build(ans, sizeof(ans), &r, &a));
	CU_ASSERT_EQUAL(fclose(pcap), 0);
	CU_ASSERT_EQUAL(frames, 11);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"write_pcap", test_write_pcap}, {NULL, NULL}};
	cu_add_suite("diameter_wire", NULL, NULL, t);
}
CU_REGISTER(add)
