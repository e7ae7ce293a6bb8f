#!/usr/bin/python3
"""The side-by-side comparison of `kvcache-lab --bench` in PyTorch.

GPT-2 small's shape (or another) with random weights, a 1-token prompt, then
N tokens chosen greedily, with and without a KV cache, with the same
algorithm as the C++ core: the uncached pass re-runs the whole prefix and
computes the LM head for the last token only; the cached pass runs one token
against preallocated K/V buffers. Prints ms per token for both paths and the
speedup, with the same thread count.

Usage: /usr/bin/python3 tools/torch_decode_bench.py [--tokens 100] [--threads 2]
       [--layers 12 --embd 768 --heads 12 --vocab 50257 --context 1024]
Needs Debian's python3-torch; CI never runs it.
"""
import argparse
import math
import time

import torch


def parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--embd", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--vocab", type=int, default=50257)
    parser.add_argument("--context", type=int, default=1024)
    return parser.parse_args()


def random_weights(args):
    torch.manual_seed(20240501)
    d = args.embd
    normal = lambda *shape: torch.randn(*shape) * 0.02
    layer = lambda: {
        "ln1": (torch.ones(d), torch.zeros(d)), "ln2": (torch.ones(d), torch.zeros(d)),
        "attn": (normal(d, 3 * d), torch.zeros(3 * d)), "proj": (normal(d, d), torch.zeros(d)),
        "fc": (normal(d, 4 * d), torch.zeros(4 * d)), "fcproj": (normal(4 * d, d), torch.zeros(d)),
    }
    return {"wte": normal(args.vocab, d), "wpe": normal(args.context, d),
            "layers": [layer() for _ in range(args.layers)], "lnf": (torch.ones(d), torch.zeros(d))}


def layer_norm(x, gain_bias):
    return torch.nn.functional.layer_norm(x, x.shape[-1:], gain_bias[0], gain_bias[1], 1e-5)


def linear(x, weight_bias):
    return torch.addmm(weight_bias[1], x, weight_bias[0])  # GPT-2's Conv1D: x W + b


def forward(w, args, tokens, positions, cache):
    """tokens and positions: 1-D tensors; cache: per layer [K, V, length] or None."""
    d, heads = args.embd, args.heads
    head_dim = d // heads
    x = w["wte"][tokens] + w["wpe"][positions]
    n = x.shape[0]
    for i, layer in enumerate(w["layers"]):
        q, k, v = linear(layer_norm(x, layer["ln1"]), layer["attn"]).split(d, dim=1)
        first = 0
        if cache is not None:
            keys, values, first = cache[i]
            keys[first:first + n] = k
            values[first:first + n] = v
            cache[i][2] = first + n
            k, v = keys[:first + n], values[:first + n]
        q = q.view(n, heads, head_dim).transpose(0, 1)
        k = k.reshape(-1, heads, head_dim).transpose(0, 1)
        v = v.reshape(-1, heads, head_dim).transpose(0, 1)
        scores = q @ k.transpose(1, 2) / math.sqrt(head_dim)  # the full block, masked entries included
        mask = torch.ones(n, k.shape[1], dtype=torch.bool).triu(first + 1)
        weights = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
        mixed = (weights @ v).transpose(0, 1).reshape(n, d)
        x = x + linear(mixed, layer["proj"])
        hidden = torch.nn.functional.gelu(linear(layer_norm(x, layer["ln2"]), layer["fc"]), approximate="tanh")
        x = x + linear(hidden, layer["fcproj"])
    last = layer_norm(x[-1:], w["lnf"])
    return (last @ w["wte"].t())[0]  # the LM head for the last token only


def run(w, args, cached):
    cache = None
    if cached:
        cache = [[torch.zeros(args.context, args.embd), torch.zeros(args.context, args.embd), 0]
                 for _ in range(args.layers)]
    sequence = [17]
    times = []
    for step in range(args.tokens):
        start = time.perf_counter()
        if cached:
            tokens = torch.tensor(sequence if step == 0 else sequence[-1:])
            positions = torch.arange(len(sequence) - len(tokens), len(sequence))
        else:
            tokens = torch.tensor(sequence)
            positions = torch.arange(len(sequence))
        logits = forward(w, args, tokens, positions, cache)
        sequence.append(int(logits.argmax()))
        times.append((time.perf_counter() - start) * 1000)
    return times, sequence


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    w = random_weights(args)
    with torch.inference_mode():
        cached, cached_tokens = run(w, args, cached=True)
        uncached, uncached_tokens = run(w, args, cached=False)
    decode = lambda times: sum(times[1:]) / max(1, len(times) - 1)
    print(f"torch: {torch.__version__}")
    print(f"threads: {torch.get_num_threads()}")
    print(f"shape: {args.layers} layers, d={args.embd}, {args.heads} heads, vocab {args.vocab}, "
          f"context {args.context}, float32, random weights; 1 prompt token, {args.tokens} new")
    print(f"same_tokens_both_paths: {cached_tokens == uncached_tokens}")
    print(f"prefill_ms: {cached[0]:.3f}")
    print(f"decode_ms_per_token_cached: {decode(cached):.3f}")
    print(f"decode_ms_per_token_uncached: {decode(uncached):.3f}")
    print(f"measured_speedup: {sum(uncached) / sum(cached):.3f}")


if __name__ == "__main__":
    main()
