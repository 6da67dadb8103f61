#!/usr/bin/env python3
"""Writes the binary seeds of fuzz/corpus/attention/ and the generate() seeds of
fuzz/corpus/bridge_json/ (their layouts are in fuzz_attention.cpp and fuzz_bridge_json.cpp).

    python3 fuzz/make_binary_seeds.py
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Indices into fuzz_attention.cpp's table of awkward numbers.
T = {"0": 0, "-0": 1, "1": 2, "-1": 3, ".5": 4, "-2": 5, "3": 6, "10": 8, "1e38": 12, "-1e38": 13, "max": 16,
     "1e39": 17, "denorm": 19, "inf": 24, "-inf": 25, "nan": 26, ".1": 27, "7": 30}
MASK, DOUBLES, UNCHECKED, RAW, BAD_SHAPE = 1, 2, 4, 8, 16


def header(tq, tk, dk, dv, flags):
    return bytes([tq - 1, tk - 1, dk - 1, dv - 1, flags])


def table(*names):
    return bytes(T[n] for n in names)


def doubles(*xs):
    return b"".join(struct.pack("<d", x) for x in xs)


def floats(*xs):
    return b"".join(struct.pack("<f", x) for x in xs)


def main():
    out = os.path.join(ROOT, "fuzz", "corpus", "attention")
    os.makedirs(out, exist_ok=True)
    # The lesson's worked example: two tokens, d_k = 3 (section "attention step by step").
    q = (1, 0, 1, 0, 1, 0)
    k = (1, 0, 1, 0, 1, 1)
    v = (1, 2, 0, 0, 1, 3)
    seeds = {
        "worked-example-doubles": header(2, 2, 3, 3, DOUBLES | RAW) + doubles(*q, *k, *v),
        "worked-example-floats": header(2, 2, 3, 3, RAW) + floats(*q, *k, *v),
        "causal-mask": header(3, 3, 2, 2, MASK) + table("1", "-1", ".5", "3", "-2", ".1") * 3 + bytes([0b11011001, 1]),
        "fully-masked-row": header(2, 3, 1, 1, MASK) + table("1", "-1", "3", ".5", "7", "-2", "1", "0") + bytes([0b111000]),
        "nan-in-q": header(2, 2, 2, 2, 0) + table("1", "nan", "3", ".5", "7", "-2", "1", "0"),
        "inf-in-v": header(1, 2, 1, 2, 0) + table("1", "3", ".5", "inf", "-1", "0", "1"),
        "overflow-scores": header(1, 2, 1, 1, 0) + table("1e38", "1e38", "-1e38", "1", "10"),
        "overflow-output": header(1, 3, 1, 1, 0) + table("0", "0", "0", "0", "max", "max", "max"),
        "too-large-double": header(1, 1, 1, 1, DOUBLES | RAW) + doubles(1e39, 1.0, 1.0),
        "denormals-and-zeros": header(2, 2, 2, 1, 0) + table("denorm", "-0", "0", "denorm", "-0", "denorm", "1", "-1"),
        "unchecked-inf-scores": header(2, 3, 1, 1, UNCHECKED) + table("inf", "-inf", "1", "inf", "-inf", "7", "1", "10", "3"),
        "unchecked-nan-masked": header(2, 2, 1, 1, UNCHECKED | MASK) + table("nan", "1", "nan", "3", "1", "10") + bytes([0b0110]),
        "bad-shape": header(2, 2, 2, 2, BAD_SHAPE) + table("1", "-1", ".5", "3"),
        "raw-floats-32": header(32, 32, 32, 32, RAW | MASK) + floats(*[(i % 13 - 6) * 0.37 for i in range(97)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    out = os.path.join(ROOT, "fuzz", "corpus", "bridge_json")
    os.makedirs(out, exist_ok=True)

    def generate(t, top_k, seed, max_tokens, prompt):
        return b"\x03" + struct.pack("<diii", t, top_k, seed, max_tokens) + prompt.encode()

    seeds = {
        "generate-default": generate(1.0, 0, 1, 8, "Once upon a time a dog"),
        "generate-greedy": generate(0.0, 0, 0, 20, "The cat"),
        "generate-top-k": generate(0.7, 3, 42, 5, "A girl had a red ball."),
        "generate-tiny-temperature": generate(1e-300, 1, 5, 4, "The"),
        "generate-bad-options": generate(-1.0, -4, -1, -7, "x"),
        "generate-nan-temperature": b"\x03" + struct.pack("<d", float("nan")) + struct.pack("<iii", 0, 0, 3) + b"hi",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
