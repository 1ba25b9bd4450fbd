/* Must not compile: db_prep refuses a statement that is not a literal. */
#include "db.h"

sqlite3_stmt *bad(struct db *db, const char *sql);
sqlite3_stmt *bad(struct db *db, const char *sql)
{
	return db_prep(db, sql);
}
