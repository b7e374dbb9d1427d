# gbakd build. Everything lands in $(BUILD)/. Sources are discovered by folder:
#   lib/<name>/*.c        -> $(BUILD)/lib/lib<name>.a   (one library per folder, one job each)
#   app/*.c               -> $(BUILD)/gbakd             (the DPDK service)
#   tools/gbactl/*.c      -> $(BUILD)/gbactl            (operator CLI; subcommands in cmd_*.c)
#   tests/unit/*.c        -> $(BUILD)/tests/unit        (CUnit, no servers needed)
#   tests/integration/*.c -> $(BUILD)/tests/<name>      (CUnit programs driven by *.sh next to them)
#   bench/*.c             -> $(BUILD)/bench/<name>      (micro-benchmarks, driven by bench/*.sh)
#   tests/fuzz/fuzz_<lib>_*.c -> $(BUILD)/fuzz/...      (libFuzzer, clang; links lib/<lib> + deps)

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG   ?= clang

DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null)
DPDK_LIBS   := $(shell pkg-config --libs libdpdk 2>/dev/null)
FD_LIBS     := -lfdcore -lfdproto
MHD_LIBS    := -lmicrohttpd

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CPPFLAGS += -Ilib -Itests/common -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) $(WARN) -fno-strict-aliasing $(DPDK_CFLAGS)
EXT_LIBS := -lIPSec_MB -lcrypto -lssl -lhiredis $(DPDK_LIBS) -lm -lpthread
LDFLAGS  +=

LIB_NAMES := $(patsubst lib/%/,%,$(sort $(dir $(wildcard lib/*/*.c))))
LIB_AS    := $(foreach l,$(LIB_NAMES),$(BUILD)/lib/lib$(l).a)
LINK_LIBS := -L$(BUILD)/lib -Wl,--start-group $(foreach l,$(LIB_NAMES),-l$(l)) -Wl,--end-group $(EXT_LIBS)

APP_SRCS    := $(wildcard app/*.c)
GBACTL_SRCS := $(wildcard tools/gbactl/*.c)
UNIT_SRCS   := $(wildcard tests/unit/*.c)
IT_SRCS     := $(wildcard tests/integration/*.c)
BENCH_SRCS  := $(wildcard bench/*.c)
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
CU_RUNNER   := tests/common/cu_runner.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

PROGS := $(BUILD)/gbactl $(if $(APP_SRCS),$(BUILD)/gbakd) $(BUILD)/tests/unit \
         $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(IT_SRCS)) \
         $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: all deps test fuzz bench clean install uninstall demo help
# objects of programs built by pattern rules are not intermediates: keep them (no rebuild each run)
.SECONDARY:
.SECONDEXPANSION:
.DEFAULT_GOAL := all

all: $(PROGS)

help:
	@echo "make            build everything into $(BUILD)/"
	@echo "make test       install missing Debian packages, build, run every test"
	@echo "make bench      run the bench harness (bench-kdf, bench-diameter, bench-store, ..., bench-capacity last)"
	@echo "make bench-X    run one benchmark (bench/X.sh; e.g. bench-ub, bench-eap)"
	@echo "make fuzz       run the libFuzzer targets (FUZZ_SECONDS=60 each)"
	@echo "make fuzz-long  every libFuzzer target FUZZ_RUNS=10000000 times (ASan+UBSan; make -j2)"
	@echo "make demo       the one-command demo (installs, starts Redis + gbakd on a veth, queries)"
	@echo "make install    install gbakd, gbactl and the example config (PREFIX, DESTDIR)"

deps:
	@bash tools/install-deps.sh

# ---- objects ---------------------------------------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

define LIB_RULE
$(BUILD)/lib/lib$(1).a: $(call obj,$(wildcard lib/$(1)/*.c))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIB_NAMES),$(eval $(call LIB_RULE,$(l))))

# ---- programs --------------------------------------------------------------------------------
$(BUILD)/gbactl: $(call obj,$(GBACTL_SRCS)) $(LIB_AS)
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(GBACTL_SRCS)) $(LINK_LIBS) $(FD_LIBS)

$(BUILD)/gbakd: $(call obj,$(APP_SRCS)) $(LIB_AS)
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(APP_SRCS)) $(LINK_LIBS) $(FD_LIBS) $(MHD_LIBS)

$(BUILD)/tests/unit: $(call obj,$(UNIT_SRCS) $(CU_RUNNER)) $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(UNIT_SRCS) $(CU_RUNNER)) $(LINK_LIBS) -lcunit

$(BUILD)/tests/%: $(BUILD)/obj/tests/integration/%.o $(call obj,$(CU_RUNNER)) $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(call obj,$(CU_RUNNER)) $(LINK_LIBS) -lcunit $(FD_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIBS) $(FD_LIBS)

# the plain libmicrohttpd reference server of make bench-ub
$(BUILD)/bench/ub_plain: $(BUILD)/obj/bench/ub_plain.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(MHD_LIBS)

# freeDiameter extensions: tools/fdext/<name>.c -> $(BUILD)/fdext/<name>.fdx (shared, -fPIC; the
# lib/ sources they use are compiled in, position-independent)
FDEXT_LIB_SRCS := lib/route/route.c lib/net/net.c lib/gba/gba_btid.c lib/base64/base64.c lib/fdpeer/fdpeer_dict.c
# per extension: more lib/ sources (FDEXT_SRCS_<name>) and libraries (FDEXT_LIBS_<name>)
FDEXT_SRCS_zh_hss := lib/fdpeer/fdpeer_zh_codec.c $(wildcard lib/subscriber/*.c) lib/gba/gba_milenage.c \
                     lib/store/store_url.c
FDEXT_LIBS_zh_hss := -lhiredis -lcrypto
all: $(patsubst tools/fdext/%.c,$(BUILD)/fdext/%.fdx,$(wildcard tools/fdext/*.c))
$(BUILD)/fdext/%.fdx: tools/fdext/%.c $(FDEXT_LIB_SRCS) $$(FDEXT_SRCS_$$*) $(wildcard lib/route/*.h lib/net/*.h lib/gba/*.h lib/base64/*.h lib/fdpeer/*.h lib/subscriber/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -shared -Wl,--no-undefined -o $@ $< $(FDEXT_LIB_SRCS) $(FDEXT_SRCS_$*) \
	  $(FD_LIBS) $(FDEXT_LIBS_$*)

# ---- fuzzing (clang, libFuzzer + ASan + UBSan) -------------------------------------------------
FUZZ_CFLAGS := -std=c11 -g -O1 -Ilib -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined -Wall -Wextra -Werror
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
fuzzlib = $(word 2,$(subst _, ,$(notdir $(1))))
$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard lib/*/*.c lib/*/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(if $(FUZZ_DPDK_$(call fuzzlib,$@)),$(DPDK_CFLAGS)) -o $@ $< \
	  $(filter-out $(FUZZ_EXCLUDE_$(notdir $@)),$(wildcard lib/$(call fuzzlib,$@)/*.c) \
	  $(foreach d,$(FUZZ_DEPS_$(call fuzzlib,$@)),$(wildcard lib/$(d)/*.c))) -lIPSec_MB -lcrypto -lhiredis -lm
# extra libraries a fuzz target's library needs, by library name
FUZZ_DEPS_zn := diameter
FUZZ_DEPS_route := net
FUZZ_DEPS_gba := base64
FUZZ_DEPS_ub := base64
FUZZ_DEPS_store := base64
# libraries whose headers need DPDK's (lib/net uses rte_ether.h inlines only: nothing to link)
FUZZ_DPDK_route := 1
FUZZ_DPDK_net := 1
# lib/eap's Milenage USIM needs lib/gba and lib/subscriber: not part of the codec fuzz target
FUZZ_EXCLUDE_fuzz_eap_msg := lib/eap/eap_usim.c
FUZZ_EXCLUDE_fuzz_eap_peer := lib/eap/eap_usim.c
# sources a target compiles in itself (it #includes them: static functions, faked system calls)
FUZZ_EXCLUDE_fuzz_store_reply := lib/store/store.c lib/store/store_admin.c lib/store/store_req.c \
  lib/store/store_cluster.c lib/store/store_node.c lib/store/store_pool.c lib/store/store_conn.c
FUZZ_SECONDS ?= 60
fuzz-build: $(FUZZ_BINS)
fuzz: fuzz-build
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(BUILD)/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done
# The long run (not part of make test): every target FUZZ_RUNS executions (default 10 million)
# under ASan+UBSan over a scratch corpus in $(BUILD)/fuzz/long-<target>/ seeded from
# tests/fuzz/corpus/<target>/; crashes land in $(BUILD)/fuzz/long-<target>.art/. Each target's
# log is $(BUILD)/fuzz/long-<target>.log; the summary lists runs, exec/s and seconds per target
# (every target runs even when one crashes; fuzz-long fails if any did). make -j2 fuzz-long runs
# two targets at once.
FUZZ_RUNS ?= 10000000
FUZZ_LONG := $(patsubst $(BUILD)/fuzz/%,fuzz-long-%,$(FUZZ_BINS))
.PHONY: fuzz-long $(FUZZ_LONG)
fuzz-long: $(FUZZ_LONG)
	@echo "== fuzz-long: $(FUZZ_RUNS) runs per target"; cat $(patsubst fuzz-long-%,$(BUILD)/fuzz/long-%.summary,$(FUZZ_LONG))
	@! grep -l CRASH $(patsubst fuzz-long-%,$(BUILD)/fuzz/long-%.summary,$(FUZZ_LONG))
$(FUZZ_LONG): fuzz-long-%: $(BUILD)/fuzz/%
	@mkdir -p $(BUILD)/fuzz/long-$* $(BUILD)/fuzz/long-$*.art
	@echo "== $* ($(FUZZ_RUNS) runs, log $(BUILD)/fuzz/long-$*.log)"
	@$< -runs=$(FUZZ_RUNS) -print_final_stats=1 -timeout=30 -rss_limit_mb=2048 \
	  -artifact_prefix=$(BUILD)/fuzz/long-$*.art/ $(BUILD)/fuzz/long-$* tests/fuzz/corpus/$* \
	  >$(BUILD)/fuzz/long-$*.log 2>&1; rc=$$?; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz/long-$*.log); \
	  eps=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $(BUILD)/fuzz/long-$*.log); \
	  secs=$$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $(BUILD)/fuzz/long-$*.log); \
	  printf '%-22s runs %-10s exec/s %-7s seconds %-6s %s\n' $* "$${runs:-?}" "$${eps:-?}" "$${secs:-?}" \
	    "$$([ $$rc -eq 0 ] && echo 'no crash' || echo "CRASH (exit $$rc): $$(ls $(BUILD)/fuzz/long-$*.art | head -3 | tr '\n' ' ')")" \
	    | tee $(BUILD)/fuzz/long-$*.summary

# ---- test / bench ----------------------------------------------------------------------------
# make test builds with one job per CPU (the build is a fifth of the run on 2 cores); tests/run.sh
# runs the integration parts T_JOBS (default 2) at a time
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) all fuzz-build
	@bash tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh

bench-%: deps
	@$(MAKE) --no-print-directory all
	@bash bench/$*.sh

# same-run before/after figures of two trees (bench/compare.sh; ARGS="--before REV ..."); not part
# of `make bench` (it builds a second tree)
bench-compare: deps
	@$(MAKE) --no-print-directory all
	@bash bench/compare.sh $(ARGS)

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tools/demo.sh

# ---- install ---------------------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gbakd $(DESTDIR)$(PREFIX)/etc/gbakd \
	  $(DESTDIR)$(PREFIX)/lib/gbakd
	install -m 755 $(BUILD)/gbactl $(DESTDIR)$(PREFIX)/bin/gbactl
	[ ! -f $(BUILD)/gbakd ] || install -m 755 $(BUILD)/gbakd $(DESTDIR)$(PREFIX)/bin/gbakd
	cd config && find . -type f | while read -r f; do \
	  install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/etc/gbakd/$$f" || exit 1; done
	for f in $(BUILD)/fdext/*.fdx; do [ ! -f "$$f" ] || install -m 755 "$$f" $(DESTDIR)$(PREFIX)/lib/gbakd/; done
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/gbakd/README.md
	for d in tools/grafana tools/prometheus; do [ ! -d $$d ] || cp -r $$d $(DESTDIR)$(PREFIX)/share/gbakd/; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/gbactl $(DESTDIR)$(PREFIX)/bin/gbakd
	rm -rf $(DESTDIR)$(PREFIX)/share/gbakd $(DESTDIR)$(PREFIX)/etc/gbakd $(DESTDIR)$(PREFIX)/lib/gbakd

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# app/config.c's tables across reloads (tests/app: links app/config.c, no EAL, no root);
# run by tests/integration/reload.sh
APP_UNIT_SRCS := $(wildcard tests/app/*.c)
APP_UNIT_OBJS := $(call obj,$(APP_UNIT_SRCS) $(CU_RUNNER) app/config.c app/config_read.c app/ub_config.c app/eap_config.c app/eap.c)
all: $(BUILD)/tests/app_unit
$(BUILD)/tests/app_unit: $(APP_UNIT_OBJS) $(LIB_AS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(APP_UNIT_OBJS) $(LINK_LIBS) -lcunit
