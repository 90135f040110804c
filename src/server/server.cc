// The HTTP API over a store (docs/api.md). Handlers are thin: parse the request,
// call the store, write JSON. Readers each take a read-only connection from a pool,
// so many of them run at once beside an ingest (WAL); POST /api/articles goes
// through the one StoreIngest of this process, under a mutex.
#include "storyline/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <vector>

#include "core/json_writer.h"
#include "storyline/ingest.h"
#include "storyline/store.h"

namespace storyline {
namespace {

std::string ErrorJson(std::string_view message) {
  JsonWriter w;
  w.BeginObject();
  w.Key("error");
  w.String(message);
  w.EndObject();
  return w.Take();
}

void SendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, std::string_view message) {
  SendJson(res, status, ErrorJson(message));
}

// Debian's cpp-httplib is built with a listen backlog of 5: a burst of connections
// (a page load, a load test) overflows it and each dropped SYN costs a client a
// second or more. listen() on the already listening socket raises the backlog; the
// socket is found by its port among this process's descriptors.
void RaiseListenBacklog(int port) {
  for (int fd = 3; fd < 4096; ++fd) {
    int acc = 0;
    socklen_t len = sizeof acc;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) != 0 || !acc) continue;
    sockaddr_storage ss{};
    socklen_t sl = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) continue;
    int p = ss.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
            : ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : -1;
    if (p == port) listen(fd, SOMAXCONN);
  }
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    default:
      return 500;
  }
}

// A `from`/`to` query value: an ISO date or date-time.
bool ParseTimeParam(const httplib::Request& req, const char* name, Timestamp* out,
                    std::string* error) {
  if (!req.has_param(name)) return true;
  std::string v = req.get_param_value(name);
  if (v.empty()) return true;
  auto t = ParseDateTime(v);
  if (!t) {
    *error = std::string("bad ") + name + ": '" + v + "' is not an ISO 8601 date";
    return false;
  }
  *out = *t;
  // `to` given as a bare date means the end of that day.
  if (std::string_view(name) == "to" && v.size() == 10) *out += 86399;
  return true;
}

bool ParseIntParam(const httplib::Request& req, const char* name, int64_t lo, int64_t hi,
                   int64_t* out, std::string* error) {
  if (!req.has_param(name)) return true;
  std::string v = req.get_param_value(name);
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || x < lo || x > hi) {
    *error = std::string("bad ") + name + ": '" + v + "' (want an integer " + std::to_string(lo) +
             ".." + std::to_string(hi) + ")";
    return false;
  }
  *out = x;
  return true;
}

// The body of POST /api/articles as JSONL: an array's elements one per line, one
// object (even pretty-printed) as one line, anything else starting with '{' taken
// as JSONL already. False with *error when the body is none of these.
bool BodyToJsonl(std::string_view body, std::string* jsonl, std::string* error) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    *error = "empty body: send a JSON object or JSONL";
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (body[first] == '[') {
    if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
      *error = "body is not valid JSON (it starts with '[')";
      return false;
    }
    simdjson::dom::array arr;
    if (doc.get_array().get(arr) != simdjson::SUCCESS) {
      *error = "bad array";
      return false;
    }
    for (auto el : arr) {
      *jsonl += simdjson::minify(el);
      *jsonl += '\n';
    }
    if (jsonl->empty()) *error = "empty array: no articles";
    return !jsonl->empty();
  }
  if (body[first] == '{') {
    // A single document that parses whole is one record; otherwise the body is read
    // line by line.
    if (parser.parse(body.data(), body.size()).get(doc) == simdjson::SUCCESS) {
      *jsonl = simdjson::minify(doc);
      *jsonl += '\n';
    } else {
      jsonl->assign(body);
      if (jsonl->back() != '\n') *jsonl += '\n';
    }
    return true;
  }
  *error = "body is not JSON: send a JSON object, an array of objects, or JSONL";
  return false;
}

// Writes `text` to a new file named from the mkstemps template `path` (which ends in
// ".jsonl"); removes it again on failure. False with *error when it cannot.
bool WriteTempFile(const std::string& text, char* path, std::string* error) {
  int fd = mkstemps(path, 6);
  if (fd < 0) {
    *error = "cannot make a temporary file";
    return false;
  }
  std::ofstream f(path, std::ios::binary);
  f << text;
  close(fd);
  if (!f) {
    std::remove(path);
    *error = "cannot write a temporary file";
    return false;
  }
  return true;
}

// What a POST did: counts, one item per record read, and the records refused.
struct PostResult {
  struct Reject {
    uint64_t line;
    std::string reason;
  };
  uint64_t accepted = 0, added = 0, same_id = 0, same_content = 0;
  JsonWriter items;  // the "articles" array
  std::vector<Reject> rejects;

  void Record(const Article& a, AddOutcome outcome) {
    items.BeginObject();
    items.Key("record");
    items.Int(static_cast<int64_t>(a.origin_line));
    items.Key("id");
    items.String(a.id);
    items.Key("outcome");
    switch (outcome) {
      case AddOutcome::kAdded:
        ++added;
        items.String("added");
        break;
      case AddOutcome::kSameId:
        ++same_id;
        items.String("same-id");
        break;
      case AddOutcome::kSameContent:
        ++same_content;
        items.String("same-content");
        break;
    }
    items.EndObject();
  }
};

// The answer to a POST (docs/api.md); "error" names the first refused record.
std::string PostResultJson(const PostResult& r) {
  JsonWriter w;
  w.BeginObject();
  if (!r.rejects.empty()) {
    std::string msg = "record " + std::to_string(r.rejects[0].line) + ": " + r.rejects[0].reason;
    if (r.rejects.size() > 1) msg += " (and " + std::to_string(r.rejects.size() - 1) + " more)";
    w.Key("error");
    w.String(msg);
  }
  w.Key("accepted");
  w.Int(static_cast<int64_t>(r.accepted));
  w.Key("added");
  w.Int(static_cast<int64_t>(r.added));
  w.Key("same_id");
  w.Int(static_cast<int64_t>(r.same_id));
  w.Key("same_content");
  w.Int(static_cast<int64_t>(r.same_content));
  w.Key("rejected");
  w.Int(static_cast<int64_t>(r.rejects.size()));
  w.Key("articles");
  w.Raw(r.items.str());
  w.Key("rejects");
  w.BeginArray();
  for (const auto& x : r.rejects) {
    w.BeginObject();
    w.Key("record");
    w.Int(static_cast<int64_t>(x.line));
    w.Key("reason");
    w.String(x.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  std::atomic<int> port{-1};

  // Read-only connections, reused across requests.
  std::mutex pool_mu;
  std::vector<std::unique_ptr<Store>> pool;

  // The writer: one store connection and its StoreIngest, made on the first POST.
  std::mutex write_mu;
  std::unique_ptr<Store> writer;
  std::unique_ptr<StoreIngest> ingest;

  Result<std::unique_ptr<Store>> Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        auto s = std::move(pool.back());
        pool.pop_back();
        return s;
      }
    }
    StoreOptions so;
    so.read_only = true;
    return Store::Open(options.db_path, so);
  }
  void Release(std::unique_ptr<Store> s) {
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(std::move(s));
  }

  // Runs fn with a read connection; answers 500 when none can be had.
  template <typename Fn>
  void WithReader(httplib::Response& res, Fn fn) {
    auto s = Acquire();
    if (!s.ok()) {
      SendError(res, 503, s.status().message());
      return;
    }
    fn(**s);
    Release(std::move(*s));
  }

  void Health(const httplib::Request&, httplib::Response& res) {
    WithReader(res, [&](Store& store) {
      auto c = store.Counts();
      if (!c.ok()) return SendError(res, 500, c.status().message());
      JsonWriter w;
      w.BeginObject();
      w.Key("status");
      w.String("ok");
      w.Key("articles");
      w.Int(c->articles);
      w.Key("stories");
      w.Int(c->stories);
      w.Key("topics");
      w.Int(c->topics);
      w.Key("schema_version");
      w.Int(c->schema_version);
      w.EndObject();
      SendJson(res, 200, w.Take());
    });
  }

  void Stories(const httplib::Request& req, httplib::Response& res) {
    StoryQuery q;
    std::string err;
    int64_t limit = 50, topic = -1;
    if (!ParseIntParam(req, "limit", 1, 1000, &limit, &err) ||
        !ParseIntParam(req, "topic", 0, INT64_MAX, &topic, &err) ||
        !ParseTimeParam(req, "from", &q.from, &err) || !ParseTimeParam(req, "to", &q.to, &err)) {
      return SendError(res, 400, err);
    }
    q.limit = static_cast<int>(limit);
    q.topic = topic;
    q.cursor = req.get_param_value("cursor");
    q.source = req.get_param_value("source");
    q.q = req.get_param_value("q");
    if (q.q.size() > 1000) return SendError(res, 400, "q is longer than 1000 bytes");
    WithReader(res, [&](Store& store) {
      auto page = store.ListStories(q);
      if (!page.ok()) return SendError(res, HttpStatusFor(page.status()), page.status().message());
      std::string out = "{\"stories\":[";
      for (size_t i = 0; i < page->stories.size(); ++i) {
        if (i) out += ',';
        out += StoryHeaderJson(page->stories[i]);
      }
      out += "],\"next\":";
      if (page->next.empty()) {
        out += "null";
      } else {
        AppendJsonString(&out, page->next);
      }
      out += '}';
      SendJson(res, 200, out);
    });
  }

  void Story(const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    char* end = nullptr;
    long long story = std::strtoll(id.c_str(), &end, 10);
    if (id.empty() || *end != '\0' || story < 0) return SendError(res, 404, "no story " + id);
    WithReader(res, [&](Store& store) {
      auto d = store.GetStory(story);
      if (!d.ok()) return SendError(res, HttpStatusFor(d.status()), d.status().message());
      SendJson(res, 200, StoryDetailJson(*d));
    });
  }

  void GetArticle(const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    WithReader(res, [&](Store& store) {
      auto a = store.GetArticle(id);
      if (!a.ok()) return SendError(res, HttpStatusFor(a.status()), a.status().message());
      SendJson(res, 200, StoredArticleJson(*a));
    });
  }

  // POST /api/articles: a JSON object, a JSON array of objects, or JSONL. The body is
  // written to a temporary .jsonl file and read by the same ArticleReader as the CLI,
  // so the same rules apply (field names, dates, repairs, rejections).
  void PostArticles(const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > options.max_body_bytes) {
      return SendError(res, 413,
                       "body larger than " + std::to_string(options.max_body_bytes) + " bytes");
    }
    std::string jsonl, error;
    if (!BodyToJsonl(req.body, &jsonl, &error)) return SendError(res, 400, error);
    char path[] = "/tmp/storyline-post-XXXXXX.jsonl";
    if (!WriteTempFile(jsonl, path, &error)) return SendError(res, 500, error);
    PostResult r;
    Status failure = IngestPosted(path, &r);
    std::remove(path);
    r.items.EndArray();
    if (!failure.ok()) return SendError(res, 500, failure.message());
    // 422 when any record was refused (the good ones are stored all the same).
    SendJson(res, r.rejects.empty() ? 200 : 422, PostResultJson(r));
  }

  // Ingests the articles of the JSONL file at `path` through this process's one
  // StoreIngest. Fills r's counts, items and rejects.
  Status IngestPosted(const char* path, PostResult* r) {
    IngestOptions io;
    io.on_reject = [r](const Rejection& x) { r->rejects.push_back({x.line, x.reason}); };
    r->items.BeginArray();
    std::lock_guard<std::mutex> lock(write_mu);
    Status s = AddAll(path, io, r);
    if (!s.ok()) ingest.reset();  // start afresh from the store next time
    return s;
  }

  // Reads the file and adds every article, then commits. REQUIRES: write_mu held.
  Status AddAll(const char* path, const IngestOptions& io, PostResult* r) {
    STORYLINE_RETURN_IF_ERROR(OpenWriter());
    auto reader = ArticleReader::Open({path}, io);
    if (!reader.ok()) return reader.status();
    Article a;
    while (true) {
      auto more = (*reader)->Next(&a);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ++r->accepted;
      auto out = ingest->Add(a);
      if (!out.ok()) return out.status();
      r->Record(a, *out);
    }
    return ingest->Finish();
  }

  // The writer connection and its StoreIngest, unless already open.
  // REQUIRES: write_mu held.
  Status OpenWriter() {
    if (ingest) return Status::Ok();
    auto w = Store::Open(options.db_path, {});
    if (!w.ok()) return w.status();
    writer = std::move(*w);
    StoreIngestOptions so;
    auto in = StoreIngest::Begin(writer.get(), so);
    if (!in.ok()) return in.status();
    ingest = std::move(*in);
    return Status::Ok();
  }

  void Static(const httplib::Request& req, httplib::Response& res) {
    const WebFile* f = FindWebFile(req.path);
    if (!f) return SendError(res, 404, "no such page: " + req.path);
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(reinterpret_cast<const char*>(f->data), f->size, f->mime);
  }

  void Routes() {
    http.set_payload_max_length(options.max_body_bytes);
    http.set_keep_alive_max_count(1000);
    http.set_read_timeout(10, 0);
    int threads = options.threads > 0 ? options.threads : 128;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.Get("/api/health", [this](const auto& q, auto& r) { Health(q, r); });
    http.Get("/api/stories", [this](const auto& q, auto& r) { Stories(q, r); });
    http.Get(R"(/api/stories/([^/]+))", [this](const auto& q, auto& r) { Story(q, r); });
    http.Get(R"(/api/articles/(.+))", [this](const auto& q, auto& r) { GetArticle(q, r); });
    http.Post("/api/articles", [this](const auto& q, auto& r) { PostArticles(q, r); });
    http.Get(R"(/api/.*)", [](const auto& q, auto& r) { SendError(r, 404, "no route " + q.path); });
    http.Get(R"(/.*)", [this](const auto& q, auto& r) { Static(q, r); });
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      std::string msg = res.status == 413   ? "request body too large"
                        : res.status == 404 ? "no route " + req.path
                        : res.status == 405 ? "method not allowed"
                                            : "error " + std::to_string(res.status);
      res.set_content(ErrorJson(msg), "application/json; charset=utf-8");
    });
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
          std::string msg = "internal error";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            msg += std::string(": ") + e.what();
          } catch (...) {
          }
          SendError(res, 500, msg);
        });
    if (options.log_requests) {
      http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        std::fprintf(stderr, "%s %s %d\n", req.method.c_str(), req.path.c_str(), res.status);
      });
    }
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  // Create and migrate the store once, so that read-only connections find a schema.
  {
    auto s = Store::Open(options.db_path, {});
    if (!s.ok()) return s.status();
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->Routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  int port = impl_->options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(impl_->options.host);
    if (port < 0) return Status::IoError("cannot bind " + impl_->options.host);
  } else if (!impl_->http.bind_to_port(impl_->options.host, port)) {
    return Status::IoError("cannot bind " + impl_->options.host + ":" + std::to_string(port) +
                           " (in use, or not an address of this machine)");
  }
  RaiseListenBacklog(port);
  impl_->port = port;
  return port;
}

Status Server::Run() {
  if (impl_->port < 0) return Status::InvalidArgument("Run() before Bind()");
  if (!impl_->http.listen_after_bind()) return Status::IoError("the server stopped listening");
  return Status::Ok();
}

void Server::Stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

}  // namespace storyline
