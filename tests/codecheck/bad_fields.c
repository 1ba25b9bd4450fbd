/* A handler reading a field its route never declared. */
static int h(struct req *r)
{
	return kv_get(&r->form, "secret") != NULL;
}
