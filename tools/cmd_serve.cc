// storyline serve [--db FILE] [--host 127.0.0.1] [--port 8080]: the HTTP API and page.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "command.h"
#include "common.h"
#include "storyline/server.h"

namespace storyline::cli {
namespace {

int RunServe(const ServerOptions& opt) {
  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), which stops the
  // server cleanly; every other thread inherits the blocked mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto server = Server::Create(opt);
  if (!server.ok()) return Fail(server.status().message());
  auto port = (*server)->Bind();
  if (!port.ok()) return Fail(port.status().message());
  std::printf("storyline: serving %s at http://%s:%d/ (Ctrl-C to stop)\n", opt.db_path.c_str(),
              opt.host.c_str(), *port);
  std::fflush(stdout);
  Server* s = server->get();
  std::thread waiter([set, s] {
    int sig = 0;
    sigwait(&set, &sig);
    s->Stop();
  });
  Status st = s->Run();
  // Releases the waiter if Run ended first: every thread blocks SIGTERM and the
  // waiter takes it with sigwait(), so this ends no thread.
  pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  waiter.join();
  if (!st.ok()) return Fail(st.message());
  return 0;
}

void SetupServe(CLI::App& sub, int* exit_code) {
  auto opt = std::make_shared<ServerOptions>();
  sub.add_option("--db", opt->db_path, "the store (created when missing)")->capture_default_str();
  sub.add_option("--host", opt->host, "address to listen on")->capture_default_str();
  sub.add_option("--port", opt->port, "port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub.add_option("--threads", opt->threads, "connections served at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  sub.add_option("--max-body", opt->max_body_bytes, "largest POST body in bytes")
      ->capture_default_str();
  sub.add_flag("--log", opt->log_requests, "one line per request on stderr");
  sub.callback([opt, exit_code] { *exit_code = RunServe(*opt); });
}

}  // namespace

STORYLINE_COMMAND(serve, "the HTTP API and the web page", SetupServe);

}  // namespace storyline::cli
