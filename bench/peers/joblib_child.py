"""joblib.Memory twin of bench/peers/child.js: same function, same arguments, same results.

    python3 joblib_child.py session <dir> <n> <rounds>
    python3 joblib_child.py cold    <dir> <n>

Prints one JSON line. joblib.Memory is used with its documented defaults (verbose=0 only, to keep
stdout for the result). It has no in-process layer: every call hashes the arguments and loads the
pickled result from disk, so its "warm" and "cold" hits do the same work.
"""
import json
import sys
import time

import joblib


def sample(id, label, weight):
    return {"id": id, "name": f"{label}-{id}", "score": weight * 0.5 + id, "tags": ["bench", label]}


def args_for(i):
    return (i, "alpha", 7)


def timed_range(f, start, stop, same=False):
    out = [None] * (stop - start)
    t0 = time.perf_counter_ns()
    for i in range(start, stop):
        out[i - start] = f(*args_for(start if same else i))
    return time.perf_counter_ns() - t0, out


def check(start, results):
    for j, value in enumerate(results):
        expected = sample(*args_for(start + j))
        if value != expected:
            raise AssertionError(f"joblib: wrong result for key {start + j}: {value!r}")


def session(f, n, rounds):
    first_ns, out = timed_range(f, 0, 1)
    check(0, out)
    chunk = (n - 1) // 5
    miss = []
    for c in range(5):
        start = 1 + c * chunk
        ns, out = timed_range(f, start, start + chunk)
        check(start, out)
        miss.append(ns / chunk)
    end = 1 + 5 * chunk
    # Every joblib hit reads the disk: 200 calls per one-key round are plenty (as child.js does
    # for the disk-only Node tools), and no warm-up round is needed.
    one_calls = min(end, 200)
    ns_one, out_one = timed_range(f, 0, one_calls, same=True)
    check(0, out_one[:1])
    warm_one, warm = [ns_one / one_calls], []
    for r in range(rounds):
        if r > 0:
            ns_one, _ = timed_range(f, 0, one_calls, same=True)
            warm_one.append(ns_one / one_calls)
        ns_all, out_all = timed_range(f, 0, end)
        if r == 0:
            check(0, out_all)
        warm.append(ns_all / end)
    return {"firstNs": first_ns, "missNs": miss, "warmOneNs": warm_one, "warmNs": warm, "keys": end}


def cold(f, n):
    first_ns, out = timed_range(f, 0, 1)
    check(0, out)
    rest_ns, out = timed_range(f, 1, n)
    check(1, out)
    return {"firstNs": first_ns, "coldNs": rest_ns / (n - 1)}


def main():
    mode, location = sys.argv[1], sys.argv[2]
    memory = joblib.Memory(location, verbose=0)
    f = memory.cache(sample)
    if mode == "session":
        result = session(f, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "cold":
        result = cold(f, int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    result["joblib"] = joblib.__version__
    result["python"] = sys.version.split()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
