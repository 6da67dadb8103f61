// text.h — numbers and excerpts as the lesson writes them in its own sentences. Pure C++ (no
// ImGui), so the fuzz targets and the parts of the app they link can use it.
#pragma once

#include <cstddef>
#include <string>

namespace app {

// A count with thousands separators, as the lesson's text writes numbers: "65,536".
std::string Thousands(long long n);
// At most about max_bytes of text, cut at a UTF-8 character boundary with "…" and how much is
// left out ("… (12,345 more bytes)"): a pasted paragraph quoted in a caption or the mirror.
std::string Excerpt(const std::string& text, std::size_t max_bytes);

}  // namespace app
