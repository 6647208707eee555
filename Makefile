# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLOWER_PORT ?= 5555
export PORT FLOWER_PORT

.PHONY: run test venv setup migrate admin model lint bench clean

# Re-install only when requirements.txt changes.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --no-input

admin: migrate
	$(BIN)/python manage.py ensure_admin

# The offline categorization model, trained when missing or stale (about a second).
model: venv
	$(BIN)/python manage.py categorization_train --if-missing

setup: admin model

# Flower always asks for a password: FLOWER_BASIC_AUTH (user:password), or one generated
# once into $$VAR_DIR/flower_basic_auth and printed. Flower reads FLOWER_BASIC_AUTH itself.
run: setup
	@auth_file="$${VAR_DIR:-var}/flower_basic_auth"; \
	if [ -z "$$FLOWER_BASIC_AUTH" ] && [ ! -s "$$auth_file" ]; then \
	  mkdir -p "$$(dirname "$$auth_file")"; umask 077; \
	  echo "admin:$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(12))')" > "$$auth_file"; \
	  echo "Generated Flower login (kept in $$auth_file): $$(cat "$$auth_file")"; \
	fi
	@echo ""
	@echo "  API:     http://127.0.0.1:$(PORT)/api/"
	@echo "  Admin:   http://127.0.0.1:$(PORT)/admin/"
	@echo "  Health:  http://127.0.0.1:$(PORT)/api/health"
	@echo "  Docs:    http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Metrics: http://127.0.0.1:$(PORT)/metrics"
	@echo "  Flower:  http://127.0.0.1:$(FLOWER_PORT)/  (login: FLOWER_BASIC_AUTH or $${VAR_DIR:-var}/flower_basic_auth)"
	@echo "  Ctrl-C stops everything."
	@echo ""
	@# Metrics of the previous run's processes would be summed into this one's.
	rm -rf "$${PROMETHEUS_MULTIPROC_DIR:-$${VAR_DIR:-$(CURDIR)/var}/prometheus}"
	@FLOWER_BASIC_AUTH="$${FLOWER_BASIC_AUTH:-$$(cat "$${VAR_DIR:-var}/flower_basic_auth")}" \
	  PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks on PostgreSQL + RabbitMQ (DATABASE_URL / CELERY_BROKER_URL name the servers;
# BENCH_DB_NAME / BENCH_AMQP_VHOST the scratch database and vhost). BENCH_ARGS="--quick" or "--repeat 3".
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var
