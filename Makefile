# make        create .venv, install the package (editable) with its C core
# make test   run the test suite
# make bench  benchmarks against numpy / PyTorch CPU (ratios)
# make demo   the demo: a legacy Torch7 training script run by th, then its checkpoint in Python
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
CSRC   := $(wildcard lib/include/*.h lib/TH*/*.c lib/TH*/*.h lib/TH*/generic/*.c lib/TH*/generic/*.h) pytorch_like/_C_numpy.c build_C.py setup.py pyproject.toml
STAMP  := $(VENV)/.deps-installed

.PHONY: all build test bench demo clean

all: build

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q numpy "cffi>=1.16" "lupa>=2.0" scipy-openblas32 setuptools wheel \
	    pytest hypothesis torchfile torch==2.13.0
	touch $@

# editable install: the extension is compiled into pytorch_like/ from lib/
pytorch_like/.built: $(STAMP) $(CSRC)
	$(PIP) install -q --no-build-isolation -e .
	touch $@

build: pytorch_like/.built

test: build
	$(PY) -m pytest -q

bench: build
	$(PY) bench/run.py

DEMO_OUT ?= demo_out
demo: build
	$(VENV)/bin/th examples/train_digits.lua -epochs 3 -lr 0.05 -batchSize 32 -save $(DEMO_OUT)
	$(PY) examples/demo.py $(DEMO_OUT)

clean:
	rm -rf build demo_out *.egg-info pytorch_like/_C*.so pytorch_like/_C.c pytorch_like/.built
