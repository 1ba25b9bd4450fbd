/* Compiles: the statement is a string literal. */
#include "db.h"

sqlite3_stmt *ok(struct db *db);
sqlite3_stmt *ok(struct db *db)
{
	return db_prep(db, "SELECT 1");
}
