// serialize.h — saving and loading encoder parameters in a small, versioned binary format.
//
// Layout (every integer and float little-endian, whatever the machine):
//
//   offset  size  field
//   0       8     magic "ATTNENC\0"
//   8       4     u32 format version (kParamFormatVersion)
//   12      48    config: i32 vocab, d_model, n_heads, d_ff, n_layers, max_len, n_classes;
//                 u32 positional, norm order, activation, scale_embedding; i32 pad_id
//   60      4     u32 number of tensors
//   64      8     u64 payload size in bytes
//   72      …     payload, per tensor in for_each_parameter order:
//                   u32 name length, name (UTF-8, no terminator), u32 rows, u32 cols,
//                   rows × cols float32 in row-major order
//   end−4   4     u32 CRC-32 (IEEE 802.3, as zlib) of every byte before it
//
// Values are stored as float32 in both the float and the double build, so a file does not
// depend on Scalar. Anything that is not exactly such a file — too short, too long, another
// magic or version, a checksum that does not match, names or shapes that do not fit the
// config — is refused with a std::runtime_error that says what is wrong.
#pragma once

#include "core/encoder.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace attn {

constexpr std::uint32_t kParamFormatVersion = 1;

// CRC-32 of n bytes (reflected polynomial 0xEDB88320; crc32("123456789") = 0xCBF43926).
std::uint32_t crc32(const unsigned char* data, std::size_t n);

std::vector<unsigned char> serialize_params(const EncoderParams& params);
// From memory (the web build fetches the bytes).
EncoderParams deserialize_params(const unsigned char* data, std::size_t size);
// As above, and refuses a file whose configuration differs from `expected`.
EncoderParams deserialize_params(const unsigned char* data, std::size_t size,
                                 const EncoderConfig& expected);

void save_params(const std::string& path, const EncoderParams& params);
EncoderParams load_params(const std::string& path);

// "vocab 10, d_model 16, heads 2, d_ff 64, layers 2, max_len 8, classes 10, sinusoidal, post-LN,
// gelu, scaled embedding, pad -1": for error messages and the lesson's model card.
std::string describe(const EncoderConfig& config);

}  // namespace attn
