// Copyright storyline authors.
//
// Internals of tokenize.cc shared with its tests: the two tokenisation paths,
// callable directly so the tests can check that they agree.
#ifndef STORYLINE_TEXT_TOKENIZE_INTERNAL_H_
#define STORYLINE_TEXT_TOKENIZE_INTERNAL_H_

#include <string_view>

#include "storyline/text.h"

namespace storyline::text_internal {

// The fast path: returns false (with *out in an unspecified state) as soon as
// it meets a character it does not handle; the caller then uses TokenizeIcu.
bool TokenizeFast(std::string_view text, Words* out);
// TokenizeFast without the vectorised path: the same words and offsets.
bool TokenizeFastScalar(std::string_view text, Words* out);

// The general path: ICU word break iterator, each word NFKC_Casefold-ed.
void TokenizeIcu(std::string_view text, Words* out);

}  // namespace storyline::text_internal

#endif  // STORYLINE_TEXT_TOKENIZE_INTERNAL_H_
