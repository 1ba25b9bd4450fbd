/* A number read by hand: "12abc" would pass as 12. */
static int pages(const struct config *cfg)
{
	return atoi(config_get(cfg, "server", "page_size"));
}
