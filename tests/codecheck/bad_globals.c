/* A store module reaching for the process's database. */
static int count(void)
{
	return chat_count(g.data_db);
}
