#!/usr/bin/python3
"""Write small random-weight Hugging Face model folders and their torch reference.

The app reads Hugging Face folders (config.json, safetensors, tokenizer.json);
tests/core/tst_torchfolders.cpp checks that reading against this script, which
shares no code with the C++ side: its own safetensors writer, its own BPE
encoders and its own torch forward passes. CI never runs it; the folders it
writes are committed under tests/data/. Rerunning it writes the same bytes
(seeded, single-threaded torch).

It writes, under --out (default tests/data):

  hf-gpt2-random/    model_type gpt2 as GPT2LMHeadModel saves it:
      config.json        n_embd 32, n_layer 2, n_head 4, n_inner 64,
                         n_positions 32, gelu_new, layer_norm_epsilon, tied head
      model.safetensors  F32, names with the "transformer." prefix, Conv1D
                         weights [in, out], and the mask buffers attn.bias
                         [1,1,n_positions,n_positions] and attn.masked_bias []
                         that a reader must ignore
      tokenizer.json     byte-level BPE: the 256 byte symbols of GPT-2's
                         bytes-to-unicode map (in its order), merges learned
                         here from TRAINING_TEXT, <|endoftext|> as an added
                         special token, the ByteLevel pre-tokenizer (GPT-2's regex)
      tokenizer_config.json, reference.json
  hf-llama-random/   model_type llama as LlamaForCausalLM saves it:
      config.json        hidden_size 32, 2 layers, 4 heads, 2 KV heads (GQA),
                         intermediate_size 64, rope_theta 50000, rms_norm_eps,
                         untied lm_head
      model.safetensors  BF16, HF names (model.embed_tokens, model.layers.N.*,
                         model.norm, lm_head)
      tokenizer.json     SentencePiece-style BPE as Llama 2's: <unk> <s> </s>,
                         <0x00>..<0xFF> byte fallback, "▁" pieces and merges
                         learned from TRAINING_TEXT, the normalizer Prepend "▁"
                         + Replace " " -> "▁", BOS from a TemplateProcessing
                         post-processor
      tokenizer_config.json, reference.json
  hf-llama-random-sharded/  the same Llama weights as
                         model.safetensors.index.json + two shards, the same
                         config, and the same tokenizer in the newer form
                         (Metaspace pre-tokenizer, prepend_scheme "first",
                         instead of the Prepend/Replace normalizer), which
                         encodes these texts alike; its reference is
                         hf-llama-random/reference.json
  hf-qwen2-random/   model_type qwen2 as Qwen2ForCausalLM saves it:
      config.json        hidden_size 32, 2 layers, 4 heads of head_dim 16 (given
                         in the config: q is 64 wide), 2 KV heads, rope_theta
                         1e6, tied head
      model.safetensors  F16, HF names with q/k/v biases, no lm_head
      tokenizer.json     Qwen2's byte-level form: NFC normalizer, a Split
                         pre-tokenizer with Qwen's regex then ByteLevel without
                         its own, merges as ["a", "b"] pairs, <|endoftext|>
                         <|im_start|> <|im_end|> added tokens (a reference text
                         holds them, cut out before the regex as HF does)
      tokenizer_config.json, reference.json

reference.json:
  {"format_version": 1, "model": NAME,
   "encodings": [{"text": T, "ids": [...]}, ...]   this script's own encoder
   "stages": {"text": T, "tokens": [...],          one pass, positions 0..T-1
              "layers": [{"attn_norm", "q", "k", "v", "attn_weights",
                          "attn_output", "mlp_norm", "mlp_output"
                          (llama, qwen2 also "q_before_rope",
                          "k_before_rope")}, ...],
              "logits": [T][vocab]}                  stage layouts as
                                                     write_golden_tensors.py's
   "greedy": {"prompt": "Hello world", "max_new": 20,
              "ids": [...]            the whole final sequence: prompt (with
                                      BOS for Llama) and the greedy tokens,
                                      what `kvcache-lab --text` prints as ids:
                                      stopping after the end token if chosen
              "min_margin": m}}       the smallest gap between the best and
                                      second-best logit over the greedy steps,
                                      so a float-rounding tie cannot flip it
Llama's q and k are in HF's layout: RoPE rotates pairs (i, i + head_dim/2)
(rotate_half), after the projections (and Qwen2's biases). The forwards widen
the BF16/F16 weights to float32 and compute in float32, like the app. Floats are written with 9
significant digits, which round-trip float32.

Needs python3-torch and python3-regex (Debian). Run from the repository root:

  /usr/bin/python3 tools/write_hf_reference_folders.py [--out tests/data]

With --gpt2-small-shape DIR it writes only a folder of GPT-2 small's shape
(n_embd 768, 12 layers, 12 heads, n_positions 1024, vocab 50257; random F32
weights, 548 MB with the mask buffers, like gpt2's model.safetensors) and
GPT-2's real vocab.json + merges.txt from --gpt2-vocab, to time how a model of
that size opens. It has no reference and is not committed.
"""

import argparse
import json
import math
import shutil
import struct
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import regex
import torch

SEED = 1414
FORMAT_VERSION = 1
GREEDY_PROMPT = "Hello world"
GREEDY_NEW = 20
STAGE_TEXT = "Hello world, the cat sat."
ENCODED_TEXTS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "It's 3.14, isn't it?  Two  spaces\nand a new line",
    "caf\u00e9 na\u00efve \u2014 \U0001F642 ok",
    "WE'LL see: 2024 had 366 days!\r\n\n  ok",
]
# Added tokens inside the text: cut out before the regex (Qwen2's chat markers).
QWEN_TEXTS = ["<|im_start|>user\nHello world<|im_end|>\n<|im_start|>assistant\n"]
# Margins below this would let float32 summation order decide a greedy step.
MIN_GREEDY_MARGIN = 1e-3

TRAINING_TEXT = """\
Hello world. The world is wide and the sea is deep. Hello again, my friend!
The cat sat on the mat, and the dog ran in the park. We walked to the river
and we saw the birds. She said hello to the children, and they said hello back.
The quick brown fox jumps over the lazy dog. It is a small world after all.
There are three things I like: reading, walking and talking with my friends.
The weather was warm, so we went out to the garden and sat under the old tree.
In the morning the sun rises over the hills; in the evening it sets in the west.
He wrote a letter to his mother, and she wrote back the next day. Hello, world!
"""

GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
QWEN_PATTERN = regex.compile(r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""")
METASPACE = "\u2581"


# ---------------------------------------------------------------- tokenizers

def bytes_to_unicode():
    """GPT-2's map from the 256 bytes to printable characters, in GPT-2's order."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return [(byte, chr(code)) for byte, code in zip(printable, codes)]


def learn_merges(words, count):
    """Classic BPE training: `words` maps a tuple of symbols to its frequency;
    merge the most frequent adjacent pair `count` times (ties: the smaller pair)."""
    words = dict(words)
    merges = []
    for _ in range(count):
        pairs = Counter()
        for word, frequency in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += frequency
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        merged = {}
        for word, frequency in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + frequency
        words = merged
    return merges


def apply_merges(symbols, ranks, frozen=frozenset()):
    """GPT-2's bpe(): merge the lowest-ranked adjacent pair everywhere, left to
    right, until no pair has a rank. Symbols at `frozen` indices never merge."""
    symbols = [(s, i in frozen) for i, s in enumerate(symbols)]
    while len(symbols) > 1:
        candidates = [ranks[(a, b)] for (a, fa), (b, fb) in zip(symbols, symbols[1:])
                      if not fa and not fb and (a, b) in ranks]
        if not candidates:
            break
        best = min(candidates)
        out, i = [], 0
        while i < len(symbols):
            if (i + 1 < len(symbols) and not symbols[i][1] and not symbols[i + 1][1]
                    and ranks.get((symbols[i][0], symbols[i + 1][0])) == best):
                out.append((symbols[i][0] + symbols[i + 1][0], False))
                i += 2
            else:
                out.append(symbols[i])
                i += 1
        symbols = out
    return [s for s, _ in symbols]


class ByteLevelBpe:
    """GPT-2's form: the ByteLevel pre-tokenizer with its built-in regex, one
    added token, merges as "a b" strings."""
    END = "<|endoftext|>"
    SPECIALS = [END]

    def __init__(self, text, merge_count, pattern=GPT2_PATTERN):
        self.pattern = pattern
        self.byte_map = dict(bytes_to_unicode())
        self.vocab = {symbol: i for i, (_, symbol) in enumerate(bytes_to_unicode())}
        words = Counter(tuple(self.mapped(piece)) for piece in pattern.findall(text))
        self.merges = learn_merges(words, merge_count)
        for left, right in self.merges:
            self.vocab.setdefault(left + right, len(self.vocab))
        self.ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self.special_ids = {content: len(self.vocab) + i for i, content in enumerate(self.SPECIALS)}
        self.end_id = self.special_ids[self.END]

    def mapped(self, piece):
        return "".join(self.byte_map[b] for b in piece.encode("utf-8"))

    def encode_plain(self, text):
        ids = []
        for piece in self.pattern.findall(text):
            ids += [self.vocab[s] for s in apply_merges(list(self.mapped(piece)), self.ranks)]
        return ids

    def encode(self, text):
        """Added tokens are cut out of the text first, the rest encoded between them."""
        ids = []
        specials = "|".join(regex.escape(s) for s in self.SPECIALS)
        for part in regex.split(f"({specials})", text):
            ids += [self.special_ids[part]] if part in self.special_ids else self.encode_plain(part)
        return ids

    def size(self):
        return len(self.vocab) + len(self.SPECIALS)

    def added_tokens(self):
        return [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for s, i in self.special_ids.items()]

    def merges_json(self):
        return [f"{a} {b}" for a, b in self.merges]

    def tokenizer_json(self):
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": self.added_tokens(),
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                               "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab, "merges": self.merges_json()},
        }

    def tokenizer_config(self):
        return {"add_prefix_space": False, "bos_token": self.END, "eos_token": self.END,
                "model_max_length": 1024, "tokenizer_class": "GPT2Tokenizer", "unk_token": self.END}


class QwenBpe(ByteLevelBpe):
    """Qwen2's form: NFC, a Split pre-tokenizer with Qwen's regex then ByteLevel
    without its own regex, three added tokens, merges as ["a", "b"] pairs."""
    SPECIALS = [ByteLevelBpe.END, "<|im_start|>", "<|im_end|>"]

    def __init__(self, text, merge_count):
        super().__init__(text, merge_count, QWEN_PATTERN)

    def encode_plain(self, text):
        return super().encode_plain(unicodedata.normalize("NFC", text))

    def merges_json(self):
        return [[a, b] for a, b in self.merges]

    def tokenizer_json(self):
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": self.added_tokens(),
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN_PATTERN.pattern}, "behavior": "Isolated",
                 "invert": False}, byte_level]},
            "post_processor": byte_level,
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": self.merges_json()},
        }

    def tokenizer_config(self):
        return {"add_prefix_space": False, "bos_token": None, "eos_token": self.END, "errors": "replace",
                "model_max_length": 32768, "pad_token": self.END, "tokenizer_class": "Qwen2Tokenizer",
                "unk_token": None}


class SentencePieceBpe:
    SPECIALS = ["<unk>", "<s>", "</s>"]
    BOS, EOS = 1, 2

    def __init__(self, text, merge_count):
        words = Counter(tuple(METASPACE + word) for word in text.split())
        characters = Counter()
        for word, frequency in words.items():
            for c in word:
                characters[c] += frequency
        pieces = self.SPECIALS + [f"<0x{b:02X}>" for b in range(256)]
        pieces += sorted(characters, key=lambda c: (-characters[c], c))
        self.merges = learn_merges(words, merge_count)
        for left, right in self.merges:
            if left + right not in pieces:
                pieces.append(left + right)
        self.vocab = {piece: i for i, piece in enumerate(pieces)}
        self.ranks = {pair: rank for rank, pair in enumerate(self.merges)}

    def encode(self, text):
        normalized = METASPACE + text.replace(" ", METASPACE)
        symbols, frozen = [], set()
        for c in normalized:
            if c in self.vocab:
                symbols.append(c)
            else:  # byte fallback: one <0xXX> per UTF-8 byte, never merged
                for b in c.encode("utf-8"):
                    frozen.add(len(symbols))
                    symbols.append(f"<0x{b:02X}>")
        return [self.BOS] + [self.vocab[s] for s in apply_merges(symbols, self.ranks, frozen)]

    def size(self):
        return len(self.vocab)

    def tokenizer_json(self):
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for i, s in enumerate(self.SPECIALS)]
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "Prepend", "prepend": METASPACE},
                {"type": "Replace", "pattern": {"String": " "}, "content": METASPACE}]},
            "pre_tokenizer": None,
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<s>": {"id": "<s>", "ids": [self.BOS], "tokens": ["<s>"]}}},
            "decoder": {"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": METASPACE}, "content": " "},
                {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
            "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }

    def metaspace_tokenizer_json(self):
        """The same tokenizer as tokenizers >= 0.15 writes it: no normalizer,
        a Metaspace pre-tokenizer (prepend_scheme "first", no split)."""
        tokenizer = self.tokenizer_json()
        tokenizer["normalizer"] = None
        tokenizer["pre_tokenizer"] = {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "first",
                                      "split": False}
        tokenizer["decoder"] = {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "first",
                                "split": False}
        return tokenizer

    def tokenizer_config(self):
        return {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
                "legacy": False, "model_max_length": 2048, "tokenizer_class": "LlamaTokenizer",
                "unk_token": "<unk>"}


# ---------------------------------------------------------------- weights

def gpt2_weights(config, generator):
    d, inner, n_pos = config["n_embd"], config["n_inner"], config["n_positions"]

    def normal(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    def gain(n):
        return 1.0 + normal(n, std=0.1)

    w = {"wte.weight": normal(config["vocab_size"], d, std=0.5), "wpe.weight": normal(n_pos, d, std=1.0)}
    mask = torch.tril(torch.ones(n_pos, n_pos)).view(1, 1, n_pos, n_pos)
    for i in range(config["n_layer"]):
        p = f"h.{i}."
        w.update({
            p + "ln_1.weight": gain(d), p + "ln_1.bias": normal(d, std=0.1),
            p + "attn.bias": mask.clone(), p + "attn.masked_bias": torch.tensor(-1e4),
            p + "attn.c_attn.weight": normal(d, 3 * d, std=d ** -0.5), p + "attn.c_attn.bias": normal(3 * d, std=0.1),
            p + "attn.c_proj.weight": normal(d, d, std=d ** -0.5), p + "attn.c_proj.bias": normal(d, std=0.1),
            p + "ln_2.weight": gain(d), p + "ln_2.bias": normal(d, std=0.1),
            p + "mlp.c_fc.weight": normal(d, inner, std=d ** -0.5), p + "mlp.c_fc.bias": normal(inner, std=0.1),
            p + "mlp.c_proj.weight": normal(inner, d, std=inner ** -0.5), p + "mlp.c_proj.bias": normal(d, std=0.1),
        })
    w.update({"ln_f.weight": gain(d), "ln_f.bias": normal(d, std=0.1)})
    return w


def llama_weights(config, generator, dtype):
    """Llama's tensors; Qwen2's when the config says so: q/k/v biases, head_dim
    from the config (q is n_head * head_dim wide, not hidden_size), a tied head."""
    d, inner = config["hidden_size"], config["intermediate_size"]
    head_dim = config.get("head_dim", d // config["num_attention_heads"])
    q_dim = config["num_attention_heads"] * head_dim
    kv = config["num_key_value_heads"] * head_dim
    qwen2 = config["model_type"] == "qwen2"

    def normal(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    w = {"model.embed_tokens.weight": normal(config["vocab_size"], d, std=0.5)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w.update({  # nn.Linear weights are [out, in]
            p + "input_layernorm.weight": 1.0 + normal(d, std=0.1),
            p + "self_attn.q_proj.weight": normal(q_dim, d, std=0.5),
            p + "self_attn.k_proj.weight": normal(kv, d, std=0.5),
            p + "self_attn.v_proj.weight": normal(kv, d, std=d ** -0.5),
            p + "self_attn.o_proj.weight": normal(d, q_dim, std=q_dim ** -0.5),
            p + "post_attention_layernorm.weight": 1.0 + normal(d, std=0.1),
            p + "mlp.gate_proj.weight": normal(inner, d, std=d ** -0.5),
            p + "mlp.up_proj.weight": normal(inner, d, std=d ** -0.5),
            p + "mlp.down_proj.weight": normal(d, inner, std=inner ** -0.5),
        })
        if qwen2:
            w.update({p + "self_attn.q_proj.bias": normal(q_dim, std=0.3), p + "self_attn.k_proj.bias": normal(kv, std=0.3),
                      p + "self_attn.v_proj.bias": normal(kv, std=0.1)})
    w["model.norm.weight"] = 1.0 + normal(d, std=0.1)
    if not config["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(config["vocab_size"], d, std=0.3)
    # BF16 or F16 on disk; the forward uses exactly the stored values, widened.
    return {name: t.to(dtype) for name, t in w.items()}


# ---------------------------------------------------------------- safetensors

DTYPES = {torch.float32: ("F32", torch.int32), torch.bfloat16: ("BF16", torch.int16),
          torch.float16: ("F16", torch.int16)}


def safetensors_bytes(tensors):
    """The safetensors layout: u64 header length, JSON header (padded with
    spaces to 8 bytes), then the tensors' little-endian bytes in header order."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        tensor = tensors[name].contiguous()
        dtype, same_width_int = DTYPES[tensor.dtype]
        blob = tensor.view(same_width_int).numpy().astype(f"<i{tensor.element_size()}").tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_sharded(folder, tensors, first_shard_names):
    shards = [{n: t for n, t in tensors.items() if n in first_shard_names},
              {n: t for n, t in tensors.items() if n not in first_shard_names}]
    weight_map, total = {}, 0
    for index, shard in enumerate(shards):
        name = f"model-{index + 1:05d}-of-{len(shards):05d}.safetensors"
        (folder / name).write_bytes(safetensors_bytes(shard))
        for tensor_name, tensor in shard.items():
            weight_map[tensor_name] = name
            total += tensor.numel() * tensor.element_size()
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- forwards

def rows(t):
    """[heads, T, head_dim] -> [T, heads*head_dim], heads in order."""
    heads, seq, head_dim = t.shape
    return t.transpose(0, 1).reshape(seq, heads * head_dim)


def causal_softmax(q, k):
    """[heads, T, hd] x [heads, T, hd] -> [heads, T, T] probabilities, zero above the diagonal."""
    seq = q.shape[1]
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(torch.ones(seq, seq, dtype=torch.bool).triu(1), float("-inf"))
    return torch.softmax(scores, dim=-1)


def gpt2_forward(tokens, w, config):
    d, n_head, eps = config["n_embd"], config["n_head"], config["layer_norm_epsilon"]
    hd, seq = d // n_head, len(tokens)

    def layer_norm(x, name):
        return torch.nn.functional.layer_norm(x, (d,), w[name + ".weight"], w[name + ".bias"], eps)

    def gelu_new(x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))

    def heads(x):
        return x.view(seq, n_head, hd).transpose(0, 1)

    x = w["wte.weight"][tokens] + w["wpe.weight"][torch.arange(seq)]
    layers = []
    for i in range(config["n_layer"]):
        p = f"h.{i}."
        s = {"attn_norm": layer_norm(x, p + "ln_1")}
        qkv = s["attn_norm"] @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = (heads(t) for t in qkv.split(d, dim=-1))
        s["attn_weights"] = causal_softmax(q, k)
        mixed = rows(s["attn_weights"] @ v)
        s["attn_output"] = mixed @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        s.update(q=rows(q), k=rows(k), v=rows(v))
        x = x + s["attn_output"]
        s["mlp_norm"] = layer_norm(x, p + "ln_2")
        hidden = gelu_new(s["mlp_norm"] @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        s["mlp_output"] = hidden @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        x = x + s["mlp_output"]
        layers.append(s)
    return layers, layer_norm(x, "ln_f") @ w["wte.weight"].T


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def llama_forward(tokens, w, config):
    d, n_head, n_kv = config["hidden_size"], config["num_attention_heads"], config["num_key_value_heads"]
    hd, seq, eps = config.get("head_dim", d // n_head), len(tokens), config["rms_norm_eps"]

    def linear(x, name):  # nn.Linear: weight [out, in], optional bias
        return x @ w[name + ".weight"].T + (w[name + ".bias"] if name + ".bias" in w else 0.0)

    def rms_norm(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    inv_freq = 1.0 / (config["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    angles = torch.arange(seq, dtype=torch.float32)[:, None] * inv_freq[None, :]
    cos, sin = torch.cat((angles, angles), -1).cos(), torch.cat((angles, angles), -1).sin()

    x = w["model.embed_tokens.weight"][tokens]
    layers = []
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        s = {"attn_norm": rms_norm(x, w[p + "input_layernorm.weight"])}
        h = s["attn_norm"]
        q = linear(h, p + "self_attn.q_proj").view(seq, n_head, hd).transpose(0, 1)
        k = linear(h, p + "self_attn.k_proj").view(seq, n_kv, hd).transpose(0, 1)
        v = linear(h, p + "self_attn.v_proj").view(seq, n_kv, hd).transpose(0, 1)
        s["q_before_rope"], s["k_before_rope"] = rows(q), rows(k)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        group = n_head // n_kv
        s["attn_weights"] = causal_softmax(q, k.repeat_interleave(group, dim=0))
        mixed = rows(s["attn_weights"] @ v.repeat_interleave(group, dim=0))
        s["attn_output"] = linear(mixed, p + "self_attn.o_proj")
        s.update(q=rows(q), k=rows(k), v=rows(v))
        x = x + s["attn_output"]
        s["mlp_norm"] = rms_norm(x, w[p + "post_attention_layernorm.weight"])
        m = s["mlp_norm"]
        gate = torch.nn.functional.silu(m @ w[p + "mlp.gate_proj.weight"].T)
        s["mlp_output"] = (gate * (m @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
        x = x + s["mlp_output"]
        layers.append(s)
    head = w["lm_head.weight"] if "lm_head.weight" in w else w["model.embed_tokens.weight"]  # tied
    return layers, rms_norm(x, w["model.norm.weight"]) @ head.T


def greedy(forward, prompt, end_id):
    """Greedy decoding by full recomputation; stops after the end token."""
    ids, margins = list(prompt), []
    for _ in range(GREEDY_NEW):
        logits = forward(torch.tensor(ids))[1][-1]
        top = torch.topk(logits, 2).values
        margins.append((top[0] - top[1]).item())
        ids.append(int(torch.argmax(logits)))
        if ids[-1] == end_id:
            break
    return ids, min(margins)


# ---------------------------------------------------------------- output

def short(value):
    """Nested lists of float32 as floats with 9 significant digits (round-trip)."""
    if isinstance(value, list):
        return [short(v) for v in value]
    return float(f"{value:.9g}")


STAGE_ORDER = ["attn_norm", "q_before_rope", "k_before_rope", "q", "k", "v",
               "attn_weights", "attn_output", "mlp_norm", "mlp_output"]


def reference(name, tokenizer, forward, end_id, texts=ENCODED_TEXTS):
    tokens = tokenizer.encode(STAGE_TEXT)
    layers, logits = forward(torch.tensor(tokens))
    ids, margin = greedy(forward, tokenizer.encode(GREEDY_PROMPT), end_id)
    if margin < MIN_GREEDY_MARGIN:
        sys.exit(f"error: {name}: a greedy step's best two logits are {margin:.3g} apart; change SEED")
    return {
        "format_version": FORMAT_VERSION, "model": name,
        "encodings": [{"text": t, "ids": tokenizer.encode(t)} for t in texts],
        "stages": {"text": STAGE_TEXT, "tokens": tokens,
                   "layers": [{k: short(s[k].tolist()) for k in STAGE_ORDER if k in s} for s in layers],
                   "logits": short(logits.tolist())},
        "greedy": {"prompt": GREEDY_PROMPT, "max_new": GREEDY_NEW, "ids": ids, "min_margin": short(margin)},
    }


def write_json(path, value, indent=None):
    path.write_text(json.dumps(value, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")


def write_folder(folder, config, tensors, tokenizer, ref):
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "config.json", config, indent=2)
    if tensors is not None:
        (folder / "model.safetensors").write_bytes(safetensors_bytes(tensors))
    write_json(folder / "tokenizer.json", tokenizer.tokenizer_json(), indent=2)
    write_json(folder / "tokenizer_config.json", tokenizer.tokenizer_config(), indent=2)
    if ref is not None:
        write_json(folder / "reference.json", ref)
    sizes = ", ".join(f"{p.name} {p.stat().st_size}" for p in sorted(folder.iterdir()))
    print(f"{folder}: {sizes}")


def gpt2_folder(out, generator):
    tokenizer = ByteLevelBpe(TRAINING_TEXT, 230)
    config = {
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
        "bos_token_id": tokenizer.end_id, "embd_pdrop": 0.1, "eos_token_id": tokenizer.end_id,
        "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 32,
        "n_embd": 32, "n_head": 4, "n_inner": 64, "n_layer": 2, "n_positions": 32,
        "reorder_and_upcast_attn": False, "resid_pdrop": 0.1, "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True, "summary_activation": None, "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True, "summary_type": "cls_index", "summary_use_proj": True,
        "torch_dtype": "float32", "transformers_version": "4.40.0", "use_cache": True,
        "vocab_size": tokenizer.size(),
    }
    w = gpt2_weights(config, generator)

    def forward(tokens):
        return gpt2_forward(tokens, w, config)

    ref = reference("hf-gpt2-random", tokenizer, forward, tokenizer.end_id)
    tensors = {"transformer." + n: t for n, t in w.items()}  # GPT2LMHeadModel; the tied lm_head is not saved
    write_folder(out / "hf-gpt2-random", config, tensors, tokenizer, ref)


def llama_folder(out, generator):
    tokenizer = SentencePieceBpe(TRAINING_TEXT, 180)
    config = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": SentencePieceBpe.BOS, "eos_token_id": SentencePieceBpe.EOS, "hidden_act": "silu",
        "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64, "max_position_embeddings": 64,
        "mlp_bias": False, "model_type": "llama", "num_attention_heads": 4, "num_hidden_layers": 2,
        "num_key_value_heads": 2, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None,
        "rope_theta": 50000.0, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
        "transformers_version": "4.40.0", "use_cache": True, "vocab_size": tokenizer.size(),
    }
    stored = llama_weights(config, generator, torch.bfloat16)
    w = {n: t.float() for n, t in stored.items()}

    def forward(tokens):
        return llama_forward(tokens, w, config)

    ref = reference("hf-llama-random", tokenizer, forward, SentencePieceBpe.EOS)
    write_folder(out / "hf-llama-random", config, stored, tokenizer, ref)

    sharded = out / "hf-llama-random-sharded"
    if sharded.exists():
        shutil.rmtree(sharded)
    sharded.mkdir(parents=True)
    first = {n for n in stored if n.startswith("model.embed_tokens") or n.startswith("model.layers.0.")}
    write_sharded(sharded, stored, first)
    write_folder(sharded, config, None, tokenizer, None)
    write_json(sharded / "tokenizer.json", tokenizer.metaspace_tokenizer_json(), indent=2)


def qwen2_folder(out, generator):
    tokenizer = QwenBpe(TRAINING_TEXT, 150)
    config = {
        "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": tokenizer.end_id,
        "eos_token_id": tokenizer.end_id, "head_dim": 16, "hidden_act": "silu", "hidden_size": 32,
        "initializer_range": 0.02, "intermediate_size": 64, "max_position_embeddings": 64, "max_window_layers": 2,
        "model_type": "qwen2", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-06, "rope_scaling": None, "rope_theta": 1000000.0, "sliding_window": 64,
        "tie_word_embeddings": True, "torch_dtype": "float16", "transformers_version": "4.40.0",
        "use_cache": True, "use_sliding_window": False, "vocab_size": tokenizer.size(),
    }
    stored = llama_weights(config, generator, torch.float16)
    w = {n: t.float() for n, t in stored.items()}

    def forward(tokens):
        return llama_forward(tokens, w, config)

    ref = reference("hf-qwen2-random", tokenizer, forward, tokenizer.end_id, ENCODED_TEXTS + QWEN_TEXTS)
    write_folder(out / "hf-qwen2-random", config, stored, tokenizer, ref)


def gpt2_small_shape_folder(folder, vocab_dir):
    folder.mkdir(parents=True, exist_ok=True)
    config = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "layer_norm_epsilon": 1e-05,
              "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_inner": None, "n_layer": 12,
              "n_positions": 1024, "torch_dtype": "float32", "vocab_size": 50257}
    weights = gpt2_weights(dict(config, n_inner=4 * 768), torch.Generator().manual_seed(SEED))
    (folder / "model.safetensors").write_bytes(safetensors_bytes(weights))  # GPT2Model's names, no prefix
    write_json(folder / "config.json", config, indent=2)
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(vocab_dir / name, folder / name)
    print(f"{folder}: model.safetensors {(folder / 'model.safetensors').stat().st_size} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="tests/data", help="where the folders go (default: %(default)s)")
    parser.add_argument("--gpt2-small-shape", metavar="DIR", help="write only a GPT-2-small-shaped folder to DIR")
    parser.add_argument("--gpt2-vocab", default="../shared/data/gpt2",
                        help="GPT-2's vocab.json and merges.txt for --gpt2-small-shape (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    out = Path(args.out)
    with torch.no_grad():
        if args.gpt2_small_shape:
            gpt2_small_shape_folder(Path(args.gpt2_small_shape), Path(args.gpt2_vocab))
            return
        gpt2_folder(out, torch.Generator().manual_seed(SEED))
        llama_folder(out, torch.Generator().manual_seed(SEED + 1))
        qwen2_folder(out, torch.Generator().manual_seed(SEED + 2))


if __name__ == "__main__":
    main()
