#!/usr/bin/env python3
"""Train the tiny word-level models shipped with KV Cache Lab.

The app teaches how the KV cache works during transformer inference. To keep
every number inspectable it uses word-level transformers that are tiny enough
to train on a CPU in well under a minute:

  tiny-mha    GPT-2 style: 2 layers, n_embd 32, 4 query heads, 4 KV heads
              (multi-head attention)
  tiny-gqa    the same, but only 2 KV heads (grouped-query attention)
  tiny-llama  Llama style at tiny-gqa's scale (2 layers, n_embd 32, 4 query
              heads sharing 2 KV heads, head_dim 8, context 16): RMSNorm
              (weight only, eps 1e-5), rotary position embeddings applied to
              q and k after projection in the INTERLEAVED layout (pairs
              (2i, 2i+1) of each head, angle pos * 10000^(-2i/head_dim)),
              SwiGLU MLP down(silu(gate(x)) * up(x)) with 88 hidden units, no
              biases, no learned position embedding, final RMSNorm, classifier
              tied to the token embedding

All are trained on assets/corpus.txt (one simple sentence per line) with the
same vocabulary and written to <out>/<name>/ as

  config.json        hyper-parameters read by the C++ engine
  vocab.txt          one token per line; line i is token id i, token 0 is [EOS]
  model.safetensors  float32 weights; GPT-2 naming and layout (Conv1D [in, out])
                     for the gpt2 family, Hugging Face Llama naming and layout
                     (nn.Linear [out, in], no lm_head: tied) for the llama
                     family. The q/k projections are NOT permuted to Hugging
                     Face's half-split rotary layout: config.json's
                     "rope_layout": "interleaved" says how to rotate.
  reference.json     golden logits from this script's forward pass, so the C++
                     engine can be tested against them

After training, each model must greedily continue the prompt "I" with exactly
"saw a beautiful car [EOS]" (the app's default walk-through); otherwise the
script exits with a non-zero status. Before training a llama model the script
also checks its interleaved rotary embedding against an independent
formulation (complex multiplication, as llama2.c and Meta's reference code do)
and that rotating by position 0 is the identity.

tools/write_golden_tensors.py writes the per-stage intermediates (golden.json)
of a trained model.

Run from the repository root:

  /usr/bin/python3 tools/train_tiny_models.py [--out assets/models] [--corpus assets/corpus.txt]
                                              [--only tiny-llama]
"""

import argparse
import json
import math
import random
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

SEED = 1234
EOS = "[EOS]"
SEQ_LEN = 16  # == n_positions; a line plus its [EOS] must fit

TRAIN_STEPS = 400
LEARNING_RATE = 1e-2
WEIGHT_DECAY = 0.01

DEMO_PROMPT = "I"
DEMO_EXPECTED = "saw a beautiful car [EOS]"
SECOND_REFERENCE_TEXT = "the cat sat on the mat [EOS]"
EXTRA_PROMPTS = ["the cat", "the dog", "we", "she saw", "my mother"]
MAX_NEW_TOKENS = 15

BASE_CONFIG = {
    "family": "gpt2",
    "n_layer": 2,
    "n_embd": 32,
    "n_head": 4,
    "n_positions": SEQ_LEN,
    "layer_norm_epsilon": 1e-5,
    "activation": "gelu_tanh",
    "eos_token": EOS,
}

MODELS = [
    {
        "name": "tiny-mha",
        "n_kv_head": 4,
        "description": "Tiny word-level GPT-2-style model with standard multi-head "
        "attention: 2 layers, 32-dim embeddings, 4 query heads, 4 KV heads.",
    },
    {
        "name": "tiny-gqa",
        "n_kv_head": 2,
        "description": "Tiny word-level GPT-2-style model with grouped-query "
        "attention: 2 layers, 32-dim embeddings, 4 query heads sharing 2 KV heads.",
    },
    {
        "name": "tiny-llama",
        "family": "llama",
        "n_kv_head": 2,
        "description": "Tiny word-level Llama-style model: RMSNorm, rotary positions "
        "(interleaved pairs), SwiGLU, grouped-query attention (4 query heads share "
        "2 KV heads), 2 layers, 32-dim embeddings.",
    },
]

LLAMA_CONFIG = {
    "intermediate_size": 88,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "rope_layout": "interleaved",
    "tie_word_embeddings": True,
}


# ---------------------------------------------------------------------------
# Corpus and vocabulary
# ---------------------------------------------------------------------------

def read_corpus(path):
    """Return the corpus as a list of sentences, each a list of words."""
    lines = [line.split() for line in Path(path).read_text(encoding="utf-8").splitlines()]
    lines = [words for words in lines if words]
    too_long = [" ".join(w) for w in lines if len(w) + 1 > SEQ_LEN]
    if too_long:
        sys.exit(f"error: corpus lines too long for {SEQ_LEN} positions: {too_long[:3]}")
    return lines


def build_vocab(lines):
    """Token 0 is [EOS]; then every word in order of first appearance."""
    vocab = [EOS]
    seen = {EOS}
    for words in lines:
        for word in words:
            if word not in seen:
                seen.add(word)
                vocab.append(word)
    return vocab


def encode(text, token_ids):
    return [token_ids[word] for word in text.split()]


def build_buckets(lines, token_ids):
    """Group the training rows by length: a list of (inputs, targets) pairs.

    Conceptually every line becomes its ids + [EOS], right-padded with [EOS] to
    SEQ_LEN, and the target at position j is token j+1, with targets past the
    real [EOS] ignored. Because attention is causal, padding never influences
    the real positions, so dropping it changes neither the logits nor the loss.
    Grouping lines of equal length into one tensor therefore optimises exactly
    the padded objective with ~2.5x less work, which matters because matrix
    products are slow with the reference BLAS Debian's torch may be using.
    """
    eos_id = token_ids[EOS]
    by_length = {}
    for words in lines:
        ids = [token_ids[w] for w in words] + [eos_id]
        by_length.setdefault(len(ids), []).append(ids)
    buckets = []
    for length in sorted(by_length):
        rows = torch.tensor(by_length[length], dtype=torch.long)
        # The final [EOS] is only ever a target, never an input whose
        # prediction is trained, so inputs stop one token early.
        buckets.append((rows[:, :-1], rows[:, 1:]))
    return buckets


# ---------------------------------------------------------------------------
# Model: parameters live in a plain dict keyed by their safetensors names, so
# what is trained is exactly what is written (no renaming or transposing).
# ---------------------------------------------------------------------------

def init_params(config, generator):
    d = config["n_embd"]
    kv_dim = config["n_kv_head"] * (d // config["n_head"])
    vocab_size = config["vocab_size"]

    def normal(*shape):
        return torch.randn(*shape, generator=generator) * 0.02

    params = {
        "wte.weight": normal(vocab_size, d),
        "wpe.weight": normal(config["n_positions"], d),
    }
    for i in range(config["n_layer"]):
        p = f"h.{i}."
        params.update({
            p + "ln_1.weight": torch.ones(d),
            p + "ln_1.bias": torch.zeros(d),
            p + "attn.c_attn.weight": normal(d, d + 2 * kv_dim),
            p + "attn.c_attn.bias": torch.zeros(d + 2 * kv_dim),
            p + "attn.c_proj.weight": normal(d, d),
            p + "attn.c_proj.bias": torch.zeros(d),
            p + "ln_2.weight": torch.ones(d),
            p + "ln_2.bias": torch.zeros(d),
            p + "mlp.c_fc.weight": normal(d, 4 * d),
            p + "mlp.c_fc.bias": torch.zeros(4 * d),
            p + "mlp.c_proj.weight": normal(4 * d, d),
            p + "mlp.c_proj.bias": torch.zeros(d),
        })
    params["ln_f.weight"] = torch.ones(d)
    params["ln_f.bias"] = torch.zeros(d)
    for tensor in params.values():
        tensor.requires_grad_(True)
    return params


def layer_norm(x, params, prefix, eps):
    return F.layer_norm(x, (x.shape[-1],), params[prefix + ".weight"], params[prefix + ".bias"], eps)


def attention(h, params, prefix, config):
    """Causal (grouped-query) self-attention on h [B, T, d]."""
    batch, seq, d = h.shape
    n_head, n_kv_head = config["n_head"], config["n_kv_head"]
    head_dim = d // n_head
    kv_dim = n_kv_head * head_dim

    qkv = h @ params[prefix + ".c_attn.weight"] + params[prefix + ".c_attn.bias"]
    q = qkv[..., :d].view(batch, seq, n_head, head_dim).transpose(1, 2)
    k = qkv[..., d : d + kv_dim].view(batch, seq, n_kv_head, head_dim).transpose(1, 2)
    v = qkv[..., d + kv_dim :].view(batch, seq, n_kv_head, head_dim).transpose(1, 2)

    # Query head h reads KV head h // group: repeat each KV head `group` times
    # in place so that head order lines up with the query heads.
    group = n_head // n_kv_head
    k = k.repeat_interleave(group, dim=1)
    v = v.repeat_interleave(group, dim=1)

    scores = (q @ k.transpose(-2, -1)) / math.sqrt(head_dim)
    causal = torch.ones(seq, seq, dtype=torch.bool).tril()
    scores = scores.masked_fill(~causal, float("-inf"))
    out = scores.softmax(dim=-1) @ v  # [B, n_head, T, head_dim]
    out = out.transpose(1, 2).reshape(batch, seq, d)  # heads concatenated in order
    return out @ params[prefix + ".c_proj.weight"] + params[prefix + ".c_proj.bias"]


def mlp(h, params, prefix):
    hidden = h @ params[prefix + ".c_fc.weight"] + params[prefix + ".c_fc.bias"]
    hidden = F.gelu(hidden, approximate="tanh")
    return hidden @ params[prefix + ".c_proj.weight"] + params[prefix + ".c_proj.bias"]


def forward(tokens, params, config):
    """Logits [B, T, V] for token ids [B, T] (positions 0..T-1, no BOS)."""
    eps = config["layer_norm_epsilon"]
    positions = torch.arange(tokens.shape[1])
    x = params["wte.weight"][tokens] + params["wpe.weight"][positions]
    for i in range(config["n_layer"]):
        p = f"h.{i}."
        x = x + attention(layer_norm(x, params, p + "ln_1", eps), params, p + "attn", config)
        x = x + mlp(layer_norm(x, params, p + "ln_2", eps), params, p + "mlp")
    x = layer_norm(x, params, "ln_f", eps)
    return x @ params["wte.weight"].T  # LM head tied to the token embedding


# ---------------------------------------------------------------------------
# Llama family: HF Llama names, nn.Linear layout [out, in], no biases.
# ---------------------------------------------------------------------------

def init_params_llama(config, generator):
    d = config["n_embd"]
    head_dim = d // config["n_head"]
    kv_dim = config["n_kv_head"] * head_dim
    hidden = config["intermediate_size"]

    def normal(*shape):
        return torch.randn(*shape, generator=generator) * 0.02

    params = {"model.embed_tokens.weight": normal(config["vocab_size"], d)}
    for i in range(config["n_layer"]):
        p = f"model.layers.{i}."
        params.update({
            p + "input_layernorm.weight": torch.ones(d),
            p + "self_attn.q_proj.weight": normal(d, d),
            p + "self_attn.k_proj.weight": normal(kv_dim, d),
            p + "self_attn.v_proj.weight": normal(kv_dim, d),
            p + "self_attn.o_proj.weight": normal(d, d),
            p + "post_attention_layernorm.weight": torch.ones(d),
            p + "mlp.gate_proj.weight": normal(hidden, d),
            p + "mlp.up_proj.weight": normal(hidden, d),
            p + "mlp.down_proj.weight": normal(d, hidden),
        })
    params["model.norm.weight"] = torch.ones(d)
    for tensor in params.values():
        tensor.requires_grad_(True)
    return params


def rms_norm(x, weight, eps):
    """x / sqrt(mean(x^2) + eps) * weight over the last dimension."""
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight


def rope_cos_sin(positions, head_dim, theta):
    """cos and sin [T, head_dim/2] of the angles pos * theta^(-2i/head_dim).

    The angles are computed in float64 and rounded once, so the reference is
    as exact as float32 allows.
    """
    exponents = torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim
    inv_freq = theta ** (-exponents)
    angles = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    return angles.cos().to(torch.float32), angles.sin().to(torch.float32)


def apply_rope_interleaved(x, positions, theta):
    """Rotate x [..., T, head_dim] in pairs (2i, 2i+1) by pos * theta^(-2i/head_dim).

    x0' = x0 cos - x1 sin, x1' = x0 sin + x1 cos.
    """
    cos, sin = rope_cos_sin(positions, x.shape[-1], theta)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    rotated = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
    return rotated.flatten(-2)


def apply_rope_complex(x, positions, theta):
    """Independent formulation, as llama2.c / Meta's reference: each pair
    (2i, 2i+1) is a complex number multiplied by exp(i * angle)."""
    head_dim = x.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2)[: head_dim // 2].double() / head_dim))
    angles = torch.outer(positions.double(), inv_freq)
    freqs_cis = torch.polar(torch.ones_like(angles), angles)  # [T, head_dim/2]
    as_complex = torch.view_as_complex(x.double().reshape(*x.shape[:-1], -1, 2).contiguous())
    return torch.view_as_real(as_complex * freqs_cis).flatten(-2).to(x.dtype)


def check_rope(theta, head_dim, generator):
    """Exit unless the interleaved RoPE matches the complex formulation within
    1e-6 and position 0 is the identity. Returns the max |diff|."""
    x = torch.randn(3, 4, SEQ_LEN, head_dim, generator=generator)
    positions = torch.arange(SEQ_LEN)
    diff = (apply_rope_interleaved(x, positions, theta) - apply_rope_complex(x, positions, theta)).abs().max().item()
    if diff > 1e-6:
        sys.exit(f"error: interleaved RoPE differs from the complex formulation by {diff:.3g} (> 1e-6)")
    at_zero = apply_rope_interleaved(x, torch.zeros(SEQ_LEN, dtype=torch.long), theta)
    if not torch.equal(at_zero, x):
        sys.exit("error: RoPE at position 0 is not the identity")
    print(f"  RoPE check: interleaved vs complex max |diff| {diff:.3g}, position 0 is the identity")
    return diff


def llama_qkv(h, params, prefix, config, positions):
    """q [B, n_head, T, hd] and k, v [B, n_kv_head, T, hd]; also q and k before RoPE."""
    batch, seq, d = h.shape
    head_dim = d // config["n_head"]
    q = (h @ params[prefix + ".q_proj.weight"].T).view(batch, seq, config["n_head"], head_dim).transpose(1, 2)
    k = (h @ params[prefix + ".k_proj.weight"].T).view(batch, seq, config["n_kv_head"], head_dim).transpose(1, 2)
    v = (h @ params[prefix + ".v_proj.weight"].T).view(batch, seq, config["n_kv_head"], head_dim).transpose(1, 2)
    q_rot = apply_rope_interleaved(q, positions, config["rope_theta"])
    k_rot = apply_rope_interleaved(k, positions, config["rope_theta"])
    return q_rot, k_rot, v, q, k


def causal_attention_weights(q, k, head_dim):
    """Softmax probabilities [B, n_head, T, T]; k already repeated per query head."""
    seq = q.shape[-2]
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(head_dim)
    causal = torch.ones(seq, seq, dtype=torch.bool).tril()
    return scores.masked_fill(~causal, float("-inf")).softmax(dim=-1)


def llama_attention(h, params, prefix, config, positions):
    batch, seq, d = h.shape
    head_dim = d // config["n_head"]
    q, k, v, _, _ = llama_qkv(h, params, prefix, config, positions)
    group = config["n_head"] // config["n_kv_head"]  # query head h reads KV head h // group
    weights = causal_attention_weights(q, k.repeat_interleave(group, dim=1), head_dim)
    out = (weights @ v.repeat_interleave(group, dim=1)).transpose(1, 2).reshape(batch, seq, d)
    return out @ params[prefix + ".o_proj.weight"].T


def swiglu(h, params, prefix):
    gate = h @ params[prefix + ".gate_proj.weight"].T
    up = h @ params[prefix + ".up_proj.weight"].T
    return (F.silu(gate) * up) @ params[prefix + ".down_proj.weight"].T


def forward_llama(tokens, params, config):
    """Logits [B, T, V] for token ids [B, T] (positions 0..T-1, no BOS)."""
    eps = config["rms_norm_eps"]
    positions = torch.arange(tokens.shape[1])
    x = params["model.embed_tokens.weight"][tokens]
    for i in range(config["n_layer"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, params[p + "input_layernorm.weight"], eps)
        x = x + llama_attention(h, params, p + "self_attn", config, positions)
        h = rms_norm(x, params[p + "post_attention_layernorm.weight"], eps)
        x = x + swiglu(h, params, p + "mlp")
    x = rms_norm(x, params["model.norm.weight"], eps)
    return x @ params["model.embed_tokens.weight"].T  # classifier tied to the token embedding


def model_forward(tokens, params, config):
    if config["family"] == "llama":
        return forward_llama(tokens, params, config)
    return forward(tokens, params, config)


# ---------------------------------------------------------------------------
# Training and decoding
# ---------------------------------------------------------------------------

def train(params, config, buckets):
    """Full-batch AdamW on the mean next-token loss over all real targets."""
    # GPT-2 practice: decay only the matrices, not biases or LayerNorm gains.
    decay = [t for t in params.values() if t.dim() >= 2]
    no_decay = [t for t in params.values() if t.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LEARNING_RATE,
    )
    # Cosine decay to 10% lets the model settle on the corpus statistics.
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / TRAIN_STEPS))
    )
    vocab_size = config["vocab_size"]
    n_targets = sum(targets.numel() for _, targets in buckets)
    for step in range(1, TRAIN_STEPS + 1):
        loss = 0.0
        for inputs, targets in buckets:
            logits = model_forward(inputs, params, config)
            loss = loss + F.cross_entropy(logits.reshape(-1, vocab_size), targets.reshape(-1), reduction="sum")
        loss = loss / n_targets
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 100 == 0 or step == 1:
            print(f"  step {step:5d}  loss {loss.item():.4f}")
    return loss.item()


@torch.no_grad()
def greedy(prompt, params, config, vocab, token_ids):
    """Greedy continuation without a KV cache: re-run the whole prefix each step."""
    tokens = encode(prompt, token_ids)
    generated = []
    while len(generated) < MAX_NEW_TOKENS and len(tokens) < config["n_positions"]:
        logits = model_forward(torch.tensor([tokens]), params, config)
        next_id = int(logits[0, -1].argmax())
        tokens.append(next_id)
        generated.append(vocab[next_id])
        if vocab[next_id] == EOS:
            break
    return " ".join(generated)


# ---------------------------------------------------------------------------
# Output files
# ---------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """Write float32 tensors in the safetensors format, in the given order.

    Layout: u64 little-endian header length N, N bytes of JSON header (padded
    with spaces so the data starts at a multiple of 8), then the raw data.
    """
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-(8 + len(header_bytes)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """Minimal reader used to verify what write_safetensors produced."""
    raw = Path(path).read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    assert (8 + header_len) % 8 == 0, "data section is not 8-byte aligned"
    header = json.loads(raw[8 : 8 + header_len].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + header_len :]
    tensors = {}
    expected_begin = 0
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32", f"{name}: unexpected dtype {entry['dtype']}"
        assert begin == expected_begin, f"{name}: gap or overlap at offset {begin}"
        assert end - begin == 4 * math.prod(entry["shape"]), f"{name}: size does not match shape"
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
        expected_begin = end
    assert expected_begin == len(data), "trailing bytes after the last tensor"
    return tensors


def verify_safetensors(path, params):
    loaded = read_safetensors(path)
    if list(loaded) != list(params):
        sys.exit(f"error: {path}: tensor names/order differ from the model")
    for name, tensor in params.items():
        if not np.array_equal(loaded[name], tensor.detach().numpy()):
            sys.exit(f"error: {path}: tensor {name} does not round-trip")


@torch.no_grad()
def reference_entry(text, params, config, token_ids):
    tokens = encode(text, token_ids)
    logits = model_forward(torch.tensor([tokens]), params, config)[0]
    return {"text": text, "tokens": tokens, "logits": logits.tolist()}


def write_model(out_dir, config, params, vocab, token_ids, greedy_output):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (out_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")

    weights_path = out_dir / "model.safetensors"
    write_safetensors(weights_path, params)
    verify_safetensors(weights_path, params)

    reference = {
        "sequences": [
            reference_entry(DEMO_PROMPT + " " + DEMO_EXPECTED, params, config, token_ids),
            reference_entry(SECOND_REFERENCE_TEXT, params, config, token_ids),
        ],
        "greedy": {"prompt": DEMO_PROMPT, "generated": greedy_output},
    }
    (out_dir / "reference.json").write_text(json.dumps(reference) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------

def seed_everything():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)


def make_llama_config(spec, vocab_size):
    # Key order matches the documented config.json layout.
    config = {"family": "llama"}
    for key in ("n_layer", "n_embd", "n_head"):
        config[key] = BASE_CONFIG[key]
    config["n_kv_head"] = spec["n_kv_head"]
    config["n_positions"] = BASE_CONFIG["n_positions"]
    config["vocab_size"] = vocab_size
    config.update(LLAMA_CONFIG)
    config["eos_token"] = EOS
    config["name"] = spec["name"]
    config["description"] = spec["description"]
    return config


def make_config(spec, vocab_size):
    if spec.get("family") == "llama":
        return make_llama_config(spec, vocab_size)
    # Key order matches the documented config.json layout.
    config = {"family": BASE_CONFIG["family"]}
    for key in ("n_layer", "n_embd", "n_head"):
        config[key] = BASE_CONFIG[key]
    config["n_kv_head"] = spec["n_kv_head"]
    config["n_positions"] = BASE_CONFIG["n_positions"]
    config["vocab_size"] = vocab_size
    for key in ("layer_norm_epsilon", "activation", "eos_token"):
        config[key] = BASE_CONFIG[key]
    config["name"] = spec["name"]
    config["description"] = spec["description"]
    return config


def train_one(spec, lines, vocab, token_ids, out_root):
    start = time.time()
    seed_everything()  # each model is reproducible on its own
    config = make_config(spec, len(vocab))
    print(f"== {spec['name']} (n_kv_head {spec['n_kv_head']})")

    generator = torch.Generator().manual_seed(SEED)
    if config["family"] == "llama":
        check_rope(config["rope_theta"], config["n_embd"] // config["n_head"], torch.Generator().manual_seed(SEED))
        params = init_params_llama(config, generator)
    else:
        params = init_params(config, generator)
    final_loss = train(params, config, build_buckets(lines, token_ids))

    demo = greedy(DEMO_PROMPT, params, config, vocab, token_ids)
    print(f"  final loss {final_loss:.4f}")
    print(f"  greedy {DEMO_PROMPT!r} -> {demo!r}")
    for prompt in EXTRA_PROMPTS:
        print(f"  greedy {prompt!r} -> {greedy(prompt, params, config, vocab, token_ids)!r}")
    if demo != DEMO_EXPECTED:
        sys.exit(f"error: {spec['name']}: greedy decoding of {DEMO_PROMPT!r} gave {demo!r}, "
                 f"expected {DEMO_EXPECTED!r}; the walk-through would break")

    write_model(out_root / spec["name"], config, params, vocab, token_ids, demo)
    print(f"  wrote {out_root / spec['name']}  ({time.time() - start:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="assets/models", help="output directory (default: %(default)s)")
    parser.add_argument("--corpus", default="assets/corpus.txt", help="training corpus (default: %(default)s)")
    parser.add_argument("--only", choices=[spec["name"] for spec in MODELS],
                        help="train and write only this model (default: all)")
    args = parser.parse_args()

    torch.set_num_threads(2)
    torch.set_default_dtype(torch.float32)
    start = time.time()

    lines = read_corpus(args.corpus)
    vocab = build_vocab(lines)
    token_ids = {word: i for i, word in enumerate(vocab)}
    print(f"corpus: {len(lines)} lines, vocabulary {len(vocab)} tokens")

    for spec in MODELS:
        if args.only and spec["name"] != args.only:
            continue
        train_one(spec, lines, vocab, token_ids, Path(args.out))
    print(f"done in {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()
