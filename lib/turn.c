/* turn.c — see turn.h. */
#include "turn.h"

#include <stdlib.h>

void turns_free(struct turn *turns, size_t n)
{
	for (size_t i = 0; turns && i < n; i++) {
		for (size_t j = 0; j < turns[i].nfiles; j++) {
			free(turns[i].files[j].type);
			free(turns[i].files[j].name);
			free(turns[i].files[j].data);
		}
		free(turns[i].files);
		free(turns[i].role);
		free(turns[i].content);
	}
	free(turns);
}
