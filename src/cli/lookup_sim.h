#ifndef PHONEBULK_CLI_LOOKUP_SIM_H_
#define PHONEBULK_CLI_LOOKUP_SIM_H_

// The lookup simulator's HTTP wiring: lookup::LookupSimulator answers plain
// requests (lookup/simulator.h); this carries them over http::HttpServer.

#include "http/http_server.h"
#include "lookup/simulator.h"

namespace phonebulk::cli {

// Answers one HTTP request with `simulator`. Thread-safe as the simulator is.
http::HttpResponse ServeSimulator(lookup::LookupSimulator& simulator,
                                  const http::HttpRequest& request);

}  // namespace phonebulk::cli

#endif  // PHONEBULK_CLI_LOOKUP_SIM_H_
