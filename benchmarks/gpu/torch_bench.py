"""PyTorch's times for gpu_bench's workloads, under the same row names.

Same inputs, the same timing (CUDA events on the current stream, warm-ups, then the median),
the same byte and flop counts. With --ember FILE (gpu_bench's output) it also prints the two
side by side, with ember's time over PyTorch's.

    python3 benchmarks/gpu/torch_bench.py [--iters 30] [--ember gpu_bench.md]
"""

import argparse
import re
import statistics
import time

import torch
import torch.nn.functional as F

ITERS, WARMUP = 30, 5
class Rows(list):
    """Rows printed as they are measured: a run killed by a time limit keeps what it finished."""

    def append(self, row):
        super().append(row)
        print("| {} | {} | {} |".format(*row), flush=True)


rows = Rows()


def median_ms(fn, warmup=None, iters=None):
    warmup = WARMUP if warmup is None else warmup
    iters = ITERS if iters is None else iters
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(iters):
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def wall_ns_per_call(fn, calls):
    """Host wall-clock ns per call, median of 5 repeats: for launch-bound work."""
    for _ in range(100):
        fn()
    ns = []
    for _ in range(5):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
        ns.append((time.perf_counter() - t0) * 1e9 / calls)
    return statistics.median(ns)


copy_gbs = 0.0


def bandwidth_row(name, nbytes, fn):
    ms = median_ms(fn)
    gbs = nbytes / ms / 1e6
    rows.append((name, f"{ms:.3f} ms, {gbs:.0f} GB/s", f"{100 * gbs / copy_gbs:.0f}% of copy_"))


def elementwise_and_reductions():
    global copy_gbs
    n, m = 1 << 26, 8192
    a, b = torch.rand(n, device="cuda"), torch.rand(n, device="cuda")
    dst = torch.empty_like(a)
    for _ in range(2000):  # a third of a second of copies: the clocks leave idle first
        dst.copy_(a)
    torch.cuda.synchronize()
    ms = median_ms(lambda: dst.copy_(a))
    copy_gbs = 8.0 * n / ms / 1e6
    rows.append(("copy 2^26 f32 (copy_)", f"{ms:.3f} ms, {copy_gbs:.0f} GB/s", "(reference)"))
    bandwidth_row("add 2^26 f32", 3.0 * 4 * n, lambda: a + b)
    bandwidth_row("exp 2^26 f32", 2.0 * 4 * n, lambda: a.exp())
    bandwidth_row("sum() 2^26 f32", 4.0 * n, lambda: a.sum())
    del a, b, dst

    x, v = torch.rand(m, m, device="cuda"), torch.rand(m, device="cuda")
    bandwidth_row("add [8192,8192] + [8192]", 2.0 * 4 * m * m, lambda: x + v)
    bandwidth_row("sum(1) [8192,8192]", 4.0 * m * m, lambda: x.sum(1))
    bandwidth_row("sum(0) [8192,8192]", 4.0 * m * m, lambda: x.sum(0))
    del x, v

    s = torch.rand(8192, 4096, device="cuda")
    bandwidth_row("softmax(-1) [8192,4096]", 2.0 * 4 * s.numel(), lambda: s.softmax(-1))
    del s

    logits = torch.randn(8192, 1000, device="cuda")
    target = torch.randint(1000, (8192,), device="cuda")
    ce_bytes = 4.0 * logits.numel() + 8.0 * 8192
    bandwidth_row("cross_entropy [8192,1000] fwd", ce_bytes, lambda: F.cross_entropy(logits, target))
    logits.requires_grad_()

    def fwd_bwd():
        logits.grad = None
        F.cross_entropy(logits, target).backward()

    bandwidth_row("cross_entropy [8192,1000] fwd+bwd", 3 * ce_bytes, fwd_bwd)


def matrix_products():
    n = 4096
    for dtype, name in [(torch.float32, "float32"), (torch.float16, "float16"), (torch.bfloat16, "bfloat16")]:
        a = torch.randn(n, n, device="cuda").to(dtype)
        b = torch.randn(n, n, device="cuda").to(dtype)
        ms = median_ms(lambda: torch.mm(a, b))
        rows.append((f"mm 4096 {name}", f"{ms:.3f} ms, {2.0 * n**3 / ms / 1e9:.1f} TFLOP/s", ""))
    batch, m = 64, 256
    a, b = torch.randn(batch, m, m, device="cuda"), torch.randn(batch, m, m, device="cuda")
    ms = median_ms(lambda: torch.bmm(a, b))
    rows.append(("bmm 64x[256,256] float32", f"{ms:.3f} ms, {2.0 * batch * m**3 / ms / 1e9:.1f} TFLOP/s", ""))


def training_step():
    for fused in (None, True):  # PyTorch's default Adam on CUDA (foreach), then fused=True
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 10)).cuda()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused)
        x = torch.rand(128, 784, device="cuda")
        y = torch.randint(10, (128,), device="cuda")

        def step():
            optimizer.zero_grad()
            F.cross_entropy(model(x), y).backward()
            optimizer.step()

        note = "Adam fused=True" if fused else "Adam default (foreach)"
        ms = median_ms(step, warmup=20, iters=100)
        wall_ms = wall_ns_per_call(step, 200) / 1e6
        suffix = "" if fused is None else ", fused Adam"
        rows.append((f"W9 step 784-512-256-10 b128 (events{suffix})", f"{ms:.3f} ms", note))
        rows.append((f"W9 step 784-512-256-10 b128 (wall, 200 steps{suffix})", f"{wall_ms:.3f} ms", note))


def launch_overhead():
    a, b = torch.ones(1, device="cuda"), torch.ones(1, device="cuda")
    ns = wall_ns_per_call(lambda: a + b, 10000)
    rows.append(("tiny add [1] (ns/op, 10000 iters)", f"{ns:.0f} ns", ""))


def leading_number(cell):
    match = re.match(r"\s*([0-9.]+)", cell)
    return float(match.group(1)) if match else None


def side_by_side(ember_file):
    """Joins gpu_bench's table with ours by workload name; compares the leading times."""
    ember = {}
    with open(ember_file) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 2:
                ember[cells[0]] = cells[1]
    print("\n| workload | ember | pytorch | ember time / pytorch time |\n|---|---|---|---|")
    for name, cell, _ in rows:
        if name in ember:
            e, p = leading_number(ember[name]), leading_number(cell)
            ratio = f"{e / p:.2f}" if e and p else "-"
            print(f"| {name} | {ember[name]} | {cell} | {ratio} |")


def main():
    global ITERS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=ITERS)
    parser.add_argument("--ember", help="gpu_bench's output, to print side by side")
    args = parser.parse_args()
    ITERS = max(1, args.iters)
    if not torch.cuda.is_available():
        print("torch_bench: torch.cuda.is_available() is false; nothing to time.")
        return
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = False  # as ember's default: float32 mm in float32
    props = torch.cuda.get_device_properties(0)
    print(f"# torch_bench: PyTorch {torch.__version__} on {props.name} ({props.multi_processor_count} SMs), "
          f"medians of {ITERS} runs after {WARMUP} warm-ups\n")
    print("| workload | pytorch | note |\n|---|---|---|")
    elementwise_and_reductions()
    matrix_products()
    training_step()
    launch_overhead()
    if args.ember:
        side_by_side(args.ember)


if __name__ == "__main__":
    main()
