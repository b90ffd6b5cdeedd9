"""make bench: runs every bench/bench_*.py module's run() and prints ratio tables.

Each module's run() returns rows made by timing.row(): our time, the reference's time
(numpy or PyTorch CPU, measured in the same run) and the target ratio from the issue.
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))


def main(argv):
    names = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    failed = 0
    print(f"{'benchmark':58s} {'ours':>11s} {'reference':>11s} {'ref':>8s} {'ratio':>7s} {'target':>7s}")
    for n in names:
        mod = importlib.import_module(n)
        for r in mod.run():
            ok = r["ratio"] <= r["target"]
            failed += not ok
            print(f"{r['name']:58s} {r['ours_s'] * 1e3:9.3f}ms {r['ref_s'] * 1e3:9.3f}ms {r['ref']:>8s} "
                  f"{r['ratio']:7.2f} {r['target']:7.2f} {'ok' if ok else 'SLOW'}", flush=True)
    print(f"{failed} benchmark(s) above target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
