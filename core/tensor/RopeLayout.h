#pragma once

namespace kv {

// Which dimensions of a head rotary embeddings rotate together (pair i turns
// by position * theta^(-2i/head_dim)):
//  - Interleaved: pairs (2i, 2i+1), as Meta's Llama and llama2.c;
//  - HalfSplit: pairs (i, i + head_dim/2), as Hugging Face's rotate_half.
enum class RopeLayout { Interleaved, HalfSplit };

} // namespace kv
