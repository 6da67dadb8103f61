// Saving and loading parameters: round trips, and every kind of bad file refused clearly.
#include "core/serialize.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cmath>
#include <cstring>
#include <limits>
#include <filesystem>
#include <fstream>
#include <string>

using attn::Mat;

namespace {

attn::EncoderConfig config_for_files() {
    attn::EncoderConfig c;
    c.vocab = 11;
    c.d_model = 8;
    c.n_heads = 2;
    c.d_ff = 24;
    c.n_layers = 2;
    c.max_len = 9;
    c.n_classes = 4;
    c.positional = attn::Positional::learned;
    c.norm = attn::NormOrder::pre;
    c.activation = attn::Activation::relu;
    c.pad_id = 0;
    return c;
}

void require_equal_params(const attn::EncoderParams& a, attn::EncoderParams& b) {
    REQUIRE(a.config == b.config);
    attn::EncoderParams& mutable_a = const_cast<attn::EncoderParams&>(a);
    attn::for_each_parameter(mutable_a, b, [](const std::string& name, const Mat& x, const Mat& y) {
        INFO(name);
        CHECK(x == y);  // float32 in the file and float in this build: bit-exact
    });
}

std::string load_error(const std::vector<unsigned char>& bytes) {
    try {
        attn::deserialize_params(bytes.data(), bytes.size());
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(loaded without error)";
}

}  // namespace

TEST_CASE("CRC-32 matches the standard check value") {
    const char* s = "123456789";
    CHECK(attn::crc32(reinterpret_cast<const unsigned char*>(s), 9) == 0xCBF43926u);
}

TEST_CASE("float16: IEEE binary16 values, rounding to nearest even, and back") {
    using attn::float_to_half;
    CHECK(float_to_half(1.0f) == 0x3C00);
    CHECK(float_to_half(-2.0f) == 0xC000);
    CHECK(float_to_half(0.5f) == 0x3800);
    CHECK(float_to_half(65504.0f) == 0x7BFF);             // the largest half
    CHECK(float_to_half(65520.0f) == 0x7C00);             // halfway to 2^16 rounds up: infinity
    CHECK(float_to_half(std::ldexp(1.0f, -14)) == 0x0400);  // the smallest normal
    CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);  // the smallest subnormal
    CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);  // halfway to it: even, so 0
    CHECK(float_to_half(std::ldexp(3.0f, -25)) == 0x0002);  // 1.5 · 2^-24: halfway, to even 2
    CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);      // halfway: to even
    CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);  // halfway: to even
    CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -12)) == 0x3C01);  // 0.75 of a step: up
    CHECK(float_to_half(-0.0f) == 0x8000);
    CHECK(float_to_half(std::numeric_limits<float>::infinity()) == 0x7C00);
    const std::uint16_t nan = float_to_half(std::numeric_limits<float>::quiet_NaN());
    CHECK((nan & 0x7C00) == 0x7C00);
    CHECK((nan & 0x03FF) != 0);
    CHECK(attn::half_to_float(0x3555) == Approx(0.333251953125f).epsilon(0));
    CHECK(attn::half_to_float(0x0001) == std::ldexp(1.0f, -24));
    // Every half that is a number comes back as itself.
    for (std::uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x03FF)) continue;  // NaN
        REQUIRE(float_to_half(attn::half_to_float(static_cast<std::uint16_t>(h))) == h);
    }
}

TEST_CASE("a float16 file is version 2, about half the size, and loads as the rounded parameters") {
    const attn::EncoderParams params = attn::init_params(config_for_files(), 17);
    const std::vector<unsigned char> full = attn::serialize_params(params);
    const std::vector<unsigned char> half = attn::serialize_params(params, attn::Storage::float16);
    CHECK(half[8] == 2);
    // Two bytes less per value, four more per tensor (its storage field).
    std::size_t tensors = 0;
    attn::EncoderParams counted = params;
    attn::for_each_parameter(counted, counted, [&](const std::string&, attn::Mat&, attn::Mat&) { ++tensors; });
    CHECK(half.size() == full.size() - 2 * attn::parameter_count(params) + 4 * tensors);
    attn::EncoderParams loaded = attn::deserialize_params(half.data(), half.size());
    attn::EncoderParams rounded = attn::rounded_to_half(params);
    require_equal_params(rounded, loaded);
    CHECK(attn::serialize_params(loaded, attn::Storage::float16) == half);
    // Rounding moves no value by more than half a unit in the half's last place (2^-11 relative).
    attn::EncoderParams original = params;
    attn::for_each_parameter(original, loaded, [](const std::string&, const attn::Mat& a, const attn::Mat& b) {
        for (Eigen::Index i = 0; i < a.size(); ++i)
            REQUIRE(std::abs(a.data()[i] - b.data()[i]) <= std::abs(a.data()[i]) * std::ldexp(1.0f, -11) + 3e-8f);
    });
    // A truncated float16 file is refused like a float32 one.
    std::vector<unsigned char> cut(half.begin(), half.end() - 10);
    CHECK_THROWS(attn::deserialize_params(cut.data(), cut.size()));
}

TEST_CASE("save and load round trip: in memory and through a file") {
    const attn::EncoderParams params = attn::init_params(config_for_files(), 17);
    const std::vector<unsigned char> bytes = attn::serialize_params(params);
    // Header 72 bytes + trailer 4 + per tensor (4 + name + 8) + 4 bytes per value.
    CHECK(bytes.size() > 72 + 4 + 4 * attn::parameter_count(params));
    CHECK(std::memcmp(bytes.data(), "ATTNENC", 8) == 0);
    CHECK(bytes[8] == 1);  // version 1, little-endian
    CHECK(bytes[9] == 0);

    attn::EncoderParams loaded = attn::deserialize_params(bytes.data(), bytes.size());
    require_equal_params(params, loaded);
    CHECK(attn::serialize_params(loaded) == bytes);

    const std::string path = (std::filesystem::temp_directory_path() / "attn_test_roundtrip.bin").string();
    attn::save_params(path, params);
    attn::EncoderParams from_file = attn::load_params(path);
    require_equal_params(params, from_file);
    std::remove(path.c_str());

    // The model computes the same thing after the round trip.
    Mat a, b;
    attn::EncoderCache ca, cb;
    attn::encoder_forward(a, ca, {3, 1, 4, 1, 5}, params);
    attn::encoder_forward(b, cb, {3, 1, 4, 1, 5}, loaded);
    CHECK(a == b);
}

TEST_CASE("values are stored as little-endian float32") {
    attn::EncoderConfig c;
    c.vocab = 1;
    c.d_model = 1;
    c.n_layers = 0;
    c.positional = attn::Positional::none;
    attn::EncoderParams p = attn::zeros_like(c);
    p.token_embedding(0, 0) = 1.0f;  // float32 1.0 = 0x3F800000
    const std::vector<unsigned char> bytes = attn::serialize_params(p);
    // Payload: u32 name length 15, "token_embedding", u32 rows 1, u32 cols 1, then the value.
    const std::size_t value_at = 72 + 4 + 15 + 8;
    REQUIRE(bytes.size() == value_at + 4 + 4);
    CHECK(bytes[value_at + 0] == 0x00);
    CHECK(bytes[value_at + 1] == 0x00);
    CHECK(bytes[value_at + 2] == 0x80);
    CHECK(bytes[value_at + 3] == 0x3F);
}

TEST_CASE("bad files are refused with a message that says what is wrong") {
    const std::vector<unsigned char> good = attn::serialize_params(attn::init_params(config_for_files(), 18));

    SECTION("empty and truncated") {
        CHECK_THAT(load_error({}), Catch::Contains("truncated"));
        for (std::size_t keep : {std::size_t{5}, std::size_t{40}, std::size_t{100}, good.size() / 2, good.size() - 1}) {
            INFO("kept " << keep << " of " << good.size() << " bytes");
            const std::vector<unsigned char> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(keep));
            CHECK_THAT(load_error(cut), Catch::Contains("truncated"));
        }
    }
    SECTION("trailing bytes") {
        std::vector<unsigned char> longer = good;
        longer.push_back(0);
        CHECK_THAT(load_error(longer), Catch::Contains("unexpected bytes"));
    }
    SECTION("wrong magic") {
        std::vector<unsigned char> bad = good;
        bad[0] = 'X';
        CHECK_THAT(load_error(bad), Catch::Contains("wrong magic"));
    }
    SECTION("wrong version") {
        std::vector<unsigned char> bad = good;
        bad[8] = 3;
        CHECK_THAT(load_error(bad), Catch::Contains("version 3") && Catch::Contains("reads versions 1 to 2"));
    }
    SECTION("a flipped byte anywhere after the version fails the checksum") {
        for (std::size_t at : {std::size_t{20}, std::size_t{80}, good.size() / 2, good.size() - 10, good.size() - 2}) {
            INFO("flipped byte " << at);
            std::vector<unsigned char> bad = good;
            bad[at] ^= 0x10;
            CHECK_THAT(load_error(bad), Catch::Contains("checksum mismatch"));
        }
    }
    SECTION("a header that disagrees with its payload (checksum recomputed) is refused") {
        std::vector<unsigned char> bad = good;
        bad[12 + 6 * 4] = 5;  // n_classes 4 → 5: head.w should now be (8, 5)
        const std::uint32_t crc = attn::crc32(bad.data(), bad.size() - 4);
        for (int i = 0; i < 4; ++i) bad[bad.size() - 4 + static_cast<std::size_t>(i)] = static_cast<unsigned char>(crc >> (8 * i));
        CHECK_THAT(load_error(bad), Catch::Contains("head.w") && Catch::Contains("(8, 4)") && Catch::Contains("(8, 5)"));
        bad[12 + 6 * 4] = 100;  // 100 classes: more values than the payload holds
        const std::uint32_t crc2 = attn::crc32(bad.data(), bad.size() - 4);
        for (int i = 0; i < 4; ++i) bad[bad.size() - 4 + static_cast<std::size_t>(i)] = static_cast<unsigned char>(crc2 >> (8 * i));
        CHECK_THAT(load_error(bad), Catch::Contains("needs more values than the payload holds"));
    }
    SECTION("a file of another configuration is refused when one is expected") {
        attn::EncoderConfig other = config_for_files();
        other.d_model = 16;
        CHECK_THROWS_WITH(attn::deserialize_params(good.data(), good.size(), other),
                          Catch::Contains("different model") && Catch::Contains("d_model 8") &&
                              Catch::Contains("d_model 16"));
        CHECK_NOTHROW(attn::deserialize_params(good.data(), good.size(), config_for_files()));
    }
    SECTION("a missing file") {
        CHECK_THROWS_WITH(attn::load_params("/nonexistent/params.bin"), Catch::Contains("/nonexistent/params.bin"));
    }
}

TEST_CASE("init_params from a seed is pinned: the same bytes natively and in WebAssembly") {
    // A regression pin, not an independent golden value: this CRC of the serialised weights was
    // produced by this build and, identically, by the same code compiled with em++ and run under
    // node. If it changes, every saved model and lesson screenshot made from a seed changes too.
    attn::EncoderConfig c;
    c.vocab = 10;
    c.d_model = 16;
    c.n_heads = 2;
    c.n_layers = 2;
    c.n_classes = 5;
    const std::vector<unsigned char> bytes = attn::serialize_params(attn::init_params(c, 42));
    CHECK(bytes.size() == 28259);
    CHECK(attn::crc32(bytes.data(), bytes.size()) == 0x2144df1cu);
}
