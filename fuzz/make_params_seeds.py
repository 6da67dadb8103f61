#!/usr/bin/env python3
"""Writes fuzz/corpus/params/: small parameter files (core/serialize.h, versions 1 and 2), good
and broken, as seeds for fuzz_params. Checked first against lessons/models/coref.bin: reading it
and writing it back with this writer gives the same bytes.

    python3 fuzz/make_params_seeds.py
"""
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus", "params")
MAGIC = b"ATTNENC\0"
CONFIG = "vocab d_model n_heads d_ff n_layers max_len n_classes positional norm activation scale pad".split()


def tensors(c):
    """(name, rows, cols) in for_each_parameter order."""
    d, f, V, C = c["d_model"], c["d_ff"] or 4 * c["d_model"], c["vocab"], c["n_classes"]
    out = [("token_embedding", V, d)]
    if c["positional"] == 2:
        out.append(("position_embedding", c["max_len"], d))
    for l in range(c["n_layers"]):
        p = f"layers.{l}."
        for w in "qkvo":
            out += [(p + f"attn.w{w}", d, d), (p + f"attn.b{w}", 1, d)]
        out += [(p + "ln1.gamma", 1, d), (p + "ln1.beta", 1, d), (p + "ffn.w1", d, f), (p + "ffn.b1", 1, f),
                (p + "ffn.w2", f, d), (p + "ffn.b2", 1, d), (p + "ln2.gamma", 1, d), (p + "ln2.beta", 1, d)]
    if c["norm"] == 1:
        out += [("lnf.gamma", 1, d), ("lnf.beta", 1, d)]
    if C > 0:
        out += [("head.w", d, C), ("head.b", 1, C)]
    return out


def write(c, values, version=2, storage=None, crc=True, payload_size=None, extra=b""):
    """values(name, i) → float; storage(name) → 0 float32, 1 float16 (version 2)."""
    payload = b""
    count = 0
    for name, rows, cols in tensors(c):
        payload += struct.pack("<I", len(name)) + name.encode() + struct.pack("<II", rows, cols)
        s = 0 if version == 1 else (storage(name) if storage else 1)
        if version >= 2:
            payload += struct.pack("<I", s)
        payload += b"".join(struct.pack("<e" if s == 1 else "<f", values(name, i)) for i in range(rows * cols))
        count += 1
    payload += extra
    head = MAGIC + struct.pack("<I", version)
    head += struct.pack("<7i", *(c[k] for k in CONFIG[:7])) + struct.pack("<4I", *(c[k] for k in CONFIG[7:11]))
    head += struct.pack("<i", c["pad"]) + struct.pack("<IQ", count, len(payload) if payload_size is None else payload_size)
    body = head + payload
    return body + struct.pack("<I", zlib.crc32(body) if crc else zlib.crc32(body) ^ 1)


def read(data):
    version = struct.unpack_from("<I", data, 8)[0]
    vals = struct.unpack_from("<7i4Ii", data, 12)
    c = dict(zip(CONFIG, vals))
    pos = 72
    stored, kinds = {}, {}
    for name, rows, cols in tensors(c):
        n = struct.unpack_from("<I", data, pos)[0]
        assert data[pos + 4:pos + 4 + n].decode() == name, name
        pos += 4 + n + 8
        s = 0
        if version >= 2:
            s = struct.unpack_from("<I", data, pos)[0]
            pos += 4
        fmt, size = ("<e", 2) if s == 1 else ("<f", 4)
        stored[name] = [struct.unpack_from(fmt, data, pos + size * i)[0] for i in range(rows * cols)]
        kinds[name] = s
        pos += size * rows * cols
    return c, version, stored, kinds


def main():
    with open(os.path.join(ROOT, "lessons", "models", "coref.bin"), "rb") as f:
        shipped = f.read()
    c, version, stored, kinds = read(shipped)
    again = write(c, lambda n, i: stored[n][i], version, lambda n: kinds[n])
    assert again == shipped, "this writer does not reproduce lessons/models/coref.bin"

    os.makedirs(OUT, exist_ok=True)
    base = dict(vocab=5, d_model=2, n_heads=1, d_ff=2, n_layers=1, max_len=4, n_classes=0,
                positional=1, norm=0, activation=1, scale=1, pad=-1)
    wave = lambda n, i: ((i * 7 + len(n)) % 11 - 5) / 4.0
    seeds = {
        "tiny-v1-f32.bin": write(base, wave, version=1),
        "tiny-v2-f16.bin": write(base, wave),
        "learned-pre-relu-mixed.bin": write(dict(base, positional=2, norm=1, activation=0, n_classes=3, pad=0, n_heads=2),
                                            wave, storage=lambda n: len(n) % 2),
        "no-layers-no-positions.bin": write(dict(base, n_layers=0, positional=0, scale=0, n_classes=2), wave),
        "coref-vocab-sized.bin": write(dict(base, vocab=73, n_heads=2, d_ff=1, max_len=16, n_classes=73), wave),
        "story-vocab-sized.bin": write(dict(base, vocab=64, d_ff=1, max_len=8, n_classes=64, norm=1), wave),
        "coref-vocab-no-head.bin": write(dict(base, vocab=73, d_ff=1, max_len=16), wave),
        "special-values.bin": write(base, lambda n, i: [float("nan"), float("inf"), -float("inf"), 65504.0, -0.0, 6e-8][i % 6]),
        "huge-max-len.bin": write(dict(base, max_len=0x7FFFFFFF), wave),
        "bad-magic.bin": b"ATTNDEC\0" + write(base, wave)[8:],
        "bad-version.bin": write(base, wave, version=3),
        "bad-crc.bin": write(base, wave, crc=False),
        "bad-payload-size.bin": write(base, wave, payload_size=1 << 40),
        "bad-extra-bytes.bin": write(base, wave, extra=b"\0\0\0\0"),
        "bad-storage.bin": write(base, wave, storage=lambda n: 7 if n == "layers.0.ffn.b1" else 1),
        "bad-config.bin": write(dict(base, n_heads=3), wave),
        "truncated.bin": write(base, wave)[:40],
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
