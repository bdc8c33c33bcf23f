// CBLAS: the C BLAS interface of Debian's libopenblas-dev, plus OpenBLAS's thread controls.
#ifndef SENSEVOICE_CBLAS_SHIM_H
#define SENSEVOICE_CBLAS_SHIM_H
#include <cblas.h>

// Declared here as well so that the shim also compiles against a cblas.h from another provider
// (the symbols themselves always come from libopenblas, which the module links).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

// LAPACK's symmetric eigensolver (selected eigenpairs), which libopenblas also exports; used by
// speaker clustering (the Laplacian's smallest eigenvalues and eigenvectors).
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol,
             int *m, double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork,
             int *iwork, const int *liwork, int *info);
#endif
