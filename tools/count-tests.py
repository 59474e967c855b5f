#!/usr/bin/env python3
"""Totals test results over meson test logs (JSON lines) and a pytest log (--pytest FILE).
A Criterion executable counts its own tests (its 'Synthesis' line); any other meson test counts
as one. A test meson marks failed whose Criterion tests all passed (e.g. a valgrind error in a
worker) adds one failure. pytest: its closing line; a log without one counts one failure."""
import json, re, sys

args = sys.argv[1:]
pytest_log = None
if "--pytest" in args:
    i = args.index("--pytest")
    pytest_log = args[i + 1]
    del args[i:i + 2]

SYN = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
passed = failed = 0
for path in args:
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
if pytest_log:
    text = open(pytest_log, errors="replace").read()
    last = [l for l in text.splitlines() if re.search(r"\d+ (passed|failed|error)", l)]
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", last[-1])} if last else {}
    p_py = counts.get("passed", 0)
    f_py = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0) + (0 if last else 1)
    print(f"{pytest_log}: {p_py} passed, {f_py} failed, {counts.get('skipped', 0)} skipped (ISAs this CPU lacks)")
    passed += p_py
    failed += f_py
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
