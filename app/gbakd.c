/* The process-wide state of gbakd (see gbakd.h): defined in a file of its own, which calls
 * nothing, so that the stages can read the worker table without depending on main.c. */
#include "gbakd.h"

volatile int gbakd_quit;
struct worker *gbakd_workers[MAX_WORKERS];
unsigned gbakd_nb_workers;
