# The same job in CPython, under the seed's three models: a loop, ThreadPoolExecutor, multiprocessing.Pool.
# Best of three runs of each. Usage: python3 bench/choosing/cpu.py
import concurrent.futures
import multiprocessing
import os
import time


def sum_of_squares(n):
    return sum(i * i for i in range(n))


def best_of(runs, job):
    best = float('inf')
    for _ in range(runs):
        start = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == '__main__':
    numbers = [5_000_000 + x for x in range(20)]
    workers = os.cpu_count()
    sequential = best_of(3, lambda: [sum_of_squares(n) for n in numbers])

    def threads():
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(sum_of_squares, numbers))

    def processes():
        with multiprocessing.Pool(workers) as pool:
            pool.map(sum_of_squares, numbers)

    for name, ms in [('sequential', sequential), ('threads', best_of(3, threads)), ('processes', best_of(3, processes))]:
        print(f'{name:<10} {ms:.0f} ms  ({sequential / ms:.2f}x sequential)')
