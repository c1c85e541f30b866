"""Python's multiprocessing.Pool.map over N no-op inputs, timed inside Python.

Usage: python3 pool_map.py WORKERS INPUTS MIN_REPETITIONS MIN_TIMED_SECONDS MAX_REPETITIONS
Repeats as bench/repeat.ts does and prints one JSON line: {"python": version, "samples": [seconds, ...]}.
"""
import json
import multiprocessing
import platform
import sys
import time

WARM_UP_INPUTS = 20_000


def noop(x):
    return x


def main() -> None:
    workers, inputs, min_repetitions = (int(arg) for arg in sys.argv[1:4])
    min_seconds, max_repetitions = float(sys.argv[4]), int(sys.argv[5])
    samples = []
    with multiprocessing.Pool(workers) as pool:
        pool.map(noop, range(WARM_UP_INPUTS))
        while len(samples) < min_repetitions or (
            sum(samples) < min_seconds and len(samples) < max_repetitions
        ):
            start = time.perf_counter()
            results = pool.map(noop, range(inputs))  # default chunksize, as a user would call it
            samples.append(time.perf_counter() - start)
            if len(results) != inputs or results[-1] != inputs - 1:
                raise SystemExit(f"wrong results: {len(results)} results")
    print(json.dumps({"python": platform.python_version(), "samples": samples}))


if __name__ == "__main__":
    main()
