#ifndef PHONEBULK_STORE_TEST_BACKEND_H_
#define PHONEBULK_STORE_TEST_BACKEND_H_

// The store tests run once per backend: on SQLite always (a file in a fresh
// temporary directory), and on PostgreSQL when the tests are given a server
// (a fresh database per test, created and dropped here). The server is named
// by PHONEBULK_TEST_PG_URL, or by the file PHONEBULK_TEST_PG_URL_FILE holds
// (written by scripts/pg-test-cluster.sh, which CTest runs as a fixture).
// Without either, the PostgreSQL instances are skipped, never failed.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "store/store.h"

namespace phonebulk::store::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// Both backends, for INSTANTIATE_TEST_SUITE_P.
inline auto AllBackends() {
  return ::testing::Values(Backend::kSqlite, Backend::kPostgres);
}

// The test server's URL (any database on it), or "" when none is given.
inline std::string PostgresServerUrl() {
  if (const char* url = std::getenv("PHONEBULK_TEST_PG_URL");
      url != nullptr && *url != '\0') {
    return url;
  }
  const char* file = std::getenv("PHONEBULK_TEST_PG_URL_FILE");
  if (file == nullptr || *file == '\0') return "";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

// `server_url` with its database replaced by `database`.
inline std::string WithDatabase(const std::string& server_url,
                                const std::string& database) {
  const size_t scheme = server_url.find("://");
  const size_t slash = server_url.find('/', scheme + 3);
  const size_t query = server_url.find('?', scheme + 3);
  std::string out = server_url.substr(0, std::min(slash, query));
  absl::StrAppend(&out, "/", database);
  if (query != std::string::npos) out += server_url.substr(query);
  return out;
}

// Runs `sql` on its own connection to `url` (an outside view of what the
// store wrote) and returns the first column of the first row as text, ""
// when there is none; fails the test on an error.
inline std::string PgQueryText(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect: " << PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
    } else if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
               !PQgetisnull(res, 0, 0)) {
      out = PQgetvalue(res, 0, 0);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

// One fresh, empty database of `backend` for one test, deleted with the
// object. available() is false (and the test should skip) for PostgreSQL
// without a server.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    std::random_device rd;
    const std::string unique = absl::StrCat(rd(), "_", rd());
    if (backend == Backend::kSqlite) {
      dir_ = std::filesystem::path(::testing::TempDir()) /
             ("phonebulk_store_" + unique);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "store.db").string();
      return;
    }
    server_ = PostgresServerUrl();
    if (server_.empty()) return;
    database_ = "pbtest_" + unique;
    // The name is made here (digits and '_'), never from input.
    PgQueryText(server_, "CREATE DATABASE " + database_);
    url_ = WithDatabase(server_, database_);
  }
  ~TestDatabase() {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    if (!database_.empty()) {
      PgQueryText(server_,
                  "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  bool available() const { return !url_.empty(); }
  const std::string& url() const { return url_; }

  // Runs `sql` on a connection of its own (see PgQueryText); SQLite too.
  std::string QueryText(const std::string& sql) const {
    if (backend_ == Backend::kPostgres) return PgQueryText(url_, sql);
    sqlite3* db = nullptr;
    std::string out;
    EXPECT_EQ(sqlite3_open((dir_ / "store.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sql;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

 private:
  const Backend backend_;
  std::filesystem::path dir_;  // SQLite
  std::string server_;         // PostgreSQL: the server's URL
  std::string database_;       // PostgreSQL: the database made here
  std::string url_;
};

// Opens `url` and migrates it, failing the test (and returning null)
// otherwise.
inline std::unique_ptr<Store> OpenMigratedUrl(const std::string& url) {
  auto store = OpenStore(url);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  absl::Status migrated = (*store)->Migrate();
  EXPECT_TRUE(migrated.ok()) << migrated;
  if (!migrated.ok()) return nullptr;
  return *std::move(store);
}

}  // namespace phonebulk::store::testing

#endif  // PHONEBULK_STORE_TEST_BACKEND_H_
