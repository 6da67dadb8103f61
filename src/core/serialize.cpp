#include "core/serialize.h"

#include "core/file.h"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace attn {

namespace {

constexpr char kMagic[8] = {'A', 'T', 'T', 'N', 'E', 'N', 'C', '\0'};
constexpr std::size_t kConfigBytes = 12 * 4;
constexpr std::size_t kHeaderBytes = 8 + 4 + kConfigBytes + 4 + 8;  // 72
constexpr std::size_t kTrailerBytes = 4;

std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

// --- little-endian writing and bounds-checked reading --------------------------------------

class Writer {
public:
    void bytes(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        out.insert(out.end(), b, b + n);
    }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void f32(float f) {
        std::uint32_t bits;
        std::memcpy(&bits, &f, 4);
        u32(bits);
    }
    void f16(float f) {
        const std::uint16_t h = float_to_half(f);
        out.push_back(static_cast<unsigned char>(h & 0xFFu));
        out.push_back(static_cast<unsigned char>(h >> 8));
    }
    std::vector<unsigned char> out;
};

class Reader {
public:
    Reader(const unsigned char* data, std::size_t size) : p_(data), end_(data + size) {}
    std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
    void need(std::size_t n, const char* what) const {
        if (left() < n) {
            throw std::runtime_error(std::string("parameter file is corrupted: ") + what +
                                     " runs past the end of the payload");
        }
    }
    std::uint32_t u32(const char* what) {
        need(4, what);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p_[i]) << (8 * i);
        p_ += 4;
        return v;
    }
    std::int32_t i32(const char* what) { return static_cast<std::int32_t>(u32(what)); }
    std::uint64_t u64(const char* what) {
        need(8, what);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p_[i]) << (8 * i);
        p_ += 8;
        return v;
    }
    float f32(const char* what) {
        const std::uint32_t bits = u32(what);
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }
    float f16(const char* what) {
        need(2, what);
        const auto h = static_cast<std::uint16_t>(p_[0] | (p_[1] << 8));
        p_ += 2;
        return half_to_float(h);
    }
    std::string str(std::size_t n, const char* what) {
        need(n, what);
        std::string s(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        return s;
    }

private:
    const unsigned char* p_;
    const unsigned char* end_;
};

void write_config(Writer& w, const EncoderConfig& c) {
    for (int v : {c.vocab, c.d_model, c.n_heads, c.ff_width(), c.n_layers, c.max_len, c.n_classes})
        w.i32(v);
    w.u32(static_cast<std::uint32_t>(c.positional));
    w.u32(static_cast<std::uint32_t>(c.norm));
    w.u32(static_cast<std::uint32_t>(c.activation));
    w.u32(c.scale_embedding ? 1u : 0u);
    w.i32(c.pad_id);
}

EncoderConfig read_config(Reader& r) {
    EncoderConfig c;
    c.vocab = r.i32("config");
    c.d_model = r.i32("config");
    c.n_heads = r.i32("config");
    c.d_ff = r.i32("config");
    c.n_layers = r.i32("config");
    c.max_len = r.i32("config");
    c.n_classes = r.i32("config");
    c.positional = static_cast<Positional>(r.u32("config"));
    c.norm = static_cast<NormOrder>(r.u32("config"));
    c.activation = static_cast<Activation>(r.u32("config"));
    const std::uint32_t scale = r.u32("config");
    c.scale_embedding = scale != 0;
    c.pad_id = r.i32("config");
    if (scale > 1) throw std::runtime_error("parameter file has an invalid config: scale_embedding flag is " + std::to_string(scale));
    try {
        c.validate();
    } catch (const ShapeError& e) {
        throw std::runtime_error(std::string("parameter file has an invalid config: ") + e.what());
    }
    return c;
}

// Number of scalars a config's parameters hold, computed without allocating them (so a
// hostile header cannot make us allocate more than the file could ever contain).
double expected_scalars(const EncoderConfig& c) {
    const double V = c.vocab, d = c.d_model, f = c.ff_width(), N = c.n_layers, C = c.n_classes;
    double n = V * d;
    if (c.positional == Positional::learned) n += c.max_len * d;
    n += N * (4 * d * d + 4 * d + 4 * d + 2 * d * f + f + d);
    if (c.norm == NormOrder::pre) n += 2 * d;
    if (c.n_classes > 0) n += d * C + C;
    return n;
}

std::string hex(std::uint32_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

}  // namespace

std::uint16_t float_to_half(float f) {
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
    const std::uint32_t exp = (x >> 23) & 0xFFu, mant = x & 0x7FFFFFu;
    if (exp == 0xFF) return static_cast<std::uint16_t>(sign | 0x7C00u | (mant ? 0x200u : 0u));  // inf, NaN
    const int e = static_cast<int>(exp) - 127 + 15;  // the half's biased exponent
    if (e >= 31) return static_cast<std::uint16_t>(sign | 0x7C00u);  // too large: infinity
    if (e <= 0) {
        // Subnormal half (or zero): the value is m · 2^-24 with m = mantissa (with its leading
        // 1) shifted right by 14 - e, rounded to nearest even.
        if (e < -10) return sign;
        const std::uint32_t m = mant | 0x800000u;
        const int shift = 14 - e;
        std::uint32_t h = m >> shift;
        const std::uint32_t rest = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (h & 1u))) ++h;
        return static_cast<std::uint16_t>(sign | h);
    }
    std::uint32_t h = (static_cast<std::uint32_t>(e) << 10) | (mant >> 13);
    const std::uint32_t rest = mant & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent: right
    return static_cast<std::uint16_t>(sign | h);
}

float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1Fu, mant = h & 0x3FFu;
    std::uint32_t x;
    if (exp == 0x1F) {
        x = sign | 0x7F800000u | (mant << 13);
    } else if (exp != 0) {
        x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    } else {
        // Zero or subnormal: mant · 2^-24, exact in float.
        const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
        std::memcpy(&x, &v, 4);
        x |= sign;
    }
    float f;
    std::memcpy(&f, &x, 4);
    return f;
}

EncoderParams rounded_to_half(const EncoderParams& params) {
    EncoderParams out = params;
    for_each_parameter(out, out, [](const std::string&, Mat& w, Mat&) {
        for (Eigen::Index i = 0; i < w.size(); ++i)
            w.data()[i] = static_cast<Scalar>(half_to_float(float_to_half(static_cast<float>(w.data()[i]))));
    });
    return out;
}

std::uint32_t crc32(const unsigned char* data, std::size_t n) {
    static const std::array<std::uint32_t, 256> table = make_crc_table();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

std::string describe(const EncoderConfig& c) {
    static const char* const positional[] = {"no positions", "sinusoidal", "learned positions"};
    std::ostringstream s;
    s << "vocab " << c.vocab << ", d_model " << c.d_model << ", heads " << c.n_heads << ", d_ff "
      << c.ff_width() << ", layers " << c.n_layers << ", max_len " << c.max_len << ", classes "
      << c.n_classes << ", "
      << (static_cast<unsigned>(c.positional) <= 2 ? positional[static_cast<unsigned>(c.positional)] : "?")
      << ", " << (c.norm == NormOrder::pre ? "pre-LN" : "post-LN") << ", "
      << (c.activation == Activation::relu ? "relu" : "gelu") << ", "
      << (c.scale_embedding ? "scaled embedding" : "unscaled embedding") << ", pad " << c.pad_id;
    return s.str();
}

std::vector<unsigned char> serialize_params(const EncoderParams& params, Storage storage) {
    params.config.validate();
    const bool half = storage == Storage::float16;
    Writer payload;
    std::uint32_t count = 0;
    for_each_parameter(params, params, [&](const std::string& name, const Mat& w, const Mat&) {
        payload.u32(static_cast<std::uint32_t>(name.size()));
        payload.bytes(name.data(), name.size());
        payload.u32(static_cast<std::uint32_t>(w.rows()));
        payload.u32(static_cast<std::uint32_t>(w.cols()));
        if (half) payload.u32(static_cast<std::uint32_t>(Storage::float16));
        const Scalar* p = w.data();
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            if (half) payload.f16(static_cast<float>(p[i]));
            else payload.f32(static_cast<float>(p[i]));
        }
        ++count;
    });

    Writer file;
    file.bytes(kMagic, sizeof kMagic);
    file.u32(half ? 2u : 1u);
    write_config(file, params.config);
    file.u32(count);
    file.u64(payload.out.size());
    file.bytes(payload.out.data(), payload.out.size());
    file.u32(crc32(file.out.data(), file.out.size()));
    return std::move(file.out);
}

EncoderParams deserialize_params(const unsigned char* data, std::size_t size) {
    if (data == nullptr && size > 0) throw std::runtime_error("parameter buffer is null");
    if (size < 12) {
        throw std::runtime_error("parameter file is truncated: " + std::to_string(size) +
                                 " bytes, too short for even the magic and version");
    }
    if (std::memcmp(data, kMagic, sizeof kMagic) != 0) {
        throw std::runtime_error("not an encoder parameter file: wrong magic (expected \"ATTNENC\")");
    }
    Reader head(data + 8, size - 8);
    const std::uint32_t version = head.u32("version");
    if (version < 1 || version > kParamFormatVersion) {
        throw std::runtime_error("parameter file has unsupported format version " +
                                 std::to_string(version) + " (this build reads versions 1 to " +
                                 std::to_string(kParamFormatVersion) + ")");
    }
    if (size < kHeaderBytes + kTrailerBytes) {
        throw std::runtime_error("parameter file is truncated: " + std::to_string(size) +
                                 " bytes, shorter than its " +
                                 std::to_string(kHeaderBytes + kTrailerBytes) + "-byte header and checksum");
    }
    // The payload size sits at the end of the header; read it first to check the length.
    Reader sizes(data + kHeaderBytes - 8, 8);
    const std::uint64_t payload_bytes = sizes.u64("payload size");
    const std::uint64_t available = size - kHeaderBytes - kTrailerBytes;
    if (payload_bytes > available) {
        throw std::runtime_error("parameter file is truncated: its header announces " +
                                 std::to_string(payload_bytes) + " payload bytes but only " +
                                 std::to_string(available) + " are present");
    }
    if (payload_bytes < available) {
        throw std::runtime_error("parameter file has " + std::to_string(available - payload_bytes) +
                                 " unexpected bytes after its payload");
    }
    Reader trailer(data + size - kTrailerBytes, kTrailerBytes);
    const std::uint32_t stored = trailer.u32("checksum");
    const std::uint32_t computed = crc32(data, size - kTrailerBytes);
    if (stored != computed) {
        throw std::runtime_error("parameter file is corrupted: checksum mismatch (stored " + hex(stored) +
                                 ", computed " + hex(computed) + ")");
    }

    const EncoderConfig config = read_config(head);
    const std::uint32_t count = head.u32("tensor count");
    head.u64("payload size");
    const double want = expected_scalars(config);
    if (want * (version == 1 ? 4 : 2) > static_cast<double>(payload_bytes)) {
        throw std::runtime_error("parameter file is inconsistent: its config (" + describe(config) +
                                 ") needs more values than the payload holds");
    }

    EncoderParams params = zeros_like(config);
    Reader r(data + kHeaderBytes, static_cast<std::size_t>(payload_bytes));
    std::uint32_t index = 0;
    for_each_parameter(params, params, [&](const std::string& name, Mat& w, Mat&) {
        if (index >= count) {
            throw std::runtime_error("parameter file holds " + std::to_string(count) +
                                     " tensors but its config needs " + name + " as well");
        }
        const std::uint32_t name_len = r.u32("tensor name length");
        const std::string got = r.str(name_len, "tensor name");
        const std::uint32_t rows = r.u32("tensor shape"), cols = r.u32("tensor shape");
        if (got != name || static_cast<Eigen::Index>(rows) != w.rows() ||
            static_cast<Eigen::Index>(cols) != w.cols()) {
            throw std::runtime_error("parameter file does not match its config: tensor " +
                                     std::to_string(index) + " is '" + got + "' (" +
                                     std::to_string(rows) + ", " + std::to_string(cols) +
                                     ") but '" + name + "' " + shape_of(w) + " was expected");
        }
        std::uint32_t stored = static_cast<std::uint32_t>(Storage::float32);
        if (version >= 2) {
            stored = r.u32("tensor storage");
            if (stored > static_cast<std::uint32_t>(Storage::float16)) {
                throw std::runtime_error("parameter file is corrupted: tensor '" + got + "' has unknown storage " +
                                         std::to_string(stored));
            }
        }
        const bool half = stored == static_cast<std::uint32_t>(Storage::float16);
        r.need(static_cast<std::size_t>(w.size()) * (half ? 2 : 4), "tensor data");
        Scalar* p = w.data();
        for (Eigen::Index i = 0; i < w.size(); ++i)
            p[i] = static_cast<Scalar>(half ? r.f16("tensor data") : r.f32("tensor data"));
        ++index;
    });
    if (index != count || r.left() != 0) {
        throw std::runtime_error("parameter file holds " + std::to_string(count) + " tensors and " +
                                 std::to_string(r.left()) + " leftover bytes; its config needs exactly " +
                                 std::to_string(index) + " tensors");
    }
    return params;
}

EncoderParams deserialize_params(const unsigned char* data, std::size_t size,
                                 const EncoderConfig& expected) {
    EncoderParams params = deserialize_params(data, size);
    if (params.config != expected) {
        throw std::runtime_error("parameter file holds a different model: " + describe(params.config) +
                                 "; expected " + describe(expected));
    }
    return params;
}

void save_params(const std::string& path, const EncoderParams& params, Storage storage) {
    const std::vector<unsigned char> bytes = serialize_params(params, storage);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot open " + path + " for writing");
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("could not write " + path);
}

EncoderParams load_params(const std::string& path) {
    std::string bytes;
    if (!read_file(path, bytes)) throw std::runtime_error("cannot open parameter file " + path);
    try {
        return deserialize_params(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace attn
