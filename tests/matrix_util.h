// matrix_util.h — helpers shared by the float tests: matrices written as rows, and a
// failure message that shows both matrices and their largest difference.
#pragma once

#include "core/tensor.h"

#include <initializer_list>
#include <sstream>
#include <string>

namespace test_util {

inline attn::Mat from_rows(std::initializer_list<std::initializer_list<double>> rows) {
    attn::Mat m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
    Eigen::Index i = 0;
    for (const auto& row : rows) {
        Eigen::Index j = 0;
        for (double x : row) m(i, j++) = static_cast<attn::Scalar>(x);
        ++i;
    }
    return m;
}

inline std::string describe(const attn::Mat& got, const attn::Mat& want) {
    std::ostringstream s;
    s.precision(8);
    s << "got\n" << got << "\nwant\n" << want << "\nlargest difference " << (got - want).cwiseAbs().maxCoeff();
    return s.str();
}

}  // namespace test_util
