/* A store module that knows about requests. */
#include "db.h"
#include "http.h"
