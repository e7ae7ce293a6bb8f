#include "core/tensor/DataType.h"

#include "core/lab/CalculatorError.h"
#include "core/util/NameMatching.h"

#include <algorithm>
#include <array>

namespace kv {

namespace {

struct DataTypeInfo {
    DataType type;
    const char* name;
    int bits;
};

constexpr std::array<DataTypeInfo, 6> kDataTypes{{
    {DataType::Fp32, "fp32", 32},
    {DataType::Fp16, "fp16", 16},
    {DataType::Bf16, "bf16", 16},
    {DataType::Fp8, "fp8", 8},
    {DataType::Int8, "int8", 8},
    {DataType::Int4, "int4", 4},
}};

const DataTypeInfo& info(DataType type)
{
    return *std::find_if(kDataTypes.begin(), kDataTypes.end(), [&](const DataTypeInfo& i) { return i.type == type; });
}

} // namespace

int bitsPerElement(DataType type)
{
    return info(type).bits;
}

std::string dataTypeName(DataType type)
{
    return info(type).name;
}

std::string bytesPerElementText(DataType type)
{
    const int bits = bitsPerElement(type);
    return std::to_string(bits / 8) + (bits % 8 ? ".5" : "") + " B";
}

std::vector<DataType> allDataTypes()
{
    std::vector<DataType> types;
    for (const DataTypeInfo& i : kDataTypes)
        types.push_back(i.type);
    return types;
}

std::vector<std::string> dataTypeNames()
{
    std::vector<std::string> names;
    for (const DataTypeInfo& i : kDataTypes)
        names.emplace_back(i.name);
    return names;
}

DataType parseDataType(const std::string& text)
{
    for (const DataTypeInfo& i : kDataTypes)
        if (sameName(text, i.name))
            return i.type;
    throw CalculatorError("unknown dtype \"" + text + "\"; known dtypes: " + joinNames(dataTypeNames()));
}

std::int64_t bitsToBytes(std::int64_t bits)
{
    return (bits + 7) / 8;
}

} // namespace kv
