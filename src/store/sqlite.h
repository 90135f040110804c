// Copyright storyline authors.
//
// A thin RAII layer over the SQLite C API: a connection and prepared statements
// that reset themselves. Errors become Status values naming the statement.
#ifndef STORYLINE_STORE_SQLITE_H_
#define STORYLINE_STORE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storyline/status.h"

namespace storyline::sql {

// Parameter values bound as NULL in the case each names.
struct TextOrNull {  // NULL when empty
  std::string_view v;
};
struct TimeOrNull {  // NULL when t == none
  int64_t t;
  int64_t none;
};
struct IdOrNull {  // NULL when negative (no story, no topic)
  int64_t id;
};

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binding is 1-based, as in SQLite.
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, int v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, uint64_t v) {
    sqlite3_bind_int64(s_, i, static_cast<int64_t>(v));
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // NULL when the timestamp is unknown.
  Stmt& BindTime(int i, int64_t t, int64_t none) { return t == none ? BindNull(i) : Bind(i, t); }
  Stmt& BindTextOrNull(int i, std::string_view v) { return v.empty() ? BindNull(i) : Bind(i, v); }
  Stmt& Bind(int i, TextOrNull v) { return BindTextOrNull(i, v.v); }
  Stmt& Bind(int i, TimeOrNull v) { return BindTime(i, v.t, v.none); }
  Stmt& Bind(int i, IdOrNull v) { return v.id >= 0 ? Bind(i, v.id) : BindNull(i); }

  // Steps once: true with a row, false when done. Errors set *status.
  bool Step(Status* status);
  // Runs to completion (for writes) and resets.
  Status Run();
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t Int(int c) const { return sqlite3_column_int64(s_, c); }
  double Double(int c) const { return sqlite3_column_double(s_, c); }
  bool IsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string Text(int c) const {
    const unsigned char* p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s_, c))
             : std::string();
  }
  std::string Blob(int c) const {
    const void* p = sqlite3_column_blob(s_, c);
    return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(s_, c))
             : std::string();
  }
  int64_t TimeOr(int c, int64_t none) const { return IsNull(c) ? none : Int(c); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

// One connection. Prepared statements are cached by their SQL text.
class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool read_only,
                                          int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(const std::string& sql);
  // A cached statement, reset and with its bindings cleared. Valid until the Db dies.
  Result<Stmt*> Prepare(const std::string& sql);
  sqlite3* raw() { return db_; }
  Status Error(std::string_view what) const;
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// Binds args to the statement's parameters 1, 2, ... in order.
template <typename... Args>
void BindAll(Stmt& s, const Args&... args) {
  int i = 0;
  (s.Bind(++i, args), ...);
}

// Runs the cached statement `sql` with `args` bound in order and calls
// on_row(const Stmt&) for every row. The statement is reset afterwards, so its
// cache entry is free for the next caller. Errors preparing or stepping return.
template <typename OnRow, typename... Args>
Status ForEachRow(Db& db, const std::string& sql, OnRow&& on_row, const Args&... args) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  BindAll(s, args...);
  Status status;
  while (s.Step(&status)) on_row(static_cast<const Stmt&>(s));
  s.Reset();
  return status;
}

// As ForEachRow for a query of at most one row wanted: calls on_row for the first
// row only; true when there was one.
template <typename OnRow, typename... Args>
Result<bool> ReadRow(Db& db, const std::string& sql, OnRow&& on_row, const Args&... args) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  BindAll(s, args...);
  Status status;
  bool found = s.Step(&status);
  if (found) on_row(static_cast<const Stmt&>(s));
  s.Reset();
  if (!status.ok()) return status;
  return found;
}

// The first column of the first row as an integer, `none` when there is no row.
template <typename... Args>
Result<int64_t> ReadInt(Db& db, const std::string& sql, int64_t none, const Args&... args) {
  int64_t v = none;
  auto found = ReadRow(
      db, sql, [&](const Stmt& r) { v = r.Int(0); }, args...);
  if (!found.ok()) return found.status();
  return v;
}

// Runs a prepared write statement with `args` bound in order (for loops that
// prepare once).
template <typename... Args>
Status Run(Stmt& s, const Args&... args) {
  BindAll(s, args...);
  return s.Run();
}

// Runs the cached write statement `sql` with `args` bound in order.
template <typename... Args>
Status Run(Db& db, const std::string& sql, const Args&... args) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  return Run(**st, args...);
}

// A transaction that rolls back unless committed.
class Txn {
 public:
  explicit Txn(Db* db) : db_(db) {}
  ~Txn() {
    if (open_) (void)db_->Exec("ROLLBACK");
  }
  Status Begin() {
    STORYLINE_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    open_ = false;
    return db_->Exec("COMMIT");
  }

 private:
  Db* db_;
  bool open_ = false;
};

}  // namespace storyline::sql

#endif  // STORYLINE_STORE_SQLITE_H_
