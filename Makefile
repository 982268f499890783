# vanban: the two commands a newcomer needs.
#   make run   installs what is missing, builds, and serves the demo province on http://127.0.0.1:8080
#   make test  runs every test (Rust, both databases, wasm32 build, clippy, Playwright e2e)

.PHONY: run test frontend pg-start bench bench-scale clean-data

run:
	./scripts/run.sh

test:
	./scripts/test.sh

frontend:
	bash -c 'source scripts/lib.sh && build_frontend'

pg-start:
	./scripts/pg-start.sh

bench:
	./scripts/bench.sh

# The morning peak of a province on three instances, PostgreSQL and Garage (docs/BENCHMARKS.md).
bench-scale:
	./scripts/bench-scale.sh

clean-data:
	rm -rf data
