// Copyright storyline authors.
//
// HTTP body helpers of the WARC reader, exposed for tests.
#ifndef STORYLINE_EXTRACT_WARC_INTERNAL_H_
#define STORYLINE_EXTRACT_WARC_INTERNAL_H_

#include <string>
#include <string_view>

namespace storyline::internal {

// Decodes an HTTP/1.1 chunked body into *out. False when `in` is not chunked
// (no hex size line); a truncated last chunk keeps what is there.
bool Dechunk(std::string_view in, std::string* out);

// Inflates a gzip, zlib or raw deflate body into *out. False when nothing
// could be inflated; a truncated stream keeps what came out.
bool Inflate(std::string_view in, std::string* out);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_WARC_INTERNAL_H_
