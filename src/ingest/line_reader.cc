// Copyright storyline authors.
#include "ingest/line_reader.h"

#include <algorithm>
#include <cstring>

namespace storyline::ingest {

LineReader::LineReader(ByteSource* src, size_t chunk)
    : src_(src), chunk_(chunk), buf_(new char[chunk + kLinePadding]()), cap_(chunk) {}

bool LineReader::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep only the unread tail
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (cap_ - end_ < std::max<size_t>(chunk_ / 2, 1)) {  // a long line: grow
    size_t cap = cap_ * 2;
    std::unique_ptr<char[]> bigger(new char[cap + kLinePadding]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    std::memset(bigger.get() + cap, 0, kLinePadding);
    buf_ = std::move(bigger);
    cap_ = cap;
  }
  Result<size_t> r = src_->Read(buf_.get() + end_, cap_ - end_);
  if (!r.ok()) {
    error_ = r.status();
    eof_ = true;
    return false;
  }
  if (*r == 0) {
    eof_ = true;
    return false;
  }
  end_ += *r;
  return true;
}

std::string_view LineReader::Peek(size_t n) {
  while (end_ - begin_ < n && Fill()) {
  }
  return std::string_view(buf_.get() + begin_, std::min(n, end_ - begin_));
}

LineReader::Event LineReader::Next(std::string_view* line) {
  while (true) {
    if (scan_ < end_) {
      const char* start = buf_.get();
      const void* nl = std::memchr(start + scan_, '\n', end_ - scan_);
      if (nl != nullptr) {
        size_t e = static_cast<const char*>(nl) - start;
        size_t len = e - begin_;
        if (len > 0 && start[e - 1] == '\r') --len;
        *line = std::string_view(start + begin_, len);
        begin_ = scan_ = e + 1;
        ++line_no_;
        return Event::kLine;
      }
      scan_ = end_;
    }
    if (!Fill()) {
      if (begin_ < end_) {  // the last line, without "\n"
        size_t len = end_ - begin_;
        if (error_.ok() && buf_[end_ - 1] == '\r') --len;
        *line = std::string_view(buf_.get() + begin_, len);
        begin_ = scan_ = end_;
        ++line_no_;
        if (error_.ok()) return Event::kLine;
        error_reported_ = true;
        return Event::kError;
      }
      if (!error_.ok() && !error_reported_) {
        error_reported_ = true;
        *line = std::string_view();
        ++line_no_;
        return Event::kError;
      }
      return Event::kEnd;
    }
  }
}

}  // namespace storyline::ingest
