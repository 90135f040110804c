// Copyright storyline authors.
//
// Status and Result<T>: how storyline's core reports failure. Nothing in the core
// throws; every fallible call returns one of these, and the front ends (CLI, HTTP,
// Python) turn them into exit codes, HTTP statuses and exceptions.
//
//   auto reader = storyline::ArticleReader::Open({"feed.jsonl"}, options);
//   if (!reader.ok()) { std::cerr << reader.status().ToString() << "\n"; return 1; }
//   storyline::Article article;
//   for (;;) {
//     storyline::Result<bool> more = (*reader)->Next(&article);
//     if (!more.ok()) { std::cerr << more.status().ToString() << "\n"; return 1; }
//     if (!*more) break;
//     Use(article);
//   }
#ifndef STORYLINE_STATUS_H_
#define STORYLINE_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace storyline {

// A Status is ok, or carries a code and a human-readable message naming what failed
// (a file, a line, a record) and why. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller's input is wrong (bad option, bad record)
    kNotFound,         // a named thing does not exist (file, id, story)
    kIoError,          // the operating system refused a read or a write
    kCorruption,       // stored or compressed data is damaged
    kUnsupported,      // a valid request this build cannot serve
    kInternal,         // a broken invariant: a bug in storyline
  };

  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ok", or "<code name>: <message>".
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status. REQUIRES: value()/operator* only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result made from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define STORYLINE_RETURN_IF_ERROR(expr) \
  do {                                  \
    ::storyline::Status _st = (expr);   \
    if (!_st.ok()) return _st;          \
  } while (0)

}  // namespace storyline

#endif  // STORYLINE_STATUS_H_
