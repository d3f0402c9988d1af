"""The GIL experiments in real CPython, for comparison with the Rust model (`lab::gil`).

The measurement suite (`cpython-gil-cpu`, `cpython-gil-convoy`) starts one interpreter as

    python3 gil_bench.py serve

and sends it one command per line on stdin; each answer is one line on stdout. A fresh
interpreter per sample would take longer to start than some samples take to run. By hand,
one command at a time:

    python3 gil_bench.py cpu STRATEGY WORKERS TASKS ITERATIONS   -> "SECONDS SUM"
    python3 gil_bench.py convoy SWITCH_US SPINNER SLEEPS         -> "MEDIAN_S P90_S"

STRATEGY is serial, threads or processes. SPINNER is 0 or 1. Standard library only.
"""

import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def cpu_task(n, iterations):
    """The seeds' cpu_task: total += i * n for i in range(iterations), wrapped to 64 bits."""
    total = 0
    for i in range(iterations):
        total += i * n
    return total % (1 << 64)


def run_share(args):
    """One worker's share: tasks w, w + workers, ..."""
    w, workers, tasks, iterations = args
    return sum(cpu_task(i, iterations) for i in range(w, tasks, workers)) % (1 << 64)


def on_threads(shares):
    """One threading.Thread per share, as the model's gil-threads start one thread each."""
    parts = [0] * len(shares)

    def run(i):
        parts[i] = run_share(shares[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(shares))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return parts


def cpu(strategy, workers, tasks, iterations):
    shares = [(w, workers, tasks, iterations) for w in range(workers)]
    start = time.perf_counter()
    if strategy == "serial":
        parts = [run_share((0, 1, tasks, iterations))]
    elif strategy == "threads":
        parts = on_threads(shares)
    elif strategy == "processes":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run_share, shares))
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    elapsed = time.perf_counter() - start
    return f"{elapsed} {sum(parts) % (1 << 64)}"


def convoy(switch_us, spinner, sleeps):
    default = sys.getswitchinterval()
    sys.setswitchinterval(switch_us / 1e6)
    stop = False

    def spin():
        n = 0
        while not stop:
            n += 1

    thread = threading.Thread(target=spin) if spinner else None
    if thread:
        thread.start()
        time.sleep(0.01)  # let the spinner take the GIL
    extra = []
    for _ in range(sleeps):
        start = time.perf_counter()
        time.sleep(0.001)
        extra.append(max(0.0, time.perf_counter() - start - 0.001))
    stop = True
    if thread:
        thread.join()
    # The next command runs at the default interval, whatever this one set.
    sys.setswitchinterval(default)
    p90 = statistics.quantiles(extra, n=10, method="inclusive")[-1]
    return f"{statistics.median(extra)} {p90}"


def command(args):
    """One command's answer, or a ValueError naming what was wrong with it."""
    if args[:1] == ["cpu"] and len(args) == 5:
        return cpu(args[1], int(args[2]), int(args[3]), int(args[4]))
    if args[:1] == ["convoy"] and len(args) == 4:
        return convoy(int(args[1]), args[2] == "1", int(args[3]))
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
