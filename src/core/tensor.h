// tensor.h — the matrix types every part of attn_core speaks, and shape checking.
//
// Legend used in shape comments throughout src/core:
//   T    number of tokens (sequence length); Tq, Tk when queries and keys differ
//   d    model width (d_model)
//   h    number of attention heads
//   d_k  width of one head's queries and keys (d / h); d_v the width of its values
//   f    feed-forward width (4 d in the lesson)
//   V    vocabulary size
// Every matrix is row-major so that a row is one token and a buffer can go straight to a
// heatmap or to JavaScript without copying.
#pragma once

#include <Eigen/Core>

#include <stdexcept>
#include <string>

namespace attn {

#ifdef ATTN_SCALAR_DOUBLE
using Scalar = double;  // gradient checks build the library in double
#else
using Scalar = float;
#endif

using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVec = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;
// 1 where a query may attend to a key, 0 where it may not.
using Mask = Eigen::Matrix<unsigned char, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Thrown at the library's boundary when shapes do not fit; the message names them.
class ShapeError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Thrown at the library's boundary when a value cannot be used (a NaN or an infinity, a number
// whose result overflows a float); the message names the entry.
class ValueError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// "(3, 8)"
template <typename Derived>
std::string shape_of(const Eigen::EigenBase<Derived>& m) {
    return "(" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
}

}  // namespace attn
