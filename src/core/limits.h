// limits.h — the lesson's input limits, each defined once, here. The page reads them through
// the bridge (lesson.limits in web/api.js), and its text input takes its maxLength from them,
// so C++, JavaScript and the page's HTML refuse the same inputs with the same numbers.
#pragma once

#include <cstddef>

namespace attn::limits {

// A sentence or a pasted paragraph (setText, tokenize, the sentence fields), in UTF-8 bytes.
inline constexpr std::size_t kTextBytes = 64 * 1024;
// BERT's sequence length, [CLS] and [SEP] included: a longer text keeps its first
// kBertTokens − 2 pieces and the rest is dropped, as BERT truncates.
inline constexpr int kBertTokens = 512;
inline constexpr int kBertPieces = kBertTokens - 2;
// A prompt for the story model, in UTF-8 bytes (the model reads far fewer tokens still).
inline constexpr std::size_t kPromptBytes = 400;
// The sentence is kept in the page's address (a link that reopens the view) up to this many
// UTF-8 bytes; a longer text is not written into the address.
inline constexpr std::size_t kAddressTextBytes = 2000;
// Rows or columns of a matrix given to lesson.attention.
inline constexpr int kAttentionSide = 4096;
// Values of the worked example's Q, K and V cells.
inline constexpr double kCellMin = -3, kCellMax = 3;

}  // namespace attn::limits
