#include "pg_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace phonebulk::it {
namespace {

// Runs one statement on its own connection; "" on success, else why not.
std::string Exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK) error = PQerrorMessage(conn);
    PQclear(res);
  }
  PQfinish(conn);
  return error;
}

// `server_url` with its database replaced by `database`.
std::string WithDatabase(const std::string& server_url,
                         const std::string& database) {
  const size_t scheme = server_url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t slash = server_url.find('/', start);
  const size_t query = server_url.find('?', start);
  std::string out = server_url.substr(0, std::min(slash, query)) + "/" + database;
  if (query != std::string::npos) out += server_url.substr(query);
  return out;
}

}  // namespace

std::string PgServerUrlFromEnv() {
  if (const char* url = std::getenv("PHONEBULK_IT_PG_URL"); url && *url) {
    return url;
  }
  const char* file = std::getenv("PHONEBULK_IT_PG_URL_FILE");
  if (file == nullptr || *file == '\0') return "";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty()) ADD_FAILURE() << "no URL in PHONEBULK_IT_PG_URL_FILE " << file;
  return url;
}

PgDatabase::PgDatabase(const std::string& server_url) : server_url_(server_url) {
  std::random_device rd;
  // Digits and '_' only: the name goes into the statement text.
  name_ = "pbit_" + std::to_string(rd()) + "_" + std::to_string(rd());
  if (std::string error = Exec(server_url_, "CREATE DATABASE " + name_);
      !error.empty()) {
    ADD_FAILURE() << "CREATE DATABASE failed: " << error;
  }
  url_ = WithDatabase(server_url_, name_);
}

std::string PgDatabase::RunSql(const std::string& sql) const {
  return Exec(url_, sql);
}

void PgDatabase::SetReachable(bool reachable) {
  std::string error =
      Exec(server_url_, "ALTER DATABASE " + name_ + " ALLOW_CONNECTIONS " +
                            (reachable ? "true" : "false"));
  if (!error.empty()) ADD_FAILURE() << "ALTER DATABASE failed: " << error;
  if (!reachable) DropConnections();
}

void PgDatabase::DropConnections() {
  PGconn* conn = PQconnectdb(server_url_.c_str());
  const char* params[] = {name_.c_str()};
  PGresult* res = PQexecParams(
      conn,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
      "datname = $1",
      1, nullptr, params, nullptr, nullptr, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << "pg_terminate_backend failed: " << PQerrorMessage(conn);
  }
  PQclear(res);
  PQfinish(conn);
}

PgDatabase::~PgDatabase() {
  Exec(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace phonebulk::it
