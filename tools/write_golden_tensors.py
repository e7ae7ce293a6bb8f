#!/usr/bin/python3
"""Write golden.json: every intermediate tensor of a shipped model's forward pass.

reference.json pins only a model's logits; when the C++ engine disagrees with
it, golden.json says at which stage the two part. For a model folder
assets/models/NAME (config.json, model.safetensors, vocab.txt) this script runs
an independent torch forward pass over the text "I saw a beautiful car [EOS]"
(word-level tokens from vocab.txt, positions 0..T-1, full causal attention)
and writes assets/models/NAME/golden.json:

  {"format_version": 1, "model": NAME, "text": ..., "tokens": [...],
   "layers": [ {"attn_norm":    [T][d]    input of attention after the block's
                                          first norm (ln_1 / input_layernorm)
                "q":            [T][n_head*head_dim]     query after projection
                                                         (llama: after RoPE)
                "k":            [T][n_kv_head*head_dim]  key as it is cached
                                                         (llama: after RoPE)
                "v":            [T][n_kv_head*head_dim]
                "attn_weights": [n_head][T][T]  softmax probabilities, causal
                                                (zeros above the diagonal)
                "attn_output":  [T][d]    after the output projection, before
                                          the residual add
                "mlp_norm":     [T][d]    after the second norm (ln_2 /
                                          post_attention_layernorm)
                "mlp_output":   [T][d]    MLP output before the residual add
                llama only:
                "q_before_rope": [T][n_head*head_dim]
                "k_before_rope": [T][n_kv_head*head_dim] }, ... one per layer],
   "logits": [T][vocab]}

Heads are concatenated in order within a row (head h is columns
h*head_dim .. (h+1)*head_dim - 1). Floats are JSON numbers holding the float32
values exactly. The pass reuses the building blocks of train_tiny_models.py
(layer norm, GPT-2 MLP, RMSNorm, interleaved RoPE, SwiGLU) but composes them
here so that each stage is kept. Self-check: the logits must equal
reference.json's logits for the same text within 2e-5, else the script exits
with a non-zero status and writes nothing for that model.

Run from the repository root:

  /usr/bin/python3 tools/write_golden_tensors.py [--models assets/models] [NAME ...]

Without names it writes golden.json for every model folder under --models.
"""

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_tiny_models as ttm  # noqa: E402

GOLDEN_TEXT = "I saw a beautiful car [EOS]"
# reference.json's GPT-2 logits were computed on another machine's BLAS: on
# this one the training script's own forward pass is 1.05e-5 from tiny-mha's
# (largest |logit| 18.8, whose float32 spacing is 1.9e-6), and a float64 pass is
# 5e-6 from either float32 result. 2e-5 admits that summation-order noise; a
# wrong stage moves logits by far more.
LOGIT_TOLERANCE = 2e-5
FORMAT_VERSION = 1


def load_model(folder):
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    params = {name: torch.from_numpy(array.copy())
              for name, array in ttm.read_safetensors(folder / "model.safetensors").items()}
    return config, vocab, params


def rows(tensor):
    """[1, heads, T, head_dim] -> [T, heads*head_dim], heads in order."""
    _, heads, seq, head_dim = tensor.shape
    return tensor[0].transpose(0, 1).reshape(seq, heads * head_dim)


def drop_batch(stage):
    """The [1, T, d] stages of a batch of one as [T, d]."""
    for name in ("attn_norm", "mlp_norm", "mlp_output"):
        stage[name] = stage[name][0]
    return stage


def gpt2_attention_stages(h, params, prefix, config):
    d = h.shape[-1]
    n_head, n_kv_head = config["n_head"], config["n_kv_head"]
    head_dim = d // n_head
    kv_dim = n_kv_head * head_dim
    seq = h.shape[1]
    qkv = h @ params[prefix + ".c_attn.weight"] + params[prefix + ".c_attn.bias"]
    q = qkv[..., :d].view(1, seq, n_head, head_dim).transpose(1, 2)
    k = qkv[..., d : d + kv_dim].view(1, seq, n_kv_head, head_dim).transpose(1, 2)
    v = qkv[..., d + kv_dim :].view(1, seq, n_kv_head, head_dim).transpose(1, 2)
    group = n_head // n_kv_head
    weights = ttm.causal_attention_weights(q, k.repeat_interleave(group, dim=1), head_dim)
    mixed = (weights @ v.repeat_interleave(group, dim=1)).transpose(1, 2).reshape(1, seq, d)
    output = mixed @ params[prefix + ".c_proj.weight"] + params[prefix + ".c_proj.bias"]
    return {"q": rows(q), "k": rows(k), "v": rows(v), "attn_weights": weights[0], "attn_output": output[0]}


def llama_attention_stages(h, params, prefix, config, positions):
    d = h.shape[-1]
    head_dim = d // config["n_head"]
    seq = h.shape[1]
    q, k, v, q_before, k_before = ttm.llama_qkv(h, params, prefix, config, positions)
    group = config["n_head"] // config["n_kv_head"]
    weights = ttm.causal_attention_weights(q, k.repeat_interleave(group, dim=1), head_dim)
    mixed = (weights @ v.repeat_interleave(group, dim=1)).transpose(1, 2).reshape(1, seq, d)
    output = mixed @ params[prefix + ".o_proj.weight"].T
    return {"q_before_rope": rows(q_before), "k_before_rope": rows(k_before),
            "q": rows(q), "k": rows(k), "v": rows(v), "attn_weights": weights[0], "attn_output": output[0]}


def gpt2_stages(tokens, params, config):
    eps = config["layer_norm_epsilon"]
    x = params["wte.weight"][tokens] + params["wpe.weight"][torch.arange(tokens.shape[1])]
    layers = []
    for i in range(config["n_layer"]):
        p = f"h.{i}."
        stage = {"attn_norm": ttm.layer_norm(x, params, p + "ln_1", eps)}
        stage.update(gpt2_attention_stages(stage["attn_norm"], params, p + "attn", config))
        x = x + stage["attn_output"]
        stage["mlp_norm"] = ttm.layer_norm(x, params, p + "ln_2", eps)
        stage["mlp_output"] = ttm.mlp(stage["mlp_norm"], params, p + "mlp")
        x = x + stage["mlp_output"]
        layers.append(drop_batch(stage))
    logits = ttm.layer_norm(x, params, "ln_f", eps) @ params["wte.weight"].T
    return layers, logits[0]


def llama_stages(tokens, params, config):
    eps = config["rms_norm_eps"]
    positions = torch.arange(tokens.shape[1])
    x = params["model.embed_tokens.weight"][tokens]
    layers = []
    for i in range(config["n_layer"]):
        p = f"model.layers.{i}."
        stage = {"attn_norm": ttm.rms_norm(x, params[p + "input_layernorm.weight"], eps)}
        stage.update(llama_attention_stages(stage["attn_norm"], params, p + "self_attn", config, positions))
        x = x + stage["attn_output"]
        stage["mlp_norm"] = ttm.rms_norm(x, params[p + "post_attention_layernorm.weight"], eps)
        stage["mlp_output"] = ttm.swiglu(stage["mlp_norm"], params, p + "mlp")
        x = x + stage["mlp_output"]
        layers.append(drop_batch(stage))
    logits = ttm.rms_norm(x, params["model.norm.weight"], eps) @ params["model.embed_tokens.weight"].T
    return layers, logits[0]


STAGE_ORDER = ["attn_norm", "q_before_rope", "k_before_rope", "q", "k", "v",
               "attn_weights", "attn_output", "mlp_norm", "mlp_output"]


def check_shapes(layers, logits, config, seq):
    d = config["n_embd"]
    head_dim = d // config["n_head"]
    kv_dim = config["n_kv_head"] * head_dim
    expected = {"attn_norm": [seq, d], "q": [seq, d], "k": [seq, kv_dim], "v": [seq, kv_dim],
                "attn_weights": [config["n_head"], seq, seq], "attn_output": [seq, d],
                "mlp_norm": [seq, d], "mlp_output": [seq, d]}
    if config["family"] == "llama":
        expected.update({"q_before_rope": [seq, d], "k_before_rope": [seq, kv_dim]})
    for i, stage in enumerate(layers):
        if set(stage) != set(expected):
            sys.exit(f"error: layer {i}: stages {sorted(stage)} differ from {sorted(expected)}")
        for name, shape in expected.items():
            if list(stage[name].shape) != shape:
                sys.exit(f"error: layer {i} {name}: shape {list(stage[name].shape)}, expected {shape}")
        above = torch.ones(seq, seq, dtype=torch.bool).triu(1)
        if stage["attn_weights"][:, above].abs().max().item() != 0.0:
            sys.exit(f"error: layer {i}: attention weights above the diagonal are not zero")
    if list(logits.shape) != [seq, config["vocab_size"]]:
        sys.exit(f"error: logits shape {list(logits.shape)}")


def reference_logits(folder, text):
    reference = json.loads((folder / "reference.json").read_text(encoding="utf-8"))
    for sequence in reference["sequences"]:
        if sequence["text"] == text:
            return sequence["tokens"], torch.tensor(sequence["logits"], dtype=torch.float32)
    sys.exit(f"error: {folder / 'reference.json'} has no sequence {text!r}")


@torch.no_grad()
def write_golden(folder):
    config, vocab, params = load_model(folder)
    token_ids = {word: i for i, word in enumerate(vocab)}
    tokens = ttm.encode(GOLDEN_TEXT, token_ids)
    batch = torch.tensor([tokens])
    if config["family"] == "llama":
        layers, logits = llama_stages(batch, params, config)
    elif config["family"] == "gpt2":
        layers, logits = gpt2_stages(batch, params, config)
    else:
        sys.exit(f"error: {folder / 'config.json'}: unknown family {config['family']!r}")
    check_shapes(layers, logits, config, len(tokens))

    ref_tokens, ref_logits = reference_logits(folder, GOLDEN_TEXT)
    if ref_tokens != tokens:
        sys.exit(f"error: {folder.name}: tokens {tokens} differ from reference.json's {ref_tokens}")
    diff = (logits - ref_logits).abs().max().item()
    if not diff <= LOGIT_TOLERANCE:
        sys.exit(f"error: {folder.name}: logits differ from reference.json by {diff:.3g} (> {LOGIT_TOLERANCE})")

    golden = {
        "format_version": FORMAT_VERSION,
        "model": config.get("name", folder.name),
        "text": GOLDEN_TEXT,
        "tokens": tokens,
        "layers": [{name: stage[name].tolist() for name in STAGE_ORDER if name in stage} for stage in layers],
        "logits": logits.tolist(),
    }
    path = folder / "golden.json"
    path.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"{folder.name}: logits vs reference.json max |diff| {diff:.3g}; "
          f"wrote {path} ({path.stat().st_size} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="assets/models", help="models directory (default: %(default)s)")
    parser.add_argument("names", nargs="*", help="model folders to process (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    root = Path(args.models)
    names = args.names or sorted(p.name for p in root.iterdir() if (p / "config.json").is_file())
    for name in names:
        write_golden(root / name)


if __name__ == "__main__":
    main()
