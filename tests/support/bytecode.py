"""Imported first by tests/conftest.py: the test run writes bytecode caches (``__pycache__``,
ignored by git) even where PYTHONDONTWRITEBYTECODE is set, as on this project's machines.

Without them every test process compiles every module, and pytest rewrites the assertions of
every test module, on every run: about 4 s of CPU per process, three processes a run, and again
in each `emcoach` subprocess of the slow set. Only this process and what it imports afterwards
are affected; the variable itself is left as it is.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = False
