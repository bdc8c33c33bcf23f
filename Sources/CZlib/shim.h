// CZlib: Debian's zlib1g-dev, for the text compression ratio OpenAI's verbose_json reports.
#ifndef SENSEVOICE_CZLIB_SHIM_H
#define SENSEVOICE_CZLIB_SHIM_H
#include <zlib.h>
#endif
