#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// The number format the KV cache (and the weights) are stored in. Sizes are
// counted in bits so that int4's half byte stays an exact integer.
enum class DataType { Fp32, Fp16, Bf16, Fp8, Int8, Int4 };

int bitsPerElement(DataType type);
std::string dataTypeName(DataType type);        // "fp16"
std::string bytesPerElementText(DataType type); // "2 B", "0.5 B"
std::vector<DataType> allDataTypes();
std::vector<std::string> dataTypeNames();

// Case-insensitive ("FP16" works); throws CalculatorError listing the known names.
DataType parseDataType(const std::string& text);

// Bytes that `bits` take, rounded up to a whole byte.
std::int64_t bitsToBytes(std::int64_t bits);

} // namespace kv
