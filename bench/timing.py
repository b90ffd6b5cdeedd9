"""Timing helpers shared by the benchmarks: medians of repeated runs."""
import statistics
import time


def median_time(fn, repeat=7, number=1, warmup=1):
    """Median wall time in seconds of one call of fn, over `repeat` batches of `number` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def row(name, ours_s, ref_s, ref, target, higher_is_better=False):
    """One benchmark result. ratio = ours/ref time (or ref/ours rate when higher_is_better)."""
    ratio = ours_s / ref_s if ref_s else float("nan")
    return {"name": name, "ours_s": ours_s, "ref_s": ref_s, "ref": ref, "ratio": ratio, "target": target}
