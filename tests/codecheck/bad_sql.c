/* A page that queries the database itself. */
static const char *q = "SELECT id FROM chats WHERE user_id = ?1";
