/* Milenage (TS 35.206): OPc, f1 / f1* (MAC-A / MAC-S), f2 (RES), f3 (CK), f4 (IK), f5 (AK),
 * f5* (AK*), authentication vectors with AUTN, and the re-synchronisation token AUTS.
 * AES-128 is OpenSSL's (EVP, AES-NI). All functions return 0, -EINVAL (NULL argument), -EIO (AES
 * failure) or, for the checks, -EBADMSG (MAC mismatch). Temporaries are wiped. */
#ifndef GBA_MILENAGE_H
#define GBA_MILENAGE_H

#include <stdint.h>

#define GBA_MIL_KEY_LEN 16   /* K, OP, OPc */
#define GBA_MIL_RAND_LEN 16
#define GBA_MIL_SQN_LEN 6
#define GBA_MIL_AMF_LEN 2
#define GBA_MIL_MAC_LEN 8    /* MAC-A, MAC-S */
#define GBA_MIL_RES_LEN 8
#define GBA_MIL_CK_LEN 16
#define GBA_MIL_IK_LEN 16
#define GBA_MIL_AK_LEN 6
#define GBA_MIL_AUTN_LEN 16  /* SQN^AK || AMF || MAC-A */
#define GBA_MIL_AUTS_LEN 14  /* SQN_MS^AK* || MAC-S (with AMF = 0000), TS 33.102 6.3.3 */

/* OPc = OP xor E_K(OP). */
int gba_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16]);

/* f1 and f1*: MAC-A and MAC-S over SQN || AMF. Either output may be NULL. */
int gba_milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8], uint8_t mac_s[8]);

/* f2-f5 and f5*: RES, CK, IK, AK, AK*. Any output may be NULL. */
int gba_milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		       uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6], uint8_t ak_star[6]);

/* One authentication vector and everything Milenage computes on the way. Key material: wipe it
 * with gba_milenage_av_wipe. */
struct gba_milenage_av {
	uint8_t mac_a[8], mac_s[8];
	uint8_t res[8];         /* XRES */
	uint8_t ck[16], ik[16];
	uint8_t ak[6], ak_star[6];
	uint8_t autn[16];       /* (SQN xor AK) || AMF || MAC-A */
};

/* Computes every Milenage output and AUTN for (K, OPc, RAND, SQN, AMF) into av. */
int gba_milenage_generate(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			  const uint8_t sqn[6], const uint8_t amf[2], struct gba_milenage_av *av);

/* Wipes an authentication vector. */
void gba_milenage_av_wipe(struct gba_milenage_av *av);

/* USIM side: checks AUTN (MAC-A) and recovers SQN into sqn. Returns 0 or -EBADMSG. */
int gba_milenage_autn_check(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			    const uint8_t autn[16], uint8_t sqn[6]);

/* USIM side of re-synchronisation: AUTS = (SQN_MS xor AK*) || f1*(K, SQN_MS, RAND, AMF=0000). */
int gba_milenage_auts_make(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			   const uint8_t sqn_ms[6], uint8_t auts[14]);

/* Network side of re-synchronisation: recovers SQN_MS from AUTS with AK* and checks MAC-S (with the
 * dummy AMF 0000). Returns 0 and SQN_MS in sqn_ms, or -EBADMSG (sqn_ms then zeroed). */
int gba_milenage_auts_check(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			    const uint8_t auts[14], uint8_t sqn_ms[6]);

#endif
