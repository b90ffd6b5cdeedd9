/* Python-only part of pytorch_like._C (compiled in cffi's module, where Python.h is included):
 * numpy interop. C tensors over a Python object's memory (from_numpy) hold a reference to the
 * object; a C deleter instead of an FFI callback: freeing costs a Py_DECREF, not a Python call.
 *
 * _th_numpy_install() adds three builtins to the module for the per-call paths (a cffi call,
 * its argument conversions and the Python code around them cost several times PyTorch's
 * whole conversion): numpy_setup(Tensor, ctype of THTensor *, ffi.gc, THTensor_free),
 * array_view(tensor) and from_numpy(array). Both return None for the cases they leave to the
 * Python code (its errors and warnings): empty tensors; arrays of other dtypes, byte order,
 * read-only or with negative or odd strides. */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
/* numpy's import_array names it; cffi's limited API (3.2 level) hides this 3.6 stable-ABI symbol */
PyAPI_DATA(PyObject *) PyExc_ModuleNotFoundError;
#include <numpy/arrayobject.h>

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

/* set by numpy_setup */
static PyObject *np_tensor_type, *np_tensor_ctype, *np_gc, *np_free, *np_attr_t;

static const int np_typenum[TH_NDTYPES] = {
    [TH_FLOAT32] = NPY_FLOAT32, [TH_FLOAT64] = NPY_FLOAT64, [TH_FLOAT16] = NPY_FLOAT16,
    [TH_UINT8] = NPY_UINT8, [TH_INT8] = NPY_INT8, [TH_INT16] = NPY_INT16, [TH_INT32] = NPY_INT32,
    [TH_INT64] = NPY_INT64, [TH_BOOL] = NPY_BOOL,
};

/* the TH dtype of a native-order numpy dtype by kind and size (int64 is both 'l' and 'q'), or -1 */
static int th_dtype_of(PyArray_Descr *d, int itemsize)
{
    switch (d->kind) {
    case 'f': return itemsize == 4 ? TH_FLOAT32 : itemsize == 8 ? TH_FLOAT64 : itemsize == 2 ? TH_FLOAT16 : -1;
    case 'i': return itemsize == 8 ? TH_INT64 : itemsize == 4 ? TH_INT32 : itemsize == 2 ? TH_INT16
                     : itemsize == 1 ? TH_INT8 : -1;
    case 'u': return itemsize == 1 ? TH_UINT8 : -1;
    case 'b': return itemsize == 1 ? TH_BOOL : -1;
    }
    return -1;
}

static PyObject *numpy_setup(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *type, *ctype, *gc, *free_fn;
    if (!PyArg_ParseTuple(args, "OOOO:numpy_setup", &type, &ctype, &gc, &free_fn)) return NULL;
    if (!PyType_Check(type)) return PyErr_Format(PyExc_TypeError, "numpy_setup: expected the Tensor class");
    PyObject **slot[4] = {&np_tensor_type, &np_tensor_ctype, &np_gc, &np_free}, *val[4] = {type, ctype, gc, free_fn};
    for (int i = 0; i < 4; i++) {
        PyObject *old = *slot[i];
        Py_INCREF(val[i]);
        *slot[i] = val[i];
        Py_XDECREF(old);
    }
    Py_RETURN_NONE;
}

/* The THTensor * a Tensor owns (its _t cdata, read the way cffi's own wrappers read pointers) */
static THTensor *tensor_ptr(PyObject *tensor)
{
    if (!np_tensor_ctype) { PyErr_SetString(PyExc_RuntimeError, "numpy interop: numpy_setup was not called"); return NULL; }
    PyObject *cd = PyObject_GetAttr(tensor, np_attr_t);
    if (!cd) return NULL;
    THTensor *p = (THTensor *)_cffi_to_c_pointer(cd, (struct _cffi_ctypedescr *)np_tensor_ctype);
    Py_DECREF(cd);
    if (!p && !PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "numpy interop: the tensor has no C tensor");
    return p;
}

/* array_view(tensor): an ndarray over the tensor's memory whose base is the tensor (as
 * PyTorch's), or None for a tensor without elements */
static PyObject *array_view(PyObject *self, PyObject *tensor)
{
    (void)self;
    THTensor *t = tensor_ptr(tensor);
    if (!t) return NULL;
    if (!t->storage || t->dtype < 0 || t->dtype >= TH_NDTYPES || THTensor_numel(t) == 0) Py_RETURN_NONE;
    int es = TH_dtypeSize(t->dtype);
    npy_intp dims[TH_MAX_DIMS], strides[TH_MAX_DIMS];
    for (int d = 0; d < t->ndim; d++) { dims[d] = t->size[d]; strides[d] = t->stride[d] * es; }
    PyArray_Descr *descr = PyArray_DescrFromType(np_typenum[t->dtype]);
    if (!descr) return NULL;
    PyObject *a = PyArray_NewFromDescr(&PyArray_Type, descr, t->ndim, dims, strides,
                                       t->storage->data + t->offset * es, NPY_ARRAY_WRITEABLE, NULL);
    if (!a) return NULL;
    Py_INCREF(tensor);
    if (PyArray_SetBaseObject((PyArrayObject *)a, tensor) < 0) { Py_DECREF(a); return NULL; }
    return a;
}

/* from_numpy(array): a Tensor over the array's memory holding a reference to it, or None */
static PyObject *from_numpy(PyObject *self, PyObject *obj)
{
    (void)self;
    if (!np_tensor_type) { PyErr_SetString(PyExc_RuntimeError, "numpy interop: numpy_setup was not called"); return NULL; }
    if (!PyArray_Check(obj)) Py_RETURN_NONE;
    PyArrayObject *arr = (PyArrayObject *)obj;
    int nd = PyArray_NDIM(arr), es = (int)PyArray_ITEMSIZE(arr);
    int dtype = th_dtype_of(PyArray_DESCR(arr), es);
    if (dtype < 0 || !PyArray_ISNOTSWAPPED(arr) || !PyArray_ISWRITEABLE(arr) || nd > TH_MAX_DIMS) Py_RETURN_NONE;
    const npy_intp *dims = PyArray_DIMS(arr), *bst = PyArray_STRIDES(arr);
    int64_t size[TH_MAX_DIMS], stride[TH_MAX_DIMS], span = 1;
    for (int d = 0; d < nd; d++) {
        size[d] = dims[d];
        if (bst[d] < 0 || bst[d] % es) Py_RETURN_NONE;
        stride[d] = bst[d] / es;
        span = (dims[d] == 0 || span == 0) ? 0 : span + (dims[d] - 1) * stride[d];
    }
    int contig = PyArray_IS_C_CONTIGUOUS(arr);
    if (contig) span = PyArray_SIZE(arr);
    Py_INCREF(obj);   /* the storage's; its deleter drops it (also when newWithData fails) */
    THTensor *p = THTensor_newWithData(dtype, PyArray_DATA(arr), span, _th_release_pyobject, obj,
                                       nd, size, contig ? NULL : stride);
    if (!p) Py_RETURN_NONE;   /* the Python path raises the TH error (it fails the same way) */
    PyObject *cd = _cffi_from_c_pointer((char *)p, (struct _cffi_ctypedescr *)np_tensor_ctype);
    if (!cd) { THTensor_free(p); return NULL; }
    PyObject *owned = PyObject_CallFunctionObjArgs(np_gc, cd, np_free, NULL);   /* ffi.gc(cd, THTensor_free) */
    Py_DECREF(cd);
    if (!owned) { THTensor_free(p); return NULL; }
    PyObject *t = PyType_GenericNew((PyTypeObject *)np_tensor_type, NULL, NULL);
    if (t && PyObject_SetAttr(t, np_attr_t, owned) < 0) Py_CLEAR(t);
    Py_DECREF(owned);
    return t;
}

static PyMethodDef np_methods[] = {
    {"numpy_setup", numpy_setup, METH_VARARGS, "numpy_setup(Tensor, ffi.typeof('THTensor *'), ffi.gc, lib.THTensor_free)"},
    {"array_view", array_view, METH_O, "array_view(tensor): an ndarray over its memory, None if it is empty"},
    {"from_numpy", from_numpy, METH_O, "from_numpy(array): a Tensor over its memory, None for the checked cases"},
    {NULL, NULL, 0, NULL},
};

/* Adds np_methods to pytorch_like._C; 0 or -1 (the Python error printed: this runs in a cffi call). */
static int _th_numpy_install(void)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int st = -1;
    PyObject *mod = NULL;
    if (_import_array() < 0) goto done;
    if (!np_attr_t && !(np_attr_t = PyUnicode_InternFromString("_t"))) goto done;
    if (!(mod = PyImport_ImportModule("pytorch_like._C"))) goto done;
    for (PyMethodDef *m = np_methods; m->ml_name; m++) {
        PyObject *f = PyCFunction_NewEx(m, NULL, NULL);
        if (!f || PyObject_SetAttrString(mod, m->ml_name, f) < 0) { Py_XDECREF(f); goto done; }
        Py_DECREF(f);
    }
    st = 0;
done:
    if (st) PyErr_Print();
    Py_XDECREF(mod);
    PyGILState_Release(g);
    return st;
}
