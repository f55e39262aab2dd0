#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Apply a Python edit to a schema: edit-yaml.py FILE 'STATEMENTS'.

FILE is loaded into d, STATEMENTS run with d in scope (e.g.
'd["additionalProperties"] = True'), and d is written back to FILE.
For tests/schema's "changing the YAML changes validation" cases.
"""
import sys

import yaml

path, edit = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    d = yaml.safe_load(f)
exec(edit, {"d": d})
with open(path, "w", encoding="utf-8") as f:
    yaml.safe_dump(d, f, sort_keys=False)
