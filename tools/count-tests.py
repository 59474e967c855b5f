#!/usr/bin/env python3
"""Totals test results over meson test logs (JSON lines). A Criterion executable counts its own
tests (its 'Synthesis' line); any other test counts as one. A test meson marks failed whose
Criterion tests all passed (e.g. a valgrind error in a worker) adds one failure."""
import json, re, sys

SYN = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
passed = failed = 0
for path in sys.argv[1:]:
    setup = path.split("testlog")[-1].strip("-").replace(".json", "") or "native"
    p_set = f_set = 0
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            ok = t["result"] == "OK"
            m = SYN.search((t.get("stdout") or "") + (t.get("stderr") or ""))
            if m:
                _, p, fl, cr = map(int, m.groups())
                p_set += p
                f_set += fl + cr + (0 if ok or fl + cr else 1)
            else:
                p_set += ok
                f_set += not ok
            if not ok:
                print(f"  FAILED [{setup}] {t['name']}", file=sys.stderr)
    print(f"{path}: {p_set} passed, {f_set} failed")
    passed += p_set
    failed += f_set
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
