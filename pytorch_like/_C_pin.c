/* Python-only part of pytorch_like._C (compiled in cffi's module, where Python.h is included):
 * C tensors over a Python object's memory (from_numpy) holding a reference to the object.
 * A C deleter instead of an FFI callback: freeing costs a Py_DECREF, not a Python call. */

static void _th_release_pyobject(void *ctx, void *data)
{
    (void)data;
    if (!Py_IsInitialized()) return;   /* at exit: leak rather than touch a finalized interpreter */
    PyGILState_STATE g = PyGILState_Ensure();   /* the last free may come from any thread, GIL released */
    Py_DECREF((PyObject *)ctx);
    PyGILState_Release(g);
}

/* THTensor_newWithData over data, keeping obj (CPython's id(), its address) alive until the
 * storage is freed; NULL with the TH error set on failure (obj's reference is dropped then) */
static THTensor *_th_tensor_pinning(intptr_t obj, int dtype, void *data, int64_t span,
                                    int ndim, const int64_t *size, const int64_t *stride)
{
    PyGILState_STATE g = PyGILState_Ensure();   /* cffi released the GIL around this call */
    Py_INCREF((PyObject *)obj);
    PyGILState_Release(g);
    return THTensor_newWithData(dtype, data, span, _th_release_pyobject, (void *)obj, ndim, size, stride);
}
