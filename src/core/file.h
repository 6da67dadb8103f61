// file.h — a whole file into memory in one read (the model, vocabulary and lesson files).
#pragma once

#include <fstream>
#include <string>

namespace attn {

// The bytes of the file at path into out; false when it cannot be opened or read. One read: a
// byte-at-a-time copy (istreambuf_iterator, or a stream through rdbuf()) took tens of
// milliseconds of the lesson's start in WebAssembly.
inline bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size < 0) return false;
    out.assign(static_cast<std::size_t>(size), '\0');
    return size == 0 || static_cast<bool>(in.read(out.data(), size));
}

}  // namespace attn
