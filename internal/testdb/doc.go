// Package testdb opens the databases tests run on: a SQLite file in the
// test's temporary directory, or a fresh schema of the PostgreSQL database
// named by WAYPOST_TEST_DATABASE_URL. Only tests import it.
//
// Every store and schema it creates is closed or dropped when the test
// ends, so tests neither share rows nor leave schemas behind.
package testdb
