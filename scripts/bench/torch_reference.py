#!/usr/bin/env python3
"""PyTorch reference of `latentgym bench nn`: the benchmark training steps timed with PyTorch on the CPU.

`latentgym bench nn --torch` runs this script right after timing its own backend, so the two can be
compared as a ratio measured in one run on one machine. It also runs on its own:

    python3 torch_reference.py [--workload W1 W2 W3] [--steps 5] [--threads N] [--check]

The workloads (the same networks as scripts/bench/workloads.ts). One step is a forward pass, the
mean-squared reconstruction loss against the input, a backward pass and one Adam update (lr 1e-3);
the time quoted is the median of the timed steps after 2 warm-up steps, in milliseconds.

    W1 conv VAE  32 RGB frames 64x64 in [0, 1): 4 convs k4 s2 'same' (32, 64, 128, 256 filters, ReLU);
                 flatten; dense 16; dense 4096 ReLU; reshape 256x4x4; 4 transposed convs k4 s2 'same'
                 (128, 64, 32 filters ReLU, then 3 filters sigmoid)
    W2 E2C MLP   128 vectors of 4608: dense 800 ReLU, 800 ReLU, 5; dense 800 ReLU, 800 ReLU, 4608 sigmoid
    W3 PPO MLP   64 vectors of 16: dense 64 tanh, 64 tanh, 16

A fair reference needs PyTorch with an optimised BLAS (pip and conda builds have one). Debian's
python3-torch alone links the netlib reference BLAS, 5-10x slower on these layers; install OpenBLAS
beside it and run without the machine's OpenBLAS overrides, so it picks the processor's best kernels:

    apt-get install -y python3-torch libopenblas0-pthread
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 torch_reference.py

Output: the last line on stdout is one JSON object, {"python", "python_version", "torch", "threads",
"blas": {"kind", "name", "library", "core", "config", "threads", "build"}, "ms": {"W1": ...},
"steps": {"W1": ...}, "loss": {"W1": [first, last]}}; --check prints it without timing anything
(empty "ms"). Exit status 3 (and one line on stderr) when torch cannot be imported.
"""
import argparse
import ctypes
import json
import os
import platform
import re
import statistics
import sys
import time

NO_TORCH_EXIT = 3
WARMUP_STEPS = 2
# W3 takes about a millisecond: time it this many times as often as the others.
W3_REPEAT = 20

# Each network as a list of layers: ("conv" | "deconv", filters, activation),
# ("dense", units, activation), ("flatten",) or ("reshape", (channels, height, width)).
WORKLOADS = {
    "W1": {
        "name": "conv VAE", "batch": 32, "input": (3, 64, 64),
        "layers": [("conv", 32, "relu"), ("conv", 64, "relu"), ("conv", 128, "relu"), ("conv", 256, "relu"),
                   ("flatten",), ("dense", 16, None), ("dense", 4096, "relu"), ("reshape", (256, 4, 4)),
                   ("deconv", 128, "relu"), ("deconv", 64, "relu"), ("deconv", 32, "relu"), ("deconv", 3, "sigmoid")],
    },
    "W2": {
        "name": "E2C MLP", "batch": 128, "input": (4608,),
        "layers": [("dense", 800, "relu"), ("dense", 800, "relu"), ("dense", 5, None),
                   ("dense", 800, "relu"), ("dense", 800, "relu"), ("dense", 4608, "sigmoid")],
    },
    "W3": {
        "name": "PPO MLP", "batch": 64, "input": (16,),
        "layers": [("dense", 64, "tanh"), ("dense", 64, "tanh"), ("dense", 16, None)],
    },
}


def build(torch, spec):
    """The network of a workload spec. k4 s2 'same' is padding 1 for both kinds of convolution:
    a conv halves height and width, a transposed conv doubles them."""
    nn = torch.nn
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    shape = spec["input"]
    modules = []
    for layer in spec["layers"]:
        kind = layer[0]
        if kind in ("conv", "deconv"):
            cls = nn.Conv2d if kind == "conv" else nn.ConvTranspose2d
            modules.append(cls(shape[0], layer[1], kernel_size=4, stride=2, padding=1))
            scale = 0.5 if kind == "conv" else 2
            shape = (layer[1], int(shape[1] * scale), int(shape[2] * scale))
        elif kind == "dense":
            modules.append(nn.Linear(shape[-1], layer[1]))
            shape = (layer[1],)
        elif kind == "flatten":
            modules.append(nn.Flatten())
            shape = (shape[0] * shape[1] * shape[2],)
        elif kind == "reshape":
            modules.append(nn.Unflatten(1, layer[1]))
            shape = layer[1]
        if kind in ("conv", "deconv", "dense") and layer[2] is not None:
            modules.append(activations[layer[2]]())
    return nn.Sequential(*modules)


def time_training(torch, spec, steps):
    """Median milliseconds of `steps` training steps after the warm-up steps, and the first and last loss."""
    torch.manual_seed(0)
    net = build(torch, spec)
    x = torch.rand(spec["batch"], *spec["input"])
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    times, losses = [], []
    for i in range(WARMUP_STEPS + steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(net(x), x)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # read back, as latentgym reads its loss each step
        if i >= WARMUP_STEPS:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), losses[0], losses[-1]


BLAS_FILE = re.compile(r"^lib(open)?blas|^libmkl|^libblis|^libflexiblas|^libatlas|^libsatlas|^libtatlas|^libcblas")


def mapped_libraries():
    """Shared libraries loaded into this process, from /proc/self/maps (Linux; empty elsewhere)."""
    try:
        with open("/proc/self/maps") as maps:
            rows = [line.split(None, 5) for line in maps]
    except OSError:
        return []
    return sorted({row[5].strip() for row in rows if len(row) == 6 and row[5].startswith("/")})


def c_string(lib, symbol):
    function = getattr(lib, symbol, None)
    if function is None:
        return None
    function.restype = ctypes.c_char_p
    value = function()
    return value.decode(errors="replace").strip() if value else None


def c_int(lib, symbol):
    function = getattr(lib, symbol, None)
    if function is None:
        return None
    function.restype = ctypes.c_int
    return function()


def describe_blas(torch, threads):
    """Which BLAS torch computes with: a BLAS library loaded into the process (asked through its own
    functions where it has them), else what torch was built with (pip wheels link MKL statically).
    OpenBLAS keeps its own thread pool, which torch.set_num_threads leaves alone: set it to `threads`."""
    match = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    build_info = match.group(1) if match else "unknown"
    found = None
    # numpy wheels bring their own OpenBLAS, which torch does not use.
    for path in (p for p in mapped_libraries() if "numpy" not in p):
        if not BLAS_FILE.search(os.path.basename(path)):
            continue
        try:
            lib = ctypes.CDLL(path)  # already loaded: the same handle
        except OSError:
            continue
        config = c_string(lib, "openblas_get_config")
        if config is not None:
            if hasattr(lib, "openblas_set_num_threads"):
                lib.openblas_set_num_threads(ctypes.c_int(threads))
            version = re.search(r"OpenBLAS\s+(\S+)", config)
            return {"kind": "openblas", "name": "OpenBLAS" + (" " + version.group(1) if version else ""),
                    "library": path, "core": c_string(lib, "openblas_get_corename"), "config": config,
                    "threads": c_int(lib, "openblas_get_num_threads"), "build": build_info}
        if "mkl" in os.path.basename(path):
            return {"kind": "mkl", "name": "Intel MKL", "library": path, "core": None, "config": None,
                    "threads": None, "build": build_info}
        if os.path.basename(path).startswith(("libblas.so", "libcblas.so")) and found is None:
            # A libblas without OpenBLAS's functions: the netlib reference implementation.
            found = {"kind": "reference", "name": "netlib reference BLAS", "library": path, "core": None,
                     "config": None, "threads": None, "build": build_info}
    if found is not None:
        return found
    kind = {"mkl": "mkl", "open": "openblas", "openblas": "openblas"}.get(build_info.lower(), "unknown")
    names = {"mkl": "Intel MKL (linked into torch)", "openblas": "OpenBLAS (linked into torch)", "unknown": "unknown"}
    return {"kind": kind, "name": names[kind], "library": None, "core": None, "config": None, "threads": None,
            "build": build_info}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", nargs="+", choices=sorted(WORKLOADS), default=sorted(WORKLOADS))
    parser.add_argument("--steps", type=int, default=5, help="timed steps after the warm-up (W3: %dx as many)" % W3_REPEAT)
    parser.add_argument("--w3-steps", type=int, help="timed steps of W3 (default: %d x --steps)" % W3_REPEAT)
    parser.add_argument("--threads", type=int, help="torch threads (default: the cores this process may use)")
    parser.add_argument("--check", action="store_true", help="report torch, its BLAS and threads; time nothing")
    args = parser.parse_args()
    try:
        import torch
    except ImportError as error:
        sys.stderr.write("torch is not importable by %s: %s\n" % (sys.executable, error))
        sys.exit(NO_TORCH_EXIT)
    threads = args.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    torch.set_num_threads(threads)
    result = {"python": sys.executable, "python_version": platform.python_version(), "torch": torch.__version__,
              "threads": torch.get_num_threads(), "blas": describe_blas(torch, threads), "ms": {}, "steps": {}, "loss": {}}
    if not args.check:
        for wid in args.workload:
            steps = (args.w3_steps or W3_REPEAT * args.steps) if wid == "W3" else args.steps
            ms, first, last = time_training(torch, WORKLOADS[wid], steps)
            result["ms"][wid] = round(ms, 3)
            result["steps"][wid] = steps
            result["loss"][wid] = [first, last]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
