// Copyright storyline authors.
//
// The HTTP API and the web page (docs/api.md): a store served over HTTP.
//
//   storyline::ServerOptions opt;
//   opt.db_path = "storyline.db";
//   auto server = storyline::Server::Create(opt);
//   if (!server.ok()) return Fail(server.status());
//   auto port = (*server)->Bind();          // 127.0.0.1:8080 unless opt says otherwise
//   if (!port.ok()) return Fail(port.status());
//   (*server)->Run();                       // until Stop() from another thread
//
// Routes: GET /api/health, GET /api/stories, GET /api/stories/{id},
// GET /api/articles/{id}, POST /api/articles, and the page at / with its files
// (compiled into the binary from web/, served by exact name only).
#ifndef STORYLINE_SERVER_H_
#define STORYLINE_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "storyline/status.h"

namespace storyline {

struct ServerOptions {
  std::string db_path = "storyline.db";  // created when missing
  std::string host = "127.0.0.1";        // loopback unless the caller says otherwise
  int port = 8080;                       // 0 = any free port (see Bind())
  size_t max_body_bytes = 32u << 20;     // POST bodies above this get 413
  int threads = 128;                     // connections served at once
  bool log_requests = false;             // one line per request on stderr
};

// Not copyable: it owns the listening socket, the worker threads and the store
// connections. Thread-safety: Stop() may be called from any thread; the rest from
// the thread that created the Server.
class Server {
 public:
  // Opens (creating and migrating when needed) the store. IoError etc. as Store::Open.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  // IoError when the address cannot be bound.
  Result<int> Bind();
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  Status Run();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The file served for a web path ("/" -> index.html), nullptr when none: only the
// files compiled in from web/ exist, so no path can reach outside that folder.
struct WebFile {
  const char* name;  // e.g. "app.js"
  const char* mime;  // e.g. "text/javascript; charset=utf-8"
  const unsigned char* data;
  size_t size;
};
const WebFile* FindWebFile(const std::string& path);

}  // namespace storyline

#endif  // STORYLINE_SERVER_H_
