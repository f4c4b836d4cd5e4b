#ifndef PHONEBULK_TESTS_INTEGRATION_PG_DATABASE_H_
#define PHONEBULK_TESTS_INTEGRATION_PG_DATABASE_H_

// The integration suite on PostgreSQL: when PHONEBULK_IT_PG_URL (a server
// URL) or PHONEBULK_IT_PG_URL_FILE (a file holding one, written by
// scripts/pg-test-cluster.sh) is set, every server a test starts gets a
// database of its own on that server instead of a SQLite file.

#include <string>

namespace phonebulk::it {

// The server URL from the environment, or "" (the suite runs on SQLite).
std::string PgServerUrlFromEnv();

// A fresh empty database on `server_url`, dropped (with its connections)
// when the object goes. Fails the current test when it cannot be created.
class PgDatabase {
 public:
  explicit PgDatabase(const std::string& server_url);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // postgresql://.../<the new database>
  const std::string& url() const { return url_; }

  // Runs one statement on a connection of its own to this database; "" on
  // success, else why not.
  std::string RunSql(const std::string& sql) const;

  // An outage of this database alone (the server is shared by tests running
  // in parallel): with false, new connections are refused and the open
  // ones are closed by the server; with true, connections are let in again.
  void SetReachable(bool reachable);
  // Closes every open connection to the database, as a server restart
  // would; new ones are accepted at once.
  void DropConnections();

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

}  // namespace phonebulk::it

#endif  // PHONEBULK_TESTS_INTEGRATION_PG_DATABASE_H_
