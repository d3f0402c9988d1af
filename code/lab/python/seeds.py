"""The seeds' own Python programs, ported faithfully, for the comparison with their Rust twins.

- seed 001, "Performance Benchmarking": cpu_task(i) for i in range(4), on one
  threading.Thread each and on one multiprocessing.Process each;
- seed 001, "Using concurrent.futures", and seed 003, "Basic Async/Await": waits of
  time.sleep on a ThreadPoolExecutor, and of asyncio.sleep gathered by asyncio;
- the same asyncio program with 10,000 waits.

What changed from the seeds, and why:
- time.perf_counter, not time.time: a monotonic clock with sub-microsecond resolution;
- each program returns what it computed (a sum, or a count of waits done), so the suite can
  check it; the seeds' processes printed nothing, so here each puts its result on a
  multiprocessing.Queue;
- waits are 0.1 s, not 1 or 2 s, and the pool has one thread per wait, not 3, so that all
  waits overlap in both programs.

The measurement suite (`seeds-cpu`, `seeds-waits`) starts one interpreter as

    python3 seeds.py serve

and sends it one command per line; each answer is one line. By hand:

    python3 seeds.py cpu threads|processes TASKS ITERATIONS   -> "SECONDS SUM"
    python3 seeds.py waits thread-pool|asyncio COUNT SECONDS  -> "SECONDS DONE"

Standard library only.
"""

import asyncio
import multiprocessing
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


# ANCHOR: cpu
def cpu_task(n, iterations):
    """Seed 001's cpu_task: total += i * n for i in range(10**6), wrapped to 64 bits."""
    total = 0
    for i in range(iterations):
        total += i * n
    return total % (1 << 64)


def benchmark_threads(tasks, iterations):
    """Seed 001's benchmark_threads: one threading.Thread per task."""
    results = [0] * tasks

    def run(i):
        results[i] = cpu_task(i, iterations)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(tasks)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, sum(results) % (1 << 64)
# ANCHOR_END: cpu


def run_in_process(queue, i, iterations):
    queue.put(cpu_task(i, iterations))


def benchmark_processes(tasks, iterations):
    """Seed 001's benchmark_processes: one multiprocessing.Process per task."""
    queue = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=run_in_process, args=(queue, i, iterations))
        for i in range(tasks)
    ]
    start = time.perf_counter()
    for p in processes:
        p.start()
    # Read before joining: a process whose result is still in the pipe cannot exit.
    total = sum(queue.get() for _ in range(tasks)) % (1 << 64)
    for p in processes:
        p.join()
    return time.perf_counter() - start, total


# ANCHOR: waits
def wait(seconds):
    """Seed 001's square without the square: one blocking wait."""
    time.sleep(seconds)
    return 1


def waits_thread_pool(count, seconds):
    """Seed 001's ThreadPoolExecutor example: executor.map over the waits."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as executor:
        done = sum(executor.map(wait, [seconds] * count))
    return time.perf_counter() - start, done


async def async_task(seconds):
    """Seed 003's async_task, without its prints."""
    await asyncio.sleep(seconds)
    return 1


async def gather_waits(count, seconds):
    """Seed 003's main: asyncio.gather over the tasks."""
    tasks = [async_task(seconds) for _ in range(count)]
    return sum(await asyncio.gather(*tasks))
# ANCHOR_END: waits


def waits_asyncio(count, seconds):
    start = time.perf_counter()
    done = asyncio.run(gather_waits(count, seconds))
    return time.perf_counter() - start, done


# Each command's programs, and how its last argument is read.
COMMANDS = {
    "cpu": ({"threads": benchmark_threads, "processes": benchmark_processes}, int),
    "waits": ({"thread-pool": waits_thread_pool, "asyncio": waits_asyncio}, float),
}


def command(args):
    """One command's answer, or a ValueError naming what was wrong with it."""
    if len(args) == 4 and args[0] in COMMANDS:
        programs, read_last = COMMANDS[args[0]]
        program = programs.get(args[1])
        if program is None:
            raise ValueError(f"unknown {args[0]} program {args[1]!r}")
        elapsed, result = program(int(args[2]), read_last(args[3]))
        return f"{elapsed} {result}"
    raise ValueError(f"cannot read the command {' '.join(args)!r}")


def serve():
    """Answers commands, one per line, until stdin closes (when the suite exits)."""
    for line in sys.stdin:
        try:
            answer = command(line.split())
        except Exception as err:  # the suite shows it and stops; this loop must not die first
            answer = f"error: {err!r}"
        print(answer, flush=True)


def main():
    args = sys.argv[1:]
    if args == ["serve"]:
        serve()
        return
    try:
        print(command(args))
    except ValueError:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
