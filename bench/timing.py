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


def paired_median_time(f_ours, f_ref, repeat, number=1, warmup=2):
    """Medians of ours and the reference timed alternately, so load changes on a busy machine hit both."""
    for _ in range(warmup):
        f_ours()
        f_ref()
    to, tr = [], []
    for _ in range(repeat):
        for fn, acc in ((f_ours, to), (f_ref, tr)):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            acc.append((time.perf_counter() - t0) / number)
    return statistics.median(to), statistics.median(tr)


def row(name, ours_s, ref_s, ref, target, higher_is_better=False):
    """One benchmark result. ratio = ours/ref time (or ref/ours rate when higher_is_better)."""
    ratio = ours_s / ref_s if ref_s else float("nan")
    return {"name": name, "ours_s": ours_s, "ref_s": ref_s, "ref": ref, "ratio": ratio, "target": target}
