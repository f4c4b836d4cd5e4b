#include "cli/signals.h"

#include <pthread.h>

#include <utility>

namespace phonebulk::cli {

ShutdownOnSignal::ShutdownOnSignal() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGUSR2);  // our own wake-up at a normal exit
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

ShutdownOnSignal::~ShutdownOnSignal() {
  if (!thread_.joinable()) return;
  // If a real signal already ended the wait the thread has returned and
  // this extra SIGUSR2 stays pending (blocked) harmlessly.
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

void ShutdownOnSignal::Start(std::function<void(int)> on_signal) {
  thread_ = std::thread([this, on_signal = std::move(on_signal)] {
    int sig = 0;
    sigwait(&signals_, &sig);
    if (sig != SIGUSR2) on_signal(sig);
  });
}

}  // namespace phonebulk::cli
