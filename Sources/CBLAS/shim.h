// CBLAS: the C BLAS interface of Debian's libopenblas-dev, plus OpenBLAS's thread controls.
#ifndef SENSEVOICE_CBLAS_SHIM_H
#define SENSEVOICE_CBLAS_SHIM_H
#include <cblas.h>

// Declared here as well so that the shim also compiles against a cblas.h from another provider
// (the symbols themselves always come from libopenblas, which the module links).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
