/* gbakd: the GBA Zn service on DPDK.
 *
 *   gbakd [EAL options] -- --config FILE
 *
 * Start-up (everything that may fail does so here, with rte_exit and a message naming the cause):
 * EAL, config, ports (one RX/TX queue pair per worker, RSS when the port has it), per-worker
 * state (store client, KDF engine, cache, in-flight table, telemetry block), telemetry commands.
 * Then the workers poll until SIGINT/SIGTERM, drain, and the final counters are printed.
 */
#include "gbakd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "diameter/diameter.h"
#include "dia_eap.h"
#include "dia_node.h"
#include "forward.h"
#include "reload.h"
#include "tables.h"
#include "ub.h"
#include "eap.h"
#include "radius.h"

#define GBAKD_VERSION "0.1.0"

static struct gbakd_config *cfg;

static void on_signal(int sig)
{
	(void)sig;
	gbakd_quit = 1;
}



static void usage(const char *prog)
{
	printf("usage: %s [EAL options] -- --config FILE\n"
	       "\n"
	       "GBA Zn service (TS 29.109 Boostrapping-Info-Request/Answer over UDP, DPDK fast path).\n"
	       "\n"
	       "  --config FILE   INI configuration (see config/gbakd.ini for every key)\n"
	       "  --check         load and validate the configuration, then exit\n"
	       "  --version       print the version\n"
	       "  --help          this text\n"
	       "\n"
	       "SIGHUP (or gbactl reload) loads FILE again and swaps the [naf:], [visited:], [relay:],\n"
	       "[realm:] and [hop:] tables live; a file that is invalid or changes any other setting is\n"
	       "refused and the running tables stay (README: Live configuration).\n"
	       "\n"
	       "EAL options (before --) choose lcores and devices, e.g. for a lab without NIC or\n"
	       "hugepages: -l 0-2 --no-huge -m 512 --no-pci --file-prefix gbakd\n"
	       "           --vdev net_af_packet0,iface=veth0,qpairs=2\n"
	       "One worker lcore per RX queue; telemetry: dpdk-telemetry.py -f <file-prefix>,\n"
	       "commands /gbakd/stats /gbakd/answers /gbakd/drops /gbakd/latency /gbakd/lcores\n"
	       "/gbakd/shards /gbakd/policy /gbakd/hops /gbakd/residue /gbakd/ub /gbakd/eap\n"
	       "/gbakd/config /gbakd/reload.\n",
	       prog);
}

static void port_init(struct cfg_port *p, unsigned first_worker)
{
	uint16_t pid = p->port_id;
	if (!rte_eth_dev_is_valid_port(pid))
		rte_exit(EXIT_FAILURE, "[port%u]: no such DPDK port (%u ports; add a --vdev or a PCI device)\n",
			 pid, rte_eth_dev_count_avail());
	struct rte_eth_dev_info info;
	if (rte_eth_dev_info_get(pid, &info) != 0)
		rte_exit(EXIT_FAILURE, "port %u: cannot read device info\n", pid);
	if (p->nb_queues > info.max_rx_queues || p->nb_queues > info.max_tx_queues)
		rte_exit(EXIT_FAILURE, "[port%u] queues: %u, but the device has at most %u RX / %u TX queues\n",
			 pid, p->nb_queues, info.max_rx_queues, info.max_tx_queues);
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	uint64_t rss = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
	if (p->nb_queues > 1 && rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = rss;
	}
	const uint64_t csum = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	p->csum_offload = p->csum_offload_allowed && (info.tx_offload_capa & csum) == csum;
	if (p->csum_offload)
		conf.txmode.offloads |= csum;
	int r = rte_eth_dev_configure(pid, p->nb_queues, p->nb_queues, &conf);
	if (r < 0)
		rte_exit(EXIT_FAILURE, "port %u: configure failed: %s\n", pid, rte_strerror(-r));
	uint16_t rxd = p->rx_desc, txd = p->tx_desc;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &rxd, &txd);
	int socket = rte_eth_dev_socket_id(pid);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		char name[32];
		snprintf(name, sizeof(name), "mb_p%u_q%u", pid, q);
		struct rte_mempool *mp = rte_pktmbuf_pool_create(name, cfg->mbufs_per_queue, 256, 0,
								 RTE_MBUF_DEFAULT_BUF_SIZE, socket);
		if (mp == NULL)
			rte_exit(EXIT_FAILURE, "port %u queue %u: mbuf pool of %u: %s (raise EAL -m?)\n", pid, q,
				 cfg->mbufs_per_queue, rte_strerror(rte_errno));
		r = rte_eth_rx_queue_setup(pid, q, rxd, (unsigned)socket, NULL, mp);
		if (r < 0)
			rte_exit(EXIT_FAILURE, "port %u: RX queue %u: %s\n", pid, q, rte_strerror(-r));
		r = rte_eth_tx_queue_setup(pid, q, txd, (unsigned)socket, NULL);
		if (r < 0)
			rte_exit(EXIT_FAILURE, "port %u: TX queue %u: %s\n", pid, q, rte_strerror(-r));
		gbakd_workers[first_worker + q]->pool = mp;
	}
	r = rte_eth_dev_start(pid);
	if (r < 0)
		rte_exit(EXIT_FAILURE, "port %u: start failed: %s\n", pid, rte_strerror(-r));
	rte_eth_promiscuous_enable(pid); /* virtual devices; harmless on real NICs */
	rte_eth_macaddr_get(pid, &p->ifc.mac);
	/* the largest UDP payload a frame of the port's MTU carries: longer answers are never sent */
	uint16_t mtu;
	if (rte_eth_dev_get_mtu(pid, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		gbakd_workers[first_worker + q]->max_payload4 = (uint16_t)(mtu > 28 ? mtu - 20 - 8 : 0);
		gbakd_workers[first_worker + q]->max_payload6 = (uint16_t)(mtu > 48 ? mtu - 40 - 8 : 0);
	}
	net_iface_set_ll(&p->ifc);
}

static struct worker *worker_new(unsigned idx, struct cfg_port *p, uint16_t q, int socket)
{
	struct worker *w = rte_zmalloc_socket("gbakd_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		rte_exit(EXIT_FAILURE, "out of memory for worker %u (raise EAL -m)\n", idx);
	w->idx = idx;
	w->port_id = p->port_id;
	w->queue_id = q;
	w->port = p;
	w->cfg = cfg;
	w->tab = cfg->tab; /* the start-up tables; each loop iteration reads the live ones */
	w->tel.queue = q;
	w->tsc_hz = rte_get_tsc_hz();
	w->nb_slots = cfg->max_inflight;
	w->slots = rte_zmalloc_socket("gbakd_slots", sizeof(struct slot) * w->nb_slots, RTE_CACHE_LINE_SIZE,
				      socket);
	w->free_stack = rte_zmalloc_socket("gbakd_free", sizeof(uint32_t) * w->nb_slots, 0, socket);
	if (w->slots == NULL || w->free_stack == NULL)
		rte_exit(EXIT_FAILURE, "out of memory for %u in-flight slots (limits max_inflight, EAL -m)\n",
			 w->nb_slots);
	for (unsigned i = 0; i < w->nb_slots; i++)
		w->free_stack[i] = w->nb_slots - 1 - i;
	w->nb_free = w->nb_slots;
	w->kdf = gba_kdf_engine_create(cfg->kdf_impl);
	if (w->kdf == NULL)
		rte_exit(EXIT_FAILURE, "[gbakd] kdf: engine not usable on this CPU: %s\n", strerror(errno));
	void *cmem = NULL;
	if (cfg->cache_entries) {
		cmem = rte_zmalloc_socket("gbakd_cache", cache_mem_size(cfg->cache_entries), RTE_CACHE_LINE_SIZE, socket);
		if (cmem == NULL)
			rte_exit(EXIT_FAILURE, "[cache] entries: cannot allocate %u entries (raise EAL -m)\n",
				 cfg->cache_entries);
	}
	cache_init_mem(&w->cache, cmem, cfg->cache_entries, cfg->cache_ttl_s);
	if (cfg->has_local_realm) {
		struct store_config sc = {
			.redis = cfg->redis,
			.user = cfg->redis_user[0] ? cfg->redis_user : NULL,
			.password = cfg->redis_password[0] ? cfg->redis_password : NULL,
			.connect_timeout_ms = cfg->store_connect_timeout_ms,
			.reply_timeout_ms = cfg->store_reply_timeout_ms,
			.max_inflight = cfg->max_inflight,
		};
		char err[256];
		w->store = store_create(&sc, err, sizeof(err));
		if (w->store == NULL)
			rte_exit(EXIT_FAILURE, "[store] redis: %s\n", err);
		if (cfg->cache_entries > 0 && cfg->revoke_channel[0] != '\0') {
			struct store_sub_config rc = {
				.redis = cfg->redis,
				.user = sc.user,
				.password = sc.password,
				.channel = cfg->revoke_channel,
				.bound_ms = cfg->revoke_bound_ms,
				.connect_timeout_ms = cfg->store_connect_timeout_ms,
			};
			w->sub = store_sub_create(&rc, err, sizeof(err));
			if (w->sub == NULL)
				rte_exit(EXIT_FAILURE, "[cache] revoke_channel: %s\n", err);
		}
	}
	w->cache_ok = w->sub == NULL; /* else once the subscription is proven fresh */
	char rn[32];
	snprintf(rn, sizeof(rn), "gbakd_ho%u", idx);
	w->handoff = rte_ring_create(rn, 1024, socket, RING_F_SC_DEQ);
	if (w->handoff == NULL)
		rte_exit(EXIT_FAILURE, "cannot create handoff ring: %s\n", rte_strerror(rte_errno));
	if (forward_worker_init(w) < 0)
		rte_exit(EXIT_FAILURE, "cannot initialise roaming state for worker %u\n", idx);
	if (tel_register_lcore(&w->tel) < 0)
		rte_exit(EXIT_FAILURE, "too many workers for telemetry\n");
	return w;
}

static int cmd_shards(const char *c __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	/* per store node, summed over workers (every worker has its own connection to each) */
	rte_tel_data_start_dict(d);
	if (gbakd_nb_workers == 0 || gbakd_workers[0]->store == NULL)
		return 0;
	unsigned n = store_nb_shards(gbakd_workers[0]->store);
	for (unsigned i = 0; i < n; i++) {
		struct store_shard_stats sum, st;
		memset(&sum, 0, sizeof(sum));
		int up = 0;
		for (unsigned k = 0; k < gbakd_nb_workers; k++) {
			if (store_shard_stats(gbakd_workers[k]->store, i, &st) < 0)
				continue;
			memcpy(sum.addr, st.addr, sizeof(sum.addr));
			sum.lookups += st.lookups;
			sum.found += st.found;
			sum.not_found += st.not_found;
			sum.expired += st.expired;
			sum.timeouts += st.timeouts;
			sum.errors += st.errors;
			sum.redirects_moved += st.redirects_moved;
			sum.redirects_ask += st.redirects_ask;
			sum.reconnects += st.reconnects;
			sum.names_refused += st.names_refused;
			up += st.up;
		}
		struct rte_tel_data *x = rte_tel_data_alloc();
		if (x == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(x);
		TEL_PUT(x, shards, lookups, sum.lookups);
		TEL_PUT(x, shards, found, sum.found);
		TEL_PUT(x, shards, not_found, sum.not_found);
		TEL_PUT(x, shards, expired, sum.expired);
		TEL_PUT(x, shards, timeouts, sum.timeouts);
		TEL_PUT(x, shards, errors, sum.errors);
		TEL_PUT(x, shards, redirects_moved, sum.redirects_moved);
		TEL_PUT(x, shards, redirects_ask, sum.redirects_ask);
		TEL_PUT(x, shards, reconnects, sum.reconnects);
		TEL_PUT(x, shards, names_refused, sum.names_refused);
		TEL_PUT(x, shards, connections_up, (uint64_t)up);
		TEL_PUT_STR(x, shards, addr, sum.addr);
		char key[80];
		tel_key(sum.addr[0] ? sum.addr : "unknown", key, sizeof(key));
		rte_tel_data_add_dict_container(d, key, x, 0);
	}
	return 0;
}

static int cmd_policy(const char *c __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	/* denials (5402) per rule (or "none": no rule named the peer) and reason. Rows are rule
	 * indices, stable by name across reloads (config.h): a rule's counters survive a reload;
	 * rules a reload removed are not listed. */
	rte_tel_data_start_dict(d);
	const struct gbakd_tables *t = tables_ctl_get();
	for (unsigned r = 0; r <= t->policy.n; r++) {
		unsigned row = r < t->policy.n ? r : ROUTE_MAX_RULES;
		if (r < t->policy.n && !cfg_rule_live(&t->policy.rule[r]))
			continue;
		struct rte_tel_data *x = rte_tel_data_alloc();
		if (x == NULL) {
			tables_ctl_put();
			return -ENOMEM;
		}
		rte_tel_data_start_dict(x);
		uint64_t ok = 0;
		for (unsigned k = 0; k < gbakd_nb_workers; k++)
			ok += gbakd_workers[k]->policy.deny[row][0];
		ok += dia_eap_policy_count(row, 0); /* DERs (Diameter EAP) */
		TEL_PUT(x, policy, authorised, ok);
		for (unsigned why = 1; why < ROUTE_DENY_MAX; why++) {
			uint64_t v = 0;
			for (unsigned k = 0; k < gbakd_nb_workers; k++)
				v += gbakd_workers[k]->policy.deny[row][why];
			v += dia_eap_policy_count(row, why);
			TEL_PUT_KEYED(x, policy, denied, route_deny_names[why], v);
		}
		const char *name = r < t->policy.n ? t->policy.rule[r].name : "none";
		TEL_PUT_STR(x, policy, name, name);
		char key[ROUTE_NAME_MAX];
		rte_tel_data_add_dict_container(d, tel_key(name, key, sizeof(key)), x, 0);
	}
	tables_ctl_put();
	return 0;
}

static void print_final(void)
{
	struct tel_lcore s;
	tel_sum(&s);
	printf("gbakd: final counters:\n");
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		if (s.ctr[i])
			printf("  %-20s %" PRIu64 "\n", tel_ctr_names[i], s.ctr[i]);
	for (unsigned i = 0; i < TEL_RC_MAX; i++)
		if (s.rc[i]) {
			if (tel_rc_codes[i])
				printf("  answers_%-12u %" PRIu64 "\n", tel_rc_codes[i], s.rc[i]);
			else
				printf("  answers_other        %" PRIu64 "\n", s.rc[i]);
		}
	for (unsigned i = 1; i < TEL_DROP_MAX; i++)
		if (s.drop[i])
			printf("  drop_%-15s %" PRIu64 "\n", tel_drop_names[i], s.drop[i]);
	printf("  inflight             %" PRIu64 "\n", s.inflight);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	/* SIGHUP (reload) is blocked in every thread and taken by the reloader thread with sigwait
	 * (reload.c); SIGINT/SIGTERM are blocked in the threads rte_eal_init creates (worker lcores,
	 * telemetry), so no signal handler ever interrupts a worker's system calls (the PMD's, the
	 * store client's) with EINTR; the main thread takes them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	for (int i = 1; i < argc; i++) /* --help / --version work without an EAL */
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(argv[0]);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("gbakd %s\n", GBAKD_VERSION);
			return 0;
		}
	int n = rte_eal_init(argc, argv);
	if (n < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed: %s (see --help)\n", rte_strerror(rte_errno));
	sigdelset(&sigs, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL); /* SIGINT/SIGTERM: this thread only */
	argc -= n;
	argv += n;
	const char *path = NULL;
	int check_only = 0;
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"check", no_argument, NULL, 'k'},
					     {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (o == 'c')
			path = optarg;
		else if (o == 'k')
			check_only = 1;
		else
			rte_exit(2, "unknown option (see --help)\n");
	}
	if (path == NULL)
		rte_exit(2, "--config FILE is required (see --help)\n");
	cfg = calloc(1, sizeof(*cfg));
	char err[512];
	if (cfg == NULL || gbakd_config_load(path, cfg, NULL, err, sizeof(err)) < 0)
		rte_exit(2, "config: %s\n", cfg ? err : "out of memory");
	if (cfg->has_local_realm && cfg->cache_entries > 0 && cfg->revoke_channel[0] == '\0')
		fprintf(stderr, "gbakd: warning: [cache] revoke_channel = none: a revoked session can still be "
			"answered from a worker's cache for up to ttl_s = %u s\n", cfg->cache_ttl_s);
	if (check_only) {
		printf("gbakd: %s: configuration OK\n", path);
		rte_eal_cleanup();
		return 0;
	}

	/* workers: one per (port, queue) */
	unsigned need = 0;
	for (unsigned p = 0; p < cfg->nb_ports; p++)
		need += cfg->port[p].nb_queues;
	unsigned have = rte_lcore_count() > 1 ? rte_lcore_count() - 1 : 1;
	if (need > have || need > MAX_WORKERS)
		rte_exit(EXIT_FAILURE, "%u RX queues need %u worker lcores, EAL gave %u (use -l with one more "
			 "lcore than queues: the main lcore only supervises)\n", need, need, have);
	unsigned idx = 0;
	for (unsigned p = 0; p < cfg->nb_ports; p++)
		for (uint16_t q = 0; q < cfg->port[p].nb_queues; q++, idx++)
			gbakd_workers[idx] = worker_new(idx, &cfg->port[p], q, (int)rte_socket_id());
	gbakd_nb_workers = need;
	if (tables_init(cfg->tab, need) < 0)
		rte_exit(EXIT_FAILURE, "cannot set up the tables' RCU (raise EAL -m)\n");
	cfg->tab = NULL; /* owned by tables.c now: a reload frees it; read tables_live / w->tab */
	idx = 0;
	for (unsigned p = 0; p < cfg->nb_ports; p++) {
		port_init(&cfg->port[p], idx);
		idx += cfg->port[p].nb_queues;
	}

	ub_prepare(cfg); /* [ub] or [eap] av_source = zh: Zh advertised by the Diameter node */
	dia_eap_prepare(cfg); /* [eap] + [diameter]: DER/DEA (application 5) served by the EAP thread */
	dia_node_init(); /* [diameter]: freeDiameter on its own threads */
	ub_start(cfg); /* [ub]: the bootstrapping HTTP server on a control thread */
	eap_app_start(cfg); /* [eap]: the EAP-AKA server table and its stores */
	radius_start(cfg);  /* [eap] radius_port: its RADIUS front end on a control thread */

	char info[768];
	snprintf(info, sizeof(info), "gbakd %s origin_host=%s realm=%s workers=%u kdf=%s", GBAKD_VERSION,
		 cfg->origin_host, cfg->origin_realm, need, gba_kdf_engine_name(gbakd_workers[0]->kdf));
	if (tel_register_commands(info) < 0 || worker_register_telemetry() < 0 ||
	    TEL_REGISTER(shards, cmd_shards) ||
	    TEL_REGISTER(policy, cmd_policy) ||
	    forward_register_telemetry() < 0 || dia_node_register_telemetry() < 0 || ub_register_telemetry() < 0 ||
	    radius_register_telemetry() < 0)
		rte_exit(EXIT_FAILURE, "cannot register telemetry commands\n");
	if (reload_start(path, cfg) < 0)
		rte_exit(EXIT_FAILURE, "cannot start the reloader thread\n");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN); /* a peer closing its socket (Redis, Diameter) is an error, not death */

	for (unsigned p = 0; p < cfg->nb_ports; p++) {
		const struct cfg_port *cp = &cfg->port[p];
		char mac[RTE_ETHER_ADDR_FMT_SIZE], ip4[16] = "-", ip6[48] = "-";
		rte_ether_format_addr(mac, sizeof(mac), &cp->ifc.mac);
		if (cp->ifc.has_ip4)
			inet_ntop(AF_INET, &cp->ifc.ip4, ip4, sizeof(ip4));
		if (cp->ifc.has_ip6)
			inet_ntop(AF_INET6, cp->ifc.ip6, ip6, sizeof(ip6));
		printf("gbakd: port %u mac %s ipv4 %s ipv6 %s udp %u queues %u checksums %s\n", cp->port_id, mac,
		       ip4, ip6, cfg->udp_port, cp->nb_queues, cp->csum_offload ? "offload" : "software");
	}
	printf("gbakd: ready: %s store=%s cache=%u/worker revoke=%s\n", info,
	       cfg->has_local_realm ? cfg->redis : "-", cfg->cache_entries,
	       gbakd_workers[0]->sub ? store_sub_channel(gbakd_workers[0]->sub) : "-");
	fflush(stdout);

	if (rte_lcore_count() == 1) {
		worker_main(gbakd_workers[0]);
	} else {
		unsigned lc, k = 0;
		RTE_LCORE_FOREACH_WORKER(lc)
		{
			if (k == need)
				break;
			if (rte_eal_remote_launch(worker_main, gbakd_workers[k], lc) != 0)
				rte_exit(EXIT_FAILURE, "cannot launch worker on lcore %u\n", lc);
			k++;
		}
		/* the main lcore supervises and carries Diameter answers/forwards to freeDiameter */
		for (;;) {
			unsigned busy = dia_node_control_poll();
			unsigned running = 0;
			for (unsigned i = 0; i < need; i++)
				running += !gbakd_workers[i]->done;
			if (running == 0)
				break;
			if (!busy)
				usleep(dia_node_enabled() ? 20 : 100000);
		}
		rte_eal_mp_wait_lcore();
		/* DERs answered before freeDiameter stops: close the door, join the EAP thread (the
		 * only consumer), answer what is still queued 3004 here */
		dia_eap_stop();
		radius_stop();
		dia_eap_drain();
		dia_node_stop();
	}
	/* the telemetry thread outlives everything below: no handler may read what is freed next */
	tel_close();
	reload_stop();
	ub_stop();
	radius_stop();
	eap_app_stop();
	printf("gbakd: stopping\n");
	print_final();
	for (unsigned p = 0; p < cfg->nb_ports; p++) {
		rte_eth_dev_stop(cfg->port[p].port_id);
		rte_eth_dev_close(cfg->port[p].port_id);
	}
	for (unsigned i = 0; i < gbakd_nb_workers; i++) {
		struct worker *w = gbakd_workers[i];
		if (w->store)
			store_destroy(w->store);
		store_sub_destroy(w->sub);
		gba_kdf_engine_free(w->kdf);
		void *cmem = w->cache.e;
		cache_wipe(&w->cache);
		rte_free(cmem);
	}
	rte_eal_cleanup();
	return 0;
}
