#ifndef PHONEBULK_CLI_SIGNALS_H_
#define PHONEBULK_CLI_SIGNALS_H_

// Graceful shutdown on SIGINT/SIGTERM for the commands that run a server
// (`serve`, `lookup-sim`).
//
// The signals are taken by one thread with sigwait(), so no I/O or worker
// thread is ever interrupted mid-call. For that they must be blocked in
// every thread, which is why the constructor blocks them in the calling
// thread: construct a ShutdownOnSignal before starting any thread, so that
// every thread started afterwards inherits the mask.

#include <signal.h>

#include <functional>
#include <thread>

namespace phonebulk::cli {

class ShutdownOnSignal {
 public:
  // Blocks SIGINT, SIGTERM and SIGUSR2 (the private wake-up used by the
  // destructor) in the calling thread.
  ShutdownOnSignal();
  // Wakes the waiting thread if no signal came and joins it.
  ~ShutdownOnSignal();

  ShutdownOnSignal(const ShutdownOnSignal&) = delete;
  ShutdownOnSignal& operator=(const ShutdownOnSignal&) = delete;

  // Starts the thread that waits for SIGINT or SIGTERM and then calls
  // `on_signal(signal number)` once, on that thread. Call at most once.
  void Start(std::function<void(int)> on_signal);

 private:
  sigset_t signals_;
  std::thread thread_;
};

}  // namespace phonebulk::cli

#endif  // PHONEBULK_CLI_SIGNALS_H_
