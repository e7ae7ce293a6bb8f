#!/usr/bin/env python3
"""Writes the seed inputs of the llama2.c fuzz targets beside this script:
small llama2.c checkpoints (random weights) in legacy version 0 and version 1,
shared and unshared classifier, and a small tokenizer.bin whose pieces are the
project corpus's characters and word prefixes. Deterministic; rerun after a
format change: python3 tests/fuzz/seeds/make_llama2c_seeds.py"""
import random
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MAGIC = 0x616B3432
# dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
SHAPE = (8, 12, 2, 2, 1, 16, 4)


def floats(rng, count):
    return struct.pack(f"<{count}f", *[rng.gauss(0, 1) for _ in range(count)])


def weights(rng, version, shared):
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = SHAPE
    head = dim // heads
    kv = kv_heads * head
    embedding = floats(rng, vocab * dim)
    norms = [floats(rng, layers * dim), floats(rng, layers * dim), floats(rng, dim)]
    attention = [floats(rng, layers * dim * dim), floats(rng, layers * kv * dim),
                 floats(rng, layers * kv * dim), floats(rng, layers * dim * dim)]
    mlp = [floats(rng, layers * hidden * dim) for _ in range(3)]
    classifier = b"" if shared else floats(rng, vocab * dim)
    if version == 0:
        freq_cis = floats(rng, 2 * seq_len * head // 2)
        return (embedding + norms[0] + b"".join(attention) + norms[1] + b"".join(mlp) + norms[2]
                + freq_cis + classifier)
    return b"".join(norms) + embedding + b"".join(attention) + b"".join(mlp) + classifier


def checkpoint(version, shared, seed):
    rng = random.Random(seed)
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = SHAPE
    if version == 0:
        header = struct.pack("<7i", dim, hidden, layers, heads, kv_heads, vocab if shared else -vocab, seq_len)
    else:
        header = struct.pack("<Ii7iB", MAGIC, version, *SHAPE, int(shared)).ljust(256, b"\0")
    return header + weights(rng, version, shared)


def tokenizer():
    pieces = [(0.0, b"<unk>"), (0.0, b"\n<s>\n"), (0.0, b"\n</s>\n")]
    pieces += [(0.0, f"<0x{b:02X}>".encode()) for b in range(256)]
    words = sorted(set((ROOT / "assets" / "corpus.txt").read_text().split()))
    merged = {" "} | {c for w in words for c in w}
    for w in words:
        text = " " + w
        merged |= {text[:n] for n in range(2, len(text) + 1)}
    ordered = sorted(merged, key=lambda p: (len(p), p))
    pieces += [(-float(i), p.encode()) for i, p in enumerate(ordered)]
    longest = max(len(p) for _, p in pieces)
    return struct.pack("<I", longest) + b"".join(struct.pack("<fi", s, len(p)) + p for s, p in pieces)


def main():
    for version, shared, name in [(0, True, "v0-shared"), (0, False, "v0-unshared"),
                                  (1, True, "v1-shared"), (1, False, "v1-unshared")]:
        (HERE / "llama2c-bin" / f"{name}.bin").parent.mkdir(exist_ok=True)
        (HERE / "llama2c-bin" / f"{name}.bin").write_bytes(checkpoint(version, shared, seed=len(name) + version))
    (HERE / "llama2c-tokenizer").mkdir(exist_ok=True)
    (HERE / "llama2c-tokenizer" / "tokenizer.bin").write_bytes(tokenizer())


if __name__ == "__main__":
    main()
