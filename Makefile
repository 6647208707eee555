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

run: setup
	@echo ""
	@echo "  API:     http://127.0.0.1:$(PORT)/api/"
	@echo "  Admin:   http://127.0.0.1:$(PORT)/admin/"
	@echo "  Health:  http://127.0.0.1:$(PORT)/api/health"
	@echo "  Flower:  http://127.0.0.1:$(FLOWER_PORT)/"
	@echo "  Ctrl-C stops everything."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var
