// libFuzzer target: attention(Q, K, V[, mask]) of core/attention.h with arbitrary shapes and
// values (NaN, ±inf, 1e38, −0, denormals), as the library computes it and as the page sends it
// (app::ParseAttentionCommand: doubles, then the checked attn::attention).
//
// Input: 5 header bytes, then the values.
//   byte 0..3  Tq, Tk, d_k, d_v, each 1 + byte % 32 (larger shapes only slow the sanitised runs)
//   byte 4     flags: 1 mask on; 2 values are doubles sent through ParseAttentionCommand;
//              4 the unchecked attention_forward (the model's path) instead of attention();
//              8 values are raw bit patterns (4 or 8 bytes each), else one byte each, picked
//              from a table of awkward numbers; 16 K one column wider than Q (a shape error)
//   rest       the values of Q, K, V in turn (cycled when the input runs out), then the mask
//              bits.
// Checks, beyond "no crash, no sanitizer report": non-finite input is refused naming its first
// entry; finite input either gives weights in [0, 1] whose rows sum to 1 (0 for a fully masked
// row), exactly 0 where masked, matching a double-precision softmax, and a finite output matching
// weights · V in double precision; or a ValueError that an overflow explains. The unchecked path
// follows softmax_rows' documented rules for NaN and infinite scores.
#include "app/commands.h"
#include "core/attention.h"
#include "fuzz/fuzz_common.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#define check(ok, what) FUZZ_CHECK("fuzz_attention", ok, what)

namespace {

using attn::Mat;
using attn::Mask;
using attn::Scalar;


constexpr double kFloatMax = std::numeric_limits<float>::max();

const double kTable[] = {0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, 1e-3, 10.0, 100.0,
                         1e19, -1e19, 1e38, -1e38, 3.4e38, -3.4e38, kFloatMax, 1e39, -1e300,
                         std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
                         std::numeric_limits<float>::min(), 1e-40, 1e-320,
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN(), 0.1, -0.7, 2.5, 7.0, -30.0};
constexpr std::size_t kTableSize = sizeof kTable / sizeof kTable[0];

class Values {
public:
    Values(const std::uint8_t* data, std::size_t size, bool raw, bool doubles) : d_(data), n_(size), raw_(raw), doubles_(doubles) {}
    double next() {
        if (n_ == 0) return 0.0;
        if (!raw_) return kTable[byte() % kTableSize];
        if (doubles_) {
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(byte()) << (8 * i);
            double x;
            std::memcpy(&x, &bits, 8);
            return x;
        }
        std::uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) bits |= static_cast<std::uint32_t>(byte()) << (8 * i);
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }
    std::uint8_t byte() {
        if (n_ == 0) return 0;
        const std::uint8_t b = d_[i_ % n_];
        ++i_;
        return b;
    }

private:
    const std::uint8_t* d_;
    std::size_t n_, i_ = 0;
    bool raw_, doubles_;
};

std::string entry(const char* name, Eigen::Index i, Eigen::Index j) {
    return std::string(name) + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
}

// The first entry (Q, then K, then V, row-major) that is NaN or infinite, or "".
std::string first_non_finite(const Mat& q, const Mat& k, const Mat& v) {
    for (const auto& [name, m] : {std::pair{"Q", &q}, std::pair{"K", &k}, std::pair{"V", &v}})
        for (Eigen::Index i = 0; i < m->rows(); ++i)
            for (Eigen::Index j = 0; j < m->cols(); ++j)
                if (!std::isfinite((*m)(i, j))) return entry(name, i, j);
    return "";
}

bool visible(const Mask* mask, Eigen::Index i, Eigen::Index j) { return !mask || (*mask)(i, j) != 0; }

// softmax_rows' documented rules, row by row, on the scaled scores the forward pass kept.
void check_softmax_rules(const Mat& scaled, const Mat& w, const Mask* mask) {
    check(w.rows() == scaled.rows() && w.cols() == scaled.cols(), "weights have the wrong shape");
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
        bool nan = false, any = false;
        double top = -INFINITY;
        int n_top = 0;
        for (Eigen::Index j = 0; j < w.cols(); ++j) {
            if (!visible(mask, i, j)) {
                check(w(i, j) == 0 && !std::signbit(w(i, j)), "a masked weight is not 0");
                continue;
            }
            any = true;
            const double x = scaled(i, j);
            nan = nan || std::isnan(x);
            if (x > top) top = x, n_top = 0;
            if (x == top) ++n_top;
        }
        double sum = 0;
        for (Eigen::Index j = 0; j < w.cols(); ++j) {
            if (!visible(mask, i, j)) continue;
            const double x = scaled(i, j), y = w(i, j);
            if (nan) {
                check(std::isnan(y), "a row with a NaN score has a weight that is not NaN");
            } else if (!any || top == -INFINITY) {
                check(y == 0, "a row with nothing to attend to has a weight that is not 0");
            } else if (top == INFINITY) {
                check(y == (x == top ? 1.0 / n_top : 0.0) || (x == top && std::fabs(y - 1.0 / n_top) < 1e-6),
                      "infinite scores do not share the weight equally");
            } else {
                check(y >= 0 && y <= 1, "a weight outside [0, 1]: " + std::to_string(y));
            }
            sum += std::isnan(y) ? 0 : y;
        }
        if (!nan && any && top > -INFINITY)
            check(std::fabs(sum - 1) <= 1e-5 * static_cast<double>(w.cols() + 1), "row " + std::to_string(i) + " sums to " + std::to_string(sum));
    }
}

// For a result attention() returned: scores as Q Kᵀ / √d_k in double precision gives them (to
// float rounding), weights as a double-precision softmax of the scaled scores, and the output as
// weights · V in double precision.
void check_against_double(const attn::AttentionResult& r, const Mat& q, const Mat& k, const Mat& v, const Mask* mask) {
    const Eigen::Index tq = q.rows(), tk = k.rows();
    check(r.output.rows() == tq && r.output.cols() == v.cols(), "output has the wrong shape");
    check(r.cache.weights.rows() == tq && r.cache.weights.cols() == tk, "weights have the wrong shape");
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.cols()));
    for (Eigen::Index i = 0; i < tq; ++i) {
        // The scores: Q Kᵀ, then ÷ √d_k, each within float rounding of the double computation.
        std::vector<double> s(static_cast<std::size_t>(tk));
        double top = -INFINITY;
        for (Eigen::Index j = 0; j < tk; ++j) {
            check(std::isfinite(r.cache.scores(i, j)) && std::isfinite(r.cache.scaled(i, j)), "a score is not finite");
            double dot = 0, magnitude = 0;
            for (Eigen::Index c = 0; c < q.cols(); ++c) {
                dot += static_cast<double>(q(i, c)) * k(j, c);
                magnitude += std::fabs(static_cast<double>(q(i, c)) * k(j, c));
            }
            check(std::fabs(r.cache.scores(i, j) - dot) <= 1e-6 * magnitude * static_cast<double>(q.cols()) + 1e-37,
                  "score (" + std::to_string(i) + ", " + std::to_string(j) + ") is not Q_i · K_j");
            check(std::fabs(r.cache.scaled(i, j) - r.cache.scores(i, j) * scale) <= 2.4e-7 * std::fabs(r.cache.scores(i, j) * scale) + 1e-44,
                  "scaled score is not score / sqrt(d_k)");
            // The softmax from here on: of the float scaled scores, in double precision.
            s[static_cast<std::size_t>(j)] = r.cache.scaled(i, j);
            if (visible(mask, i, j)) top = std::max(top, s[static_cast<std::size_t>(j)]);
        }
        if (top == -INFINITY) {
            // Fully masked: nothing to attend to, all zeros.
            for (Eigen::Index j = 0; j < tk; ++j) check(r.cache.weights(i, j) == 0, "a fully masked row has a weight");
        }
        double z = 0;
        for (Eigen::Index j = 0; j < tk; ++j)
            if (visible(mask, i, j)) z += std::exp(s[static_cast<std::size_t>(j)] - top);
        for (Eigen::Index j = 0; j < tk && top > -INFINITY; ++j) {
            const double want = visible(mask, i, j) ? std::exp(s[static_cast<std::size_t>(j)] - top) / z : 0.0;
            const double got = r.cache.weights(i, j);
            check(got >= 0 && got <= 1, "a weight outside [0, 1]");
            check(std::fabs(got - want) <= 1e-5, "weight (" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                                                    std::to_string(got) + ", a double softmax gives " + std::to_string(want));
        }
        for (Eigen::Index c = 0; c < v.cols(); ++c) {
            double want = 0, scale_v = 0;
            for (Eigen::Index j = 0; j < tk; ++j) {
                want += static_cast<double>(r.cache.weights(i, j)) * static_cast<double>(v(j, c));
                scale_v = std::max(scale_v, std::fabs(static_cast<double>(v(j, c))));
            }
            const double got = r.output(i, c);
            check(std::isfinite(got), "an output is not finite");
            check(std::fabs(got - want) <= 1e-5 * scale_v * static_cast<double>(tk) + 1e-30,
                  "output (" + std::to_string(i) + ", " + std::to_string(c) + ") is " + std::to_string(got) +
                      ", weights · V in double gives " + std::to_string(want));
        }
    }
}

// An overflow error must have a cause: some |Q_i| |K_j| or |V| near the float range.
void check_overflow_explained(const std::string& what, const Mat& q, const Mat& k, const Mat& v) {
    if (what.find("score of query") != std::string::npos) {
        double worst = 0;
        for (Eigen::Index i = 0; i < q.rows(); ++i)
            for (Eigen::Index j = 0; j < k.rows(); ++j) {
                double s = 0;
                for (Eigen::Index c = 0; c < q.cols(); ++c) s += std::fabs(static_cast<double>(q(i, c)) * k(j, c));
                worst = std::max(worst, s);
            }
        check(worst > kFloatMax / 4, "a score overflow reported but the largest |Q_i|·|K_j| is " + std::to_string(worst));
    } else {
        check(what.find("output overflows") != std::string::npos, "unexpected error: " + what);
        double worst = 0;
        for (Eigen::Index i = 0; i < v.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(v.data()[i])));
        check(worst > kFloatMax / 4, "an output overflow reported but max |V| is " + std::to_string(worst));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    const int tq = 1 + data[0] % 32, tk = 1 + data[1] % 32, dk = 1 + data[2] % 32, dv = 1 + data[3] % 32;
    const std::uint8_t flags = data[4];
    const bool use_mask = flags & 1, doubles = flags & 2, unchecked = flags & 4, raw = flags & 8, bad_shape = flags & 16;
    Values values(data + 5, size - 5, raw, doubles);

    const int dk_k = bad_shape ? dk + 1 : dk;
    std::vector<double> qd(static_cast<std::size_t>(tq * dk)), kd(static_cast<std::size_t>(tk * dk_k)), vd(static_cast<std::size_t>(tk * dv));
    for (double& x : qd) x = values.next();
    for (double& x : kd) x = values.next();
    for (double& x : vd) x = values.next();
    std::vector<unsigned char> md(static_cast<std::size_t>(tq * tk));
    for (std::size_t i = 0; i < md.size(); i += 8) {
        const std::uint8_t b = values.byte();
        for (std::size_t j = i; j < i + 8 && j < md.size(); ++j) md[j] = (b >> (j - i)) & 1;
    }

    Mat q(tq, dk), k(tk, dk_k), v(tk, dv);
    Mask m;
    if (doubles) {
        // As the page sends it: through the command's checks first.
        const app::Parsed<app::AttentionInput> in =
            app::ParseAttentionCommand(qd.data(), tq, dk, kd.data(), tk, dk_k, vd.data(), tk, dv, use_mask ? md.data() : nullptr);
        std::string bad;
        for (const auto& [name, a, cols] : {std::tuple{"Q", &qd, dk}, std::tuple{"K", &kd, dk_k}, std::tuple{"V", &vd, dv}}) {
            for (std::size_t i = 0; i < a->size() && bad.empty(); ++i) {
                const double x = (*a)[i];
                const std::string where = entry(name, static_cast<Eigen::Index>(i) / cols, static_cast<Eigen::Index>(i) % cols);
                if (!std::isfinite(x)) bad = where + " is not a finite number";
                else if (std::fabs(x) > kFloatMax) bad = where + " = ";
            }
            if (!bad.empty()) break;
        }
        if (!bad.empty()) {
            check(!in.ok(), "accepted although " + bad);
            check(in.error.rfind("attention: " + bad, 0) == 0, "error \"" + in.error + "\", expected \"attention: " + bad + "…\"");
            return 0;
        }
        check(in.ok(), "refused good numbers: " + in.error);
        q = in.value.q, k = in.value.k, v = in.value.v;
        check(in.value.has_mask == use_mask, "mask lost");
        if (use_mask) m = in.value.mask;
    } else {
        for (int i = 0; i < q.size(); ++i) q.data()[i] = static_cast<Scalar>(qd[static_cast<std::size_t>(i)]);
        for (int i = 0; i < k.size(); ++i) k.data()[i] = static_cast<Scalar>(kd[static_cast<std::size_t>(i)]);
        for (int i = 0; i < v.size(); ++i) v.data()[i] = static_cast<Scalar>(vd[static_cast<std::size_t>(i)]);
        if (use_mask) m = Eigen::Map<const Mask>(md.data(), tq, tk);
    }
    const Mask* mask = use_mask ? &m : nullptr;

    if (unchecked) {
        Mat out;
        attn::AttentionCache cache;
        try {
            attn::attention_forward(out, cache, q, k, v, mask);
        } catch (const attn::ShapeError& e) {
            check(bad_shape, std::string("shape error for shapes that fit: ") + e.what());
            return 0;
        }
        check(!bad_shape, "no shape error for K one column wider than Q");
        check_softmax_rules(cache.scaled, cache.weights, mask);
        return 0;
    }

    const std::string non_finite = first_non_finite(q, k, v);
    try {
        const attn::AttentionResult r = attn::attention(q, k, v, mask);
        check(!bad_shape, "no shape error for K one column wider than Q");
        check(non_finite.empty(), "no error although " + non_finite + " is not finite");
        check_softmax_rules(r.cache.scaled, r.cache.weights, mask);
        check_against_double(r, q, k, v, mask);
    } catch (const attn::ValueError& e) {
        const std::string what = e.what();
        if (!non_finite.empty()) {
            check(what == non_finite + " is not a finite number", "error \"" + what + "\" for " + non_finite);
        } else {
            check(!bad_shape, "value error before the shape error");
            check_overflow_explained(what, q, k, v);
        }
    } catch (const attn::ShapeError& e) {
        check(bad_shape, std::string("shape error for shapes that fit: ") + e.what());
    }
    return 0;
}
