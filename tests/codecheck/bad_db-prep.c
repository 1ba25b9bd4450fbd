/* Going round the macro lets a built string through. */
static void f(struct db *db, const char *sql)
{
	db_prep_literal(db, sql);
}
