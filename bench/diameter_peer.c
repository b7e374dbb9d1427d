/* build/bench/diameter_peer: BIR/BIA load over one Diameter connection (bench/diameter_peer.sh).
 *
 * A client-only Diameter node (lib/fdpeer on libfdcore: CER/CEA at start, DPR/DPA at the end) with
 * one ConnectPeer to the server, and T threads each running a closed loop of
 * fdpeer_client_query() over the synthetic session set (gbactl provision --seed S --realm R), so T
 * requests are in flight on the one TCP connection. Every 2001 answer's ME-Key-Material is checked
 * against Ks_NAF computed here (lib/gba reference KDF on the synthetic Ks/RAND/IMPI); a wrong key
 * or a non-2001 answer is counted and makes the exit status 3.
 *
 * usage: diameter_peer --conf FD.conf --peer ID --threads T --duration S [--warmup S]
 *        --sessions N [--seed S] [--realm R] [--dest-realm R] [--naf-fqdn F] [--label L]
 *        [--json FILE] [--log FILE]
 * Prints one JSON object (also to --json FILE): label, threads, answers, ok, errors, wrong_keys,
 * timeouts, duration_s, ok_per_s, p50_us, p99_us, connect_ms.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fdpeer/fdpeer.h"
#include "gba/gba_kdf.h"
#include "store/store_record.h"
#include "store/store_synth.h"

#define LAT_MAX (1u << 20)

static struct {
	const char *conf, *peer, *realm, *dest_realm, *naf_fqdn, *label, *json, *log;
	unsigned threads, sessions;
	uint64_t seed;
	double duration, warmup;
	atomic_int phase; /* 0 warm-up, 1 measuring, 2 stop */
} o = {.realm = "bsf.home1.net", .dest_realm = "home1.net", .naf_fqdn = "naf1.home1.net",
       .label = "diameter", .threads = 1, .sessions = 1000, .seed = 7, .duration = 2, .warmup = 0.3};

struct th {
	pthread_t t;
	unsigned idx;
	uint64_t ok, errors, wrong, timeouts, n_lat;
	uint32_t *lat;
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	struct th *t = arg;
	uint8_t naf_id[300];
	size_t fl = strlen(o.naf_fqdn);
	memcpy(naf_id, o.naf_fqdn, fl);
	memcpy(naf_id + fl, "\x01\x00\x00\x00\x02", 5);
	struct store_record *rec = malloc(sizeof(*rec));
	struct fdpeer_bia *bia = malloc(sizeof(*bia));
	if (rec == NULL || bia == NULL)
		return NULL;
	uint64_t i = t->idx;
	while (atomic_load(&o.phase) < 2) {
		char btid[320];
		int bl = store_synth_session(o.seed, i % o.sessions, o.realm, 0, 86400, rec, btid, sizeof(btid));
		i += o.threads;
		if (bl < 0)
			break;
		struct fdpeer_bir req = {.dest_realm = o.dest_realm, .btid = (const uint8_t *)btid,
					 .btid_len = (size_t)bl, .naf_id = naf_id, .naf_id_len = fl + 5,
					 .gba_u_aware = -1};
		double t0 = now_s();
		int r = fdpeer_client_query(&req, bia, 5000);
		double t1 = now_s();
		int measuring = atomic_load(&o.phase) == 1;
		if (!measuring)
			continue;
		if (r == -ETIMEDOUT) {
			t->timeouts++;
			continue;
		}
		if (r < 0 || bia->experimental_result || bia->result_code != 2001 || bia->me_key_len != 32) {
			t->errors++;
			continue;
		}
		uint8_t want[GBA_KEY_LEN];
		gba_kdf_naf(rec->ks, GBA_LABEL_ME, rec->rand, (const uint8_t *)rec->impi, rec->impi_len, naf_id,
			    fl + 5, want);
		if (memcmp(want, bia->me_key, 32))
			t->wrong++;
		else
			t->ok++;
		explicit_bzero(want, sizeof(want));
		if (t->n_lat < LAT_MAX / o.threads)
			t->lat[t->n_lat++] = (uint32_t)((t1 - t0) * 1e6);
	}
	store_record_wipe(rec);
	explicit_bzero(bia, sizeof(*bia));
	free(rec);
	free(bia);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: diameter_peer --conf FD.conf --peer ID --threads T --duration S [--warmup S]\n"
		   "       --sessions N [--seed S] [--realm R] [--dest-realm R] [--naf-fqdn F] [--label L]\n"
		   "       [--json FILE] [--log FILE]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"conf", 1, NULL, 'c'}, {"peer", 1, NULL, 'p'}, {"threads", 1, NULL, 't'},
		{"duration", 1, NULL, 'd'}, {"warmup", 1, NULL, 'w'}, {"sessions", 1, NULL, 'n'},
		{"seed", 1, NULL, 's'}, {"realm", 1, NULL, 'r'}, {"dest-realm", 1, NULL, 'R'},
		{"naf-fqdn", 1, NULL, 'f'}, {"label", 1, NULL, 'l'}, {"json", 1, NULL, 'j'},
		{"log", 1, NULL, 'L'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.conf = optarg; break;
		case 'p': o.peer = optarg; break;
		case 't': o.threads = (unsigned)atoi(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'w': o.warmup = atof(optarg); break;
		case 'n': o.sessions = (unsigned)atoi(optarg); break;
		case 's': o.seed = strtoull(optarg, NULL, 0); break;
		case 'r': o.realm = optarg; break;
		case 'R': o.dest_realm = optarg; break;
		case 'f': o.naf_fqdn = optarg; break;
		case 'l': o.label = optarg; break;
		case 'j': o.json = optarg; break;
		case 'L': o.log = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.conf || !o.peer || o.threads < 1 || o.threads > 256 || o.sessions < 1 || o.duration <= 0 ||
	    strlen(o.naf_fqdn) > 253) {
		usage(stderr);
		return 2;
	}
	if (fdpeer_log_open(o.log, o.log ? 3 : 5) < 0)
		return 1;
	double t0 = now_s();
	int r = fdpeer_start(o.conf, NULL);
	if (r == 0)
		r = fdpeer_default_route(o.peer);
	if (r == 0)
		r = fdpeer_wait_peer_open(o.peer, 10000);
	if (r < 0) {
		fprintf(stderr, "diameter_peer: peer %s not open: %s\n", o.peer, strerror(-r));
		return 1;
	}
	double connect_ms = (now_s() - t0) * 1e3;
	struct th *th = calloc(o.threads, sizeof(*th));
	uint32_t *lat = calloc(LAT_MAX, sizeof(uint32_t));
	if (th == NULL || lat == NULL)
		return 1;
	for (unsigned i = 0; i < o.threads; i++) {
		th[i].idx = i;
		th[i].lat = lat + (size_t)i * (LAT_MAX / o.threads);
		pthread_create(&th[i].t, NULL, worker, &th[i]);
	}
	struct timespec ws = {(time_t)o.warmup, (long)((o.warmup - (double)(time_t)o.warmup) * 1e9)};
	nanosleep(&ws, NULL);
	atomic_store(&o.phase, 1);
	double m0 = now_s();
	struct timespec ds = {(time_t)o.duration, (long)((o.duration - (double)(time_t)o.duration) * 1e9)};
	nanosleep(&ds, NULL);
	atomic_store(&o.phase, 2);
	double m1 = now_s();
	uint64_t ok = 0, err = 0, wrong = 0, to = 0, nl = 0;
	for (unsigned i = 0; i < o.threads; i++) {
		pthread_join(th[i].t, NULL);
		ok += th[i].ok;
		err += th[i].errors;
		wrong += th[i].wrong;
		to += th[i].timeouts;
		/* compact the latencies */
		memmove(lat + nl, th[i].lat, th[i].n_lat * sizeof(uint32_t));
		nl += th[i].n_lat;
	}
	fdpeer_stop();
	qsort(lat, nl, sizeof(uint32_t), cmp_u32);
	double dur = m1 - m0;
	char out[1024];
	snprintf(out, sizeof(out),
		 "{\"label\": \"%s\", \"transport\": \"diameter-tcp\", \"threads\": %u, \"answers\": %llu, "
		 "\"ok\": %llu, \"errors\": %llu, \"wrong_keys\": %llu, \"timeouts\": %llu, \"duration_s\": %.3f, "
		 "\"ok_per_s\": %.0f, \"p50_us\": %u, \"p99_us\": %u, \"connect_ms\": %.1f}",
		 o.label, o.threads, (unsigned long long)(ok + err + wrong), (unsigned long long)ok,
		 (unsigned long long)err, (unsigned long long)wrong, (unsigned long long)to, dur,
		 (double)ok / dur, nl ? lat[nl / 2] : 0, nl ? lat[nl * 99 / 100] : 0, connect_ms);
	printf("%s\n", out);
	if (o.json) {
		FILE *f = fopen(o.json, "w");
		if (f) {
			fprintf(f, "%s\n", out);
			fclose(f);
		}
	}
	free(lat);
	free(th);
	return (wrong || err || to) ? 3 : 0;
}
