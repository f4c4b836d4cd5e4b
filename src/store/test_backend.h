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

// A new empty directory under the test temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::path(::testing::TempDir()) /
            absl::StrCat("phonebulk_store_", rd(), "_", rd());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `sql` on a separate raw connection to the SQLite file `file` and
// returns the first column of the first row as text, "" when there is none:
// an outside view of what the store wrote, or a way to damage it as a disk or
// a hand-edit would.
inline std::string SqliteQueryText(const std::filesystem::path& file,
                                   const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// One fresh, empty database of `backend` for one test, deleted with the
// object. available() is false (and the test should skip) for PostgreSQL
// without a server.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::kSqlite) {
      dir_ = std::make_unique<TempDir>();
      url_ = "sqlite:" + SqliteFile().string();
      return;
    }
    server_ = PostgresServerUrl();
    if (server_.empty()) return;
    std::random_device rd;
    database_ = absl::StrCat("pbtest_", rd(), "_", rd());
    // The name is made here (digits and '_'), never from input.
    PgQueryText(server_, "CREATE DATABASE " + database_);
    url_ = WithDatabase(server_, database_);
  }
  ~TestDatabase() {
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

  // Runs `sql` on a connection of its own (see PgQueryText, SqliteQueryText).
  std::string QueryText(const std::string& sql) const {
    if (backend_ == Backend::kPostgres) return PgQueryText(url_, sql);
    return SqliteQueryText(SqliteFile(), sql);
  }

 private:
  const Backend backend_;
  std::filesystem::path SqliteFile() const { return dir_->path() / "store.db"; }

  std::unique_ptr<TempDir> dir_;  // SQLite
  std::string server_;            // PostgreSQL: the server's URL
  std::string database_;          // PostgreSQL: the database made here
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

// Creates the account `name` holding `credits` in `store` and sets `*id` to
// its id; a failure is fatal to the test (ASSERT_NO_FATAL_FAILURE).
inline void AddAccount(Store& store, const std::string& name, int64_t credits,
                       int64_t* id) {
  auto account = store.accounts().EnsureAccount(name, std::nullopt);
  ASSERT_TRUE(account.ok()) << account.status();
  *id = account->id;
  if (credits != 0) {
    ASSERT_TRUE(store.accounts().AddCredits(name, credits).ok());
  }
}

// A batch `id` of `records` phones for `account`, submitted at `submitted`,
// with every other field at its default: what CreateBatch needs and no more.
inline Batch NewBatch(const std::string& id, int64_t account, int records,
                      absl::Time submitted) {
  Batch batch;
  batch.id = id;
  batch.account_id = account;
  batch.records = records;
  batch.date_submitted = submitted;
  return batch;
}

// The fixture of the backend-neutral suites: store_ on a fresh, migrated
// database of the parameter's backend; the test is skipped for PostgreSQL
// without a test server. A subclass's SetUp calls this one first and returns
// when SetUpStopped().
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    if (!db_->available()) GTEST_SKIP() << "no PostgreSQL test server";
    store_ = OpenMigratedUrl(db_->url());
    ASSERT_NE(store_, nullptr);
  }

  static bool SetUpStopped() { return IsSkipped() || HasFatalFailure(); }

  // See the free AddAccount.
  void AddAccount(const std::string& name, int64_t credits, int64_t* id) {
    testing::AddAccount(*store_, name, credits, id);
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// StoreTest with the account "acme" (id acme_) holding the credits the
// subclass passes in: most suites charge or reserve from one account.
class AcmeStoreTest : public StoreTest {
 protected:
  explicit AcmeStoreTest(int64_t credits) : credits_(credits) {}

  void SetUp() override {
    StoreTest::SetUp();
    if (SetUpStopped()) return;
    ASSERT_NO_FATAL_FAILURE(AddAccount("acme", credits_, &acme_));
  }

  // acme's balance now.
  int64_t Credits() {
    return store_->accounts().GetAccountById(acme_)->credits;
  }

  int64_t acme_ = 0;

 private:
  const int64_t credits_;
};

// The fixture of the domain tests above the store (batch/): store_ on a
// migrated SQLite file, file(), in a fresh directory, holding the account
// "acme" (id account_id_) with the credits the subclass passes in. A
// subclass builds what it tests on the store in SetUpOnStore(), which runs
// only once the store is ready, so no subclass has to check for that.
class SqliteAcmeTest : public ::testing::Test {
 protected:
  explicit SqliteAcmeTest(int64_t credits) : credits_(credits) {}

  void SetUp() final {
    store_ = OpenMigratedUrl("sqlite:" + file().string());
    ASSERT_NE(store_, nullptr);
    ASSERT_NO_FATAL_FAILURE(
        AddAccount(*store_, "acme", credits_, &account_id_));
    SetUpOnStore();
  }
  virtual void SetUpOnStore() {}

  std::filesystem::path file() const { return dir_.path() / "db.sqlite"; }

  // acme's balance now.
  int64_t Credits() { return store_->accounts().GetAccount("acme")->credits; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  int64_t account_id_ = 0;

 private:
  const int64_t credits_;
};

}  // namespace phonebulk::store::testing

#endif  // PHONEBULK_STORE_TEST_BACKEND_H_
