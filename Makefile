# Two commands: `make run` serves the registry on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test setup fonts db demo clean

run: setup fonts db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup fonts
	$(BIN)/pytest

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

# A CJK font for screenshots and certificates; installed from Debian when none is present.
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing a CJK font (fonts-wqy-microhei)"; \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || \
		 (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null)) || \
		echo "warning: could not install a CJK font; Chinese text may not render in screenshots"; \
	else echo "warning: no CJK font found; install fonts-wqy-microhei"; fi

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
