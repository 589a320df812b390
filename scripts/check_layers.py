#!/usr/bin/env python3
"""Checks the include rules between the layers of src/ (docs/architecture.md, "Layers").

Each folder of src/ may include the folders listed for it (internal headers, written from src/)
and the public headers, except that the backends may not include the public headers that run
ops (they would reach the front end and autograd). Prints every violation; exits 1 if any.
"""
import os
import re
import sys

ALLOWED = {
    "core": {"core"},
    "backend": {"core", "backend"},
    "cpu": {"core", "backend", "cpu"},
    "cuda": {"core", "backend", "cuda"},
    "autograd": {"core", "backend", "autograd", "ops"},
    "ops": {"core", "backend", "autograd", "ops"},
    "io": {"core", "backend", "ops", "io"},
    "nn": {"core", "backend", "autograd", "ops", "nn"},
    "optim": {"core", "backend", "ops", "optim"},
    "data": {"core", "backend", "ops", "data"},
}
# Public headers whose functions go through the front end or record autograd.
FRONT_END_HEADERS = {"ember/ember.h", "ember/ops.h", "ember/factory.h", "ember/autograd.h", "ember/nn.h",
                     "ember/optim.h", "ember/data.h", "ember/io.h"}
KERNEL_LAYERS = {"core", "backend", "cpu", "cuda"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(src):
    errors = []
    for layer in sorted(os.listdir(src)):
        path = os.path.join(src, layer)
        if not os.path.isdir(path):
            if layer.endswith((".cpp", ".h", ".cu", ".cuh")):
                errors.append(f"{layer}: source file at the top of src/ (put it in its layer's folder)")
            continue
        if layer not in ALLOWED:
            errors.append(f"{layer}/: a folder with no rule in scripts/check_layers.py")
            continue
        for root, _, files in os.walk(path):
            for name in sorted(files):
                if not name.endswith((".cpp", ".h", ".cu", ".cuh")):
                    continue
                rel = os.path.relpath(os.path.join(root, name), src)
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    text = f.read()
                for target in INCLUDE.findall(text):
                    head = target.split("/")[0]
                    if head == "ember":
                        if layer in KERNEL_LAYERS and target in FRONT_END_HEADERS:
                            errors.append(f"{rel}: includes {target} (kernels see layouts and buffers only)")
                    elif head not in ALLOWED[layer]:
                        errors.append(f"{rel}: includes {target} ({layer}/ may include {sorted(ALLOWED[layer])})")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")))
