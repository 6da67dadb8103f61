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
//                   [version 2: u32 storage, 0 float32 or 1 float16 (IEEE binary16)]
//                   rows × cols values in that storage (version 1: float32), row-major
//   end−4   4     u32 CRC-32 (IEEE 802.3, as zlib) of every byte before it
//
// Version 1 files hold float32 only; a file written with float16 storage is version 2 (half the
// bytes: the lesson ships its models so, where their answers are unchanged — scripts/train
// checks that). Values are the same in the float and the double build, so a file does not
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

constexpr std::uint32_t kParamFormatVersion = 2;  // the newest this build reads and writes

enum class Storage : std::uint32_t { float32 = 0, float16 = 1 };

// IEEE 754 binary16, rounded to nearest even (overflow gives ±infinity; NaN stays NaN), and back.
std::uint16_t float_to_half(float f);
float half_to_float(std::uint16_t h);
// The parameters as a float16 file holds them: every value rounded to binary16 and back.
EncoderParams rounded_to_half(const EncoderParams& params);

// CRC-32 of n bytes (reflected polynomial 0xEDB88320; crc32("123456789") = 0xCBF43926).
std::uint32_t crc32(const unsigned char* data, std::size_t n);

// float32 storage writes a version 1 file, float16 a version 2 file.
std::vector<unsigned char> serialize_params(const EncoderParams& params, Storage storage = Storage::float32);
// From memory (the web build fetches the bytes).
EncoderParams deserialize_params(const unsigned char* data, std::size_t size);
// As above, and refuses a file whose configuration differs from `expected`.
EncoderParams deserialize_params(const unsigned char* data, std::size_t size,
                                 const EncoderConfig& expected);

void save_params(const std::string& path, const EncoderParams& params, Storage storage = Storage::float32);
EncoderParams load_params(const std::string& path);

// "vocab 10, d_model 16, heads 2, d_ff 64, layers 2, max_len 8, classes 10, sinusoidal, post-LN,
// gelu, scaled embedding, pad -1": for error messages and the lesson's model card.
std::string describe(const EncoderConfig& config);

}  // namespace attn
