/* Torch7 .t7 serialization: the one implementation of the format (torch7-core.md §3).
 *
 * Reading turns a byte stream into a THT7Graph (see TH.h); writing walks a graph. Both walk
 * with an explicit heap stack, so nesting depth is bounded by the input size, never by the C
 * stack. Hostile input is expected: every count and length is checked against the bytes left
 * before anything is allocated, tensor geometry is validated against its storage, and Lua
 * functions (bytecode = arbitrary code) are refused unless the caller opts in. */
#define _GNU_SOURCE
#include "THGeneral.h"
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#define T7_BIG_ENDIAN 1
#else
#define T7_BIG_ENDIAN 0
#endif

enum { TAG_NIL = 0, TAG_NUMBER = 1, TAG_STRING = 2, TAG_TABLE = 3, TAG_TORCH = 4, TAG_BOOLEAN = 5,
       TAG_FUNCTION = 6, TAG_LEGACY_RECUR_FUNCTION = 7, TAG_RECUR_FUNCTION = 8 };

#define T7_MAX_STRING 0x7fffffffLL   /* lengths are C ints in the format */

/* ================================================================ graph */

THT7Graph *THT7Graph_new(void)
{
    THT7Graph *g = calloc(1, sizeof *g);
    if (!g) TH_setError(TH_ERR_MEMORY, "t7: not enough memory for a graph");
    else g->long_size = 8;
    return g;
}

static void node_release(THT7Node *n)
{
    free(n->str);
    free(n->kv);
    THTensor_free(n->tensor);
    THStorage_free(n->storage);
    free(n);
}

void THT7Graph_free(THT7Graph *g)
{
    if (!g) return;
    for (int64_t i = 0; i < g->nnodes; i++) node_release(g->nodes[i]);
    free(g->nodes);
    free(g);
}

static THT7Node *new_node(THT7Graph *g, int kind)
{
    if (!g) { TH_setError(TH_ERR_VALUE, "t7: graph is NULL"); return NULL; }
    if (g->nnodes == g->cap) {
        int64_t cap = g->cap ? g->cap * 2 : 64;
        THT7Node **p = realloc(g->nodes, (size_t)cap * sizeof *p);
        if (!p) { TH_setError(TH_ERR_MEMORY, "t7: not enough memory for %lld nodes", (long long)cap); return NULL; }
        g->nodes = p;
        g->cap = cap;
    }
    THT7Node *n = calloc(1, sizeof *n);
    if (!n) { TH_setError(TH_ERR_MEMORY, "t7: not enough memory for a node"); return NULL; }
    n->kind = kind;
    n->id = g->nnodes;
    g->nodes[g->nnodes++] = n;
    return n;
}

static char *dup_bytes(const char *bytes, int64_t len)
{
    char *p = malloc((size_t)len + 1);
    if (!p) { TH_setError(TH_ERR_MEMORY, "t7: not enough memory for %lld bytes", (long long)len); return NULL; }
    if (len) memcpy(p, bytes, (size_t)len);
    p[len] = 0;
    return p;
}

THT7Node *THT7_newNil(THT7Graph *g) { return new_node(g, THT7_NIL); }

THT7Node *THT7_newNumber(THT7Graph *g, double value)
{
    THT7Node *n = new_node(g, THT7_NUMBER);
    if (n) n->number = value;
    return n;
}

THT7Node *THT7_newBoolean(THT7Graph *g, int value)
{
    THT7Node *n = new_node(g, THT7_BOOLEAN);
    if (n) n->boolean = value != 0;
    return n;
}

THT7Node *THT7_newString(THT7Graph *g, const char *bytes, int64_t len)
{
    if (len < 0 || len > T7_MAX_STRING || (len && !bytes)) {
        TH_setError(TH_ERR_VALUE, "t7: a string must hold 0 to %lld bytes, got %lld", T7_MAX_STRING, (long long)len);
        return NULL;
    }
    char *s = dup_bytes(bytes, len);
    if (!s) return NULL;
    THT7Node *n = new_node(g, THT7_STRING);
    if (!n) { free(s); return NULL; }
    n->str = s;
    n->len = len;
    return n;
}

THT7Node *THT7_newTable(THT7Graph *g) { return new_node(g, THT7_TABLE); }

int THT7_tableAppend(THT7Node *t, THT7Node *key, THT7Node *value)
{
    TH_CHECK(t && t->kind == THT7_TABLE, TH_ERR_VALUE, "t7: tableAppend needs a table node");
    TH_CHECK(key && value, TH_ERR_VALUE, "t7: tableAppend: key and value must not be NULL");
    if (t->n == t->cap) {
        int64_t cap = t->cap ? t->cap * 2 : 4;
        THT7Node **p = realloc(t->kv, (size_t)cap * 2 * sizeof *p);
        TH_CHECK(p, TH_ERR_MEMORY, "t7: not enough memory for a table of %lld pairs", (long long)cap);
        t->kv = p;
        t->cap = cap;
    }
    t->kv[2 * t->n] = key;
    t->kv[2 * t->n + 1] = value;
    t->n++;
    return 0;
}

void THT7Graph_kinds(THT7Graph *g, int32_t *kinds, double *numbers)
{
    for (int64_t i = 0; g && i < g->nnodes; i++) {
        const THT7Node *n = g->nodes[i];
        kinds[i] = n->kind == THT7_TORCH ? 16 + n->cls : n->kind;
        numbers[i] = n->kind == THT7_NUMBER ? n->number : n->kind == THT7_BOOLEAN ? n->boolean : 0;
    }
}

void THT7_tableIds(THT7Node *t, int64_t *ids)
{
    for (int64_t i = 0; t && t->kind == THT7_TABLE && i < 2 * t->n; i++) ids[i] = t->kv[i]->id;
}

/* ---------------------------------------------------------------- class names */

static const struct { const char *word; int dtype; } TYPE_WORDS[] = {
    {"Byte", TH_UINT8}, {"Char", TH_INT8}, {"Short", TH_INT16}, {"Int", TH_INT32},
    {"Long", TH_INT64}, {"Float", TH_FLOAT32}, {"Double", TH_FLOAT64}, {"Half", TH_FLOAT16},
};

static int has_prefix(const char *s, int64_t len, const char *prefix)
{
    int64_t k = (int64_t)strlen(prefix);
    return len >= k && memcmp(s, prefix, (size_t)k) == 0;
}

static int is_exactly(const char *s, int64_t len, const char *word)
{
    return len == (int64_t)strlen(word) && memcmp(s, word, (size_t)len) == 0;
}

/* What a class name holds; *dtype for tensor/storage classes. CUDA classes are their CPU
 * equivalents (torch.CudaTensor is float32), HalfTensor is float16. */
static int class_kind(const char *name, int64_t len, int *dtype)
{
    *dtype = -1;
    if (has_prefix(name, len, "torch.")) {
        const char *p = name + 6;
        int64_t k = len - 6;
        int cuda = has_prefix(p, k, "Cuda");
        if (cuda) { p += 4; k -= 4; }
        int dt = cuda ? TH_FLOAT32 : -1;
        for (size_t i = 0; i < sizeof TYPE_WORDS / sizeof TYPE_WORDS[0]; i++) {
            int64_t wl = (int64_t)strlen(TYPE_WORDS[i].word);
            if (has_prefix(p, k, TYPE_WORDS[i].word) && (is_exactly(p + wl, k - wl, "Tensor") ||
                                                        is_exactly(p + wl, k - wl, "Storage"))) {
                dt = TYPE_WORDS[i].dtype;
                p += wl;
                k -= wl;
                break;
            }
        }
        if (dt >= 0 && is_exactly(p, k, "Tensor")) { *dtype = dt; return THT7_TENSOR; }
        if (dt >= 0 && is_exactly(p, k, "Storage")) { *dtype = dt; return THT7_STORAGE; }
        if (is_exactly(name, len, "torch.Generator")) return THT7_GENERATOR;
        return THT7_OBJECT;
    }
    if (is_exactly(name, len, "tds.Hash")) return THT7_TDS_HASH;
    if (is_exactly(name, len, "tds.Vec")) return THT7_TDS_VEC;
    return THT7_OBJECT;
}

static const char *dtype_word(int dtype)
{
    switch (dtype) {
    case TH_UINT8: case TH_BOOL: return "Byte";
    case TH_INT8: return "Char";
    case TH_INT16: return "Short";
    case TH_INT32: return "Int";
    case TH_INT64: return "Long";
    case TH_FLOAT32: return "Float";
    case TH_FLOAT64: return "Double";
    case TH_FLOAT16: return "Half";
    default: return NULL;
    }
}

/* bool data is 0/1 bytes: Torch7 keeps masks in ByteTensors */
static int file_dtype(int dtype) { return dtype == TH_BOOL ? TH_UINT8 : dtype; }

static THT7Node *new_tensor_like(THT7Graph *g, const char *class_name, int dtype, int want, const char *suffix)
{
    char buf[64];
    if (!class_name) {
        const char *w = dtype_word(dtype);
        if (!w) { TH_setError(TH_ERR_TYPE, "t7: cannot write dtype %d", dtype); return NULL; }
        snprintf(buf, sizeof buf, "torch.%s%s", w, suffix);
        class_name = buf;
    } else {
        int dt, k = class_kind(class_name, (int64_t)strlen(class_name), &dt);
        if (k != want || dt != file_dtype(dtype)) {
            TH_setError(TH_ERR_TYPE, "t7: class %s cannot hold a %s %s", class_name, TH_dtypeName(dtype),
                        want == THT7_TENSOR ? "tensor" : "storage");
            return NULL;
        }
    }
    char *name = dup_bytes(class_name, (int64_t)strlen(class_name));
    if (!name) return NULL;
    THT7Node *n = new_node(g, THT7_TORCH);
    if (!n) { free(name); return NULL; }
    n->cls = want;
    n->version = 1;
    n->str = name;
    n->len = (int64_t)strlen(name);
    return n;
}

THT7Node *THT7_newTensor(THT7Graph *g, const char *class_name, THTensor *t)
{
    if (!t || !TH_validDtype(t->dtype)) { TH_setError(TH_ERR_VALUE, "t7: newTensor needs a tensor with a dtype"); return NULL; }
    THT7Node *n = new_tensor_like(g, class_name, t->dtype, THT7_TENSOR, "Tensor");
    if (!n) return NULL;
    THTensor_retain(t);
    n->tensor = t;
    return n;
}

THT7Node *THT7_newStorage(THT7Graph *g, const char *class_name, THStorage *s)
{
    if (!s) { TH_setError(TH_ERR_VALUE, "t7: newStorage needs a storage"); return NULL; }
    THT7Node *n = new_tensor_like(g, class_name, s->dtype, THT7_STORAGE, "Storage");
    if (!n) return NULL;
    THStorage_retain(s);
    n->storage = s;
    return n;
}

/* a TORCH node of class kind cls owning a copy of the class name */
static THT7Node *new_class_node(THT7Graph *g, const char *class_name, int64_t len, int cls, int version,
                                THT7Node *payload)
{
    char *name = dup_bytes(class_name, len);
    if (!name) return NULL;
    THT7Node *n = new_node(g, THT7_TORCH);
    if (!n) { free(name); return NULL; }
    n->cls = cls;
    n->version = version;
    n->str = name;
    n->len = len;
    n->payload = payload;
    return n;
}

THT7Node *THT7_newObject(THT7Graph *g, const char *class_name, int version, THT7Node *payload)
{
    if (!class_name) { TH_setError(TH_ERR_VALUE, "t7: newObject needs a class name"); return NULL; }
    int64_t len = (int64_t)strlen(class_name);
    int dt, k = class_kind(class_name, len, &dt);
    if (k == THT7_TENSOR || k == THT7_STORAGE) {
        TH_setError(TH_ERR_VALUE, "t7: %s objects are made with newTensor/newStorage", class_name);
        return NULL;
    }
    if (k == THT7_GENERATOR) {
        if (!payload || payload->kind != THT7_STRING || payload->len != THGenerator_stateSize()) {
            TH_setError(TH_ERR_VALUE, "t7: a torch.Generator needs a string of its %lld state bytes",
                        (long long)THGenerator_stateSize());
            return NULL;
        }
    } else if (!payload || payload->kind != THT7_TABLE) {
        TH_setError(TH_ERR_VALUE, "t7: an object of class %s needs a table payload", class_name);
        return NULL;
    }
    return new_class_node(g, class_name, len, k, version, payload);
}

THT7Node *THT7_newRaw(THT7Graph *g, const char *bytes, int64_t len)
{
    THT7Node *n = THT7_newString(g, bytes, len);
    if (n) n->kind = THT7_RAW;
    return n;
}

THT7Node *THT7_newCustom(THT7Graph *g, const char *class_name, int version, THT7Node *items)
{
    if (!class_name || !items || items->kind != THT7_TABLE) {
        TH_setError(TH_ERR_VALUE, "t7: newCustom needs a class name and a table of items");
        return NULL;
    }
    int64_t len = (int64_t)strlen(class_name);
    int dt;
    if (class_kind(class_name, len, &dt) != THT7_OBJECT) {
        TH_setError(TH_ERR_VALUE, "t7: class %s has a fixed payload; it cannot be written with items", class_name);
        return NULL;
    }
    return new_class_node(g, class_name, len, THT7_CUSTOM, version, items);
}

THT7Node *THT7_newFunction(THT7Graph *g, int type_code, const char *bytecode, int64_t len, THT7Node *upvalues)
{
    if (type_code < TAG_FUNCTION || type_code > TAG_RECUR_FUNCTION) {
        TH_setError(TH_ERR_VALUE, "t7: a function's type code is 6, 7 or 8, got %d", type_code);
        return NULL;
    }
    if (!upvalues && !(upvalues = THT7_newTable(g))) return NULL;
    THT7Node *n = THT7_newString(g, bytecode, len);
    if (!n) return NULL;
    n->kind = THT7_FUNCTION;
    n->cls = type_code;
    n->payload = upvalues;
    return n;
}

/* ================================================================ int64 -> int64 hash map */

typedef struct { uint64_t *keys; int64_t *vals; int64_t cap, n; } Map;  /* key 0 = empty */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int64_t *map_find(Map *m, uint64_t key)
{
    if (!m->cap) return NULL;
    for (uint64_t i = mix(key) & (uint64_t)(m->cap - 1);; i = (i + 1) & (uint64_t)(m->cap - 1)) {
        if (m->keys[i] == key) return &m->vals[i];
        if (!m->keys[i]) return NULL;
    }
}

static int map_put(Map *m, uint64_t key, int64_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        int64_t cap = m->cap ? m->cap * 2 : 64;
        uint64_t *k = calloc((size_t)cap, sizeof *k);
        int64_t *v = malloc((size_t)cap * sizeof *v);
        if (!k || !v) { free(k); free(v); return TH_setError(TH_ERR_MEMORY, "t7: not enough memory for the reference memo"); }
        for (int64_t j = 0; j < m->cap; j++) {
            if (!m->keys[j]) continue;
            uint64_t i = mix(m->keys[j]) & (uint64_t)(cap - 1);
            while (k[i]) i = (i + 1) & (uint64_t)(cap - 1);
            k[i] = m->keys[j];
            v[i] = m->vals[j];
        }
        free(m->keys); free(m->vals);
        m->keys = k; m->vals = v; m->cap = cap;
    }
    uint64_t i = mix(key) & (uint64_t)(m->cap - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (uint64_t)(m->cap - 1);
    if (!m->keys[i]) m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

static void map_free(Map *m) { free(m->keys); free(m->vals); memset(m, 0, sizeof *m); }

/* Numbers in ascii files are C-locale text whatever the host program's locale. */
static locale_t c_locale(void)
{
    static locale_t loc;
    locale_t l = __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
    if (!l) {
        l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
        locale_t expected = 0;
        if (l && !__atomic_compare_exchange_n(&loc, &expected, l, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            freelocale(l);
            l = expected;
        }
    }
    return l;
}

/* ================================================================ reader */

typedef struct Frame Frame;

/* One object being read: its stack of unfinished containers. Walks nest when a class read
 * method (run by the frontend while its object is suspended) reads objects itself. */
typedef struct Walk {
    Frame *st;
    int64_t depth, cap;
    THT7Node *pending;            /* an object whose payload the frontend reads (suspended) */
    int64_t pending_at;
    struct Walk *outer;
} Walk;

typedef struct { FILE *fp; char *mem; int64_t size; } Opened;

struct THT7Reader {
    int ascii, long_size, functions, referenced;
    int failed;                   /* a failed read may leave half-read objects in the memo */
    int suspend;                  /* stop at objects of plain classes (THT7Reader_setSuspend) */
    THT7Graph *g;
    Map memo;                     /* file reference index -> node */
    Walk *walk;                   /* innermost object being read */
    Opened src;                   /* source owned by THT7Reader_openFile */
    int open;
    /* the current source: a memory buffer, or a binary FILE read sequentially */
    const unsigned char *buf;
    FILE *fp;
    int64_t size, pos;
};

static int trunc_err(THT7Reader *r, const char *what, int64_t need)
{
    return TH_setError(TH_ERR_VALUE, "t7: truncated file at offset %lld while reading %s (%lld bytes needed, %lld left)",
                       (long long)r->pos, what, (long long)need, (long long)(r->size - r->pos));
}

static int64_t left(THT7Reader *r) { return r->size - r->pos; }

static int rd_raw(THT7Reader *r, void *dst, int64_t n, const char *what)
{
    if (n > left(r)) return trunc_err(r, what, n);
    if (r->fp) {
        char *p = dst;
        int64_t done = 0;
        while (done < n) {
            size_t k = fread(p + done, 1, (size_t)(n - done), r->fp);
            if (k == 0)
                return TH_setError(TH_ERR_RUNTIME, "t7: read error at offset %lld while reading %s (%s)",
                                   (long long)(r->pos + done), what, ferror(r->fp) ? strerror(errno) : "unexpected end of file");
            done += (int64_t)k;
        }
    } else if (n) {
        memcpy(dst, r->buf + r->pos, (size_t)n);
    }
    r->pos += n;
    return 0;
}

static int is_space(int c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Next whitespace-delimited token (fscanf's view of an ascii number), then one newline
 * is swallowed as Torch7 does after each read, so raw bytes that follow start right. */
static int asc_token(THT7Reader *r, char *tok, int64_t *start, const char *what)
{
    while (r->pos < r->size && is_space(r->buf[r->pos])) r->pos++;
    if (r->pos >= r->size) return trunc_err(r, what, 1);
    int64_t b = r->pos;
    while (r->pos < r->size && !is_space(r->buf[r->pos]) && r->pos - b < 80) r->pos++;
    int64_t k = r->pos - b;
    if (k >= 80)
        return TH_setError(TH_ERR_VALUE, "t7: malformed ascii file at offset %lld: expected a number for %s, found a long run of text",
                           (long long)b, what);
    memcpy(tok, r->buf + b, (size_t)k);
    tok[k] = 0;
    if (r->pos < r->size && r->buf[r->pos] == '\n') r->pos++;
    *start = b;
    return 0;
}

static int bad_number(int64_t at, const char *tok, const char *what)
{
    return TH_setError(TH_ERR_VALUE, "t7: malformed ascii file at offset %lld: expected %s, found '%s'", (long long)at, what, tok);
}

static int asc_int64(THT7Reader *r, int64_t *v, int64_t lo, int64_t hi, const char *what)
{
    char tok[88], *end;
    int64_t at = 0;
    TH_TRY(asc_token(r, tok, &at, what));
    errno = 0;
    long long x = strtoll(tok, &end, 10);
    if (end == tok || *end || errno || x < lo || x > hi) return bad_number(at, tok, what);
    *v = x;
    return 0;
}

static int rd_int(THT7Reader *r, int32_t *v, const char *what)
{
    if (r->ascii) {
        int64_t x = 0;
        TH_TRY(asc_int64(r, &x, INT32_MIN, INT32_MAX, what));
        *v = (int32_t)x;
        return 0;
    }
    return rd_raw(r, v, 4, what);
}

static int rd_long(THT7Reader *r, int64_t *v, const char *what)
{
    if (r->ascii) return asc_int64(r, v, INT64_MIN, INT64_MAX, what);
    if (r->long_size == 4) {
        int32_t x;
        TH_TRY(rd_raw(r, &x, 4, what));
        *v = x;
        return 0;
    }
    return rd_raw(r, v, 8, what);
}

static int rd_double(THT7Reader *r, double *v, const char *what)
{
    if (r->ascii) {
        char tok[88], *end;
        int64_t at = 0;
        TH_TRY(asc_token(r, tok, &at, what));
        *v = strtod(tok, &end);
        if (end == tok || *end) return bad_number(at, tok, what);
        return 0;
    }
    return rd_raw(r, v, 8, what);
}

/* n raw bytes into a fresh NUL-terminated buffer (ascii: then one newline, as Torch7) */
static char *rd_bytes(THT7Reader *r, int64_t n, const char *what)
{
    char desc[96];
    snprintf(desc, sizeof desc, "%s of %lld bytes", what, (long long)n);
    if (n < 0) { TH_setError(TH_ERR_VALUE, "t7: negative length %lld at offset %lld for %s", (long long)n, (long long)r->pos, what); return NULL; }
    if (n > left(r)) { trunc_err(r, desc, n); return NULL; }
    char *p = malloc((size_t)n + 1);
    if (!p) { TH_setError(TH_ERR_MEMORY, "t7: not enough memory for %s", desc); return NULL; }
    if (rd_raw(r, p, n, desc)) { free(p); return NULL; }
    p[n] = 0;
    if (r->ascii && n > 0 && r->pos < r->size && r->buf[r->pos] == '\n') r->pos++;
    return p;
}

static char *rd_string(THT7Reader *r, int64_t *len, const char *what)
{
    int32_t n;
    char desc[96];
    snprintf(desc, sizeof desc, "the length of %s", what);
    if (rd_int(r, &n, desc)) return NULL;
    *len = n;
    return rd_bytes(r, n, what);
}

/* Storage payload: Long count, then the elements (Long ones in the file's long size). */
static THStorage *rd_storage(THT7Reader *r, int dtype, const char *cname)
{
    int64_t at = r->pos, n;
    char what[160];
    snprintf(what, sizeof what, "the element count of a %s", cname);
    if (rd_long(r, &n, what)) return NULL;
    int es = TH_dtypeSize(dtype);
    int fes = r->ascii ? 1 : (dtype == TH_INT64 ? r->long_size : es);
    snprintf(what, sizeof what, "the %lld elements of a %s", (long long)n, cname);
    if (n < 0) { TH_setError(TH_ERR_VALUE, "t7: %s at offset %lld has a negative element count %lld", cname, (long long)at, (long long)n); return NULL; }
    if (n > left(r) / fes) { trunc_err(r, what, n > INT64_MAX / fes ? INT64_MAX : n * fes); return NULL; }
    THStorage *s = THStorage_new(dtype, n);
    if (!s) return NULL;
    int st = 0;
    if (!r->ascii) {
        if (dtype == TH_INT64 && r->long_size == 4) {
            int32_t tmp[4096];
            int64_t *d = (int64_t *)s->data;
            for (int64_t i = 0; i < n && !st; i += 4096) {
                int64_t k = n - i < 4096 ? n - i : 4096;
                st = rd_raw(r, tmp, k * 4, what);
                for (int64_t j = 0; j < k && !st; j++) d[i + j] = tmp[j];
            }
        } else {
            st = rd_raw(r, s->data, n * es, what);
        }
    } else if (dtype == TH_UINT8 || dtype == TH_INT8) {
        st = rd_raw(r, s->data, n, what);
        if (!st && n > 0 && r->pos < r->size && r->buf[r->pos] == '\n') r->pos++;
    } else {
        for (int64_t i = 0; i < n && !st; i++) {
            char tok[88], *end;
            int64_t tat = 0;
            if ((st = asc_token(r, tok, &tat, what))) break;
            if (dtype == TH_FLOAT32 || dtype == TH_FLOAT16) {
                float f = strtof(tok, &end);
                if (end == tok || *end) { st = bad_number(tat, tok, "a float"); break; }
                if (dtype == TH_FLOAT32) ((float *)s->data)[i] = f;
                else ((uint16_t *)s->data)[i] = TH_floatToHalf(f);
            } else if (dtype == TH_FLOAT64) {
                double x = strtod(tok, &end);
                if (end == tok || *end) { st = bad_number(tat, tok, "a double"); break; }
                ((double *)s->data)[i] = x;
            } else {
                errno = 0;
                long long x = strtoll(tok, &end, 10);
                int64_t lo = dtype == TH_INT16 ? INT16_MIN : dtype == TH_INT32 ? INT32_MIN : INT64_MIN;
                int64_t hi = dtype == TH_INT16 ? INT16_MAX : dtype == TH_INT32 ? INT32_MAX : INT64_MAX;
                if (end == tok || *end || errno || x < lo || x > hi) { st = bad_number(tat, tok, "an integer in range"); break; }
                TH_storeInt64(s->data + i * es, dtype, x);
            }
        }
    }
    if (st) { THStorage_free(s); return NULL; }
    return s;
}

/* ---------------------------------------------------------------- object walk */

enum { F_TABLE, F_OBJECT, F_TENSOR, F_HASH, F_VEC, F_FUNC };

struct Frame {
    THT7Node *node;        /* the object being filled */
    THT7Node *key;         /* a key awaiting its value (F_TABLE, F_HASH); the storage (F_TENSOR) */
    int64_t remaining;     /* children still to read */
    int64_t at;            /* offset where the object starts (for messages) */
    int what;
    int ndim;
    int64_t *geom;         /* F_TENSOR: size[ndim], stride[ndim], storage offset (heap) */
};

static const char *kind_name(const THT7Node *n)
{
    static const char *names[] = {"nil", "number", "string", "table", "torch object", "boolean", "function"};
    return n->kind == THT7_TORCH ? n->str : names[n->kind];
}

static int memo_register(THT7Reader *r, int32_t index, THT7Node *n)
{
    if (!r->referenced) return 0;
    return map_put(&r->memo, (uint64_t)(uint32_t)index + 1, (int64_t)(intptr_t)n);
}

static THT7Node *memo_get(THT7Reader *r, int32_t index)
{
    if (!r->referenced) return NULL;
    int64_t *v = map_find(&r->memo, (uint64_t)(uint32_t)index + 1);
    return v ? (THT7Node *)(intptr_t)*v : NULL;
}

/* Reads the header of one value. Returns the node; *push = 1 when children follow (f set),
 * 2 when it is an object of a plain class whose payload the frontend reads (suspending). */
static THT7Node *read_value(THT7Reader *r, Frame *f, int *push)
{
    int64_t at = r->pos;
    int32_t tag, index = 0;
    *push = 0;
    if (rd_int(r, &tag, "a type tag")) return NULL;
    THT7Node *n;
    switch (tag) {
    case TAG_NIL:
        return new_node(r->g, THT7_NIL);
    case TAG_NUMBER: {
        double v;
        if (rd_double(r, &v, "a number")) return NULL;
        return THT7_newNumber(r->g, v);
    }
    case TAG_BOOLEAN: {
        int32_t v;
        if (rd_int(r, &v, "a boolean")) return NULL;
        return THT7_newBoolean(r->g, v == 1);    /* Torch7's readBool: == 1 */
    }
    case TAG_STRING: {
        int64_t len;
        char *s = rd_string(r, &len, "a string");
        if (!s) return NULL;
        if (!(n = new_node(r->g, THT7_STRING))) { free(s); return NULL; }
        n->str = s;
        n->len = len;
        return n;
    }
    case TAG_TABLE: {
        int32_t npairs;
        if (rd_int(r, &index, "a table's reference index")) return NULL;
        if ((n = memo_get(r, index))) return n;
        if (!(n = new_node(r->g, THT7_TABLE)) || memo_register(r, index, n)) return NULL;
        if (rd_int(r, &npairs, "a table's size")) return NULL;
        if (npairs < 0 || (int64_t)npairs > left(r) / (r->ascii ? 2 : 8)) {
            TH_setError(TH_ERR_VALUE, "t7: table at offset %lld claims %d key/value pairs but only %lld bytes are left",
                        (long long)at, npairs, (long long)left(r));
            return NULL;
        }
        if (npairs == 0) return n;
        *f = (Frame){.node = n, .remaining = 2 * (int64_t)npairs, .at = at, .what = F_TABLE};
        *push = 1;
        return n;
    }
    case TAG_TORCH: {
        if (rd_int(r, &index, "an object's reference index")) return NULL;
        if ((n = memo_get(r, index))) return n;
        int64_t vlen, clen;
        char *vs = rd_string(r, &vlen, "an object's version"), *cname;
        if (!vs) return NULL;
        int version = 0;
        if (has_prefix(vs, vlen, "V ")) {
            char *end;
            double v = strtod(vs + 2, &end);
            if (end == vs + 2 || !(v >= 0 && v <= INT32_MAX)) {
                TH_setError(TH_ERR_VALUE, "t7: object at offset %lld has a malformed version string '%.40s'", (long long)at, vs);
                free(vs);
                return NULL;
            }
            version = (int)v;
            free(vs);
            if (!(cname = rd_string(r, &clen, "a class name"))) return NULL;
        } else {
            cname = vs;     /* written before class versions existed: V 0 */
            clen = vlen;
        }
        int dtype, k = class_kind(cname, clen, &dtype);
        if (!(n = new_node(r->g, THT7_TORCH))) { free(cname); return NULL; }
        n->str = cname;
        n->len = clen;
        n->cls = k;
        n->version = version;
        if (memo_register(r, index, n)) return NULL;
        if (k == THT7_STORAGE) {
            n->storage = rd_storage(r, dtype, cname);
            return n->storage ? n : NULL;
        }
        if (k == THT7_TENSOR) {
            int32_t nd;
            char what[160];
            snprintf(what, sizeof what, "the dimension count of a %s", cname);
            if (rd_int(r, &nd, what)) return NULL;
            if (nd < 0 || nd > TH_MAX_DIMS) {
                TH_setError(TH_ERR_VALUE, "t7: %s at offset %lld has %d dimensions (0 to %d supported)",
                            cname, (long long)at, nd, TH_MAX_DIMS);
                return NULL;
            }
            int64_t *geom = malloc((2 * (size_t)nd + 1) * sizeof *geom);
            if (!geom) { TH_setError(TH_ERR_MEMORY, "t7: out of memory"); return NULL; }
            snprintf(what, sizeof what, "the sizes and strides of a %s", cname);
            for (int i = 0; i < 2 * nd + 1; i++)
                if (rd_long(r, &geom[i], what)) { free(geom); return NULL; }
            *f = (Frame){.node = n, .remaining = 1, .at = at, .what = F_TENSOR, .ndim = nd, .geom = geom};
            *push = 1;
            return n;
        }
        if (k == THT7_GENERATOR) {
            int64_t len = THGenerator_stateSize();
            char *bytes = rd_bytes(r, len, "a torch.Generator state");
            if (!bytes) return NULL;
            THT7Node *s = new_node(r->g, THT7_STRING);
            if (!s) { free(bytes); return NULL; }
            s->str = bytes;
            s->len = len;
            n->payload = s;
            return n;
        }
        if (k == THT7_TDS_HASH || k == THT7_TDS_VEC) {
            int64_t count;
            if (rd_long(r, &count, k == THT7_TDS_HASH ? "a tds.Hash size" : "a tds.Vec size")) return NULL;
            int64_t per = (k == THT7_TDS_HASH ? 2 : 1) * (r->ascii ? 1 : 4);
            if (count < 0 || count > left(r) / per) {
                TH_setError(TH_ERR_VALUE, "t7: %s at offset %lld claims %lld elements but only %lld bytes are left",
                            cname, (long long)at, (long long)count, (long long)left(r));
                return NULL;
            }
            if (!(n->payload = THT7_newTable(r->g))) return NULL;
            if (count == 0) return n;
            *f = (Frame){.node = n, .remaining = (k == THT7_TDS_HASH ? 2 : 1) * count, .at = at,
                         .what = k == THT7_TDS_HASH ? F_HASH : F_VEC};
            *push = 1;
            return n;
        }
        /* any other class (nn.*, user classes): one nested object, its field table, unless
         * the frontend reads the payload itself (a class read method) */
        *f = (Frame){.node = n, .remaining = 1, .at = at, .what = F_OBJECT};
        *push = r->suspend ? 2 : 1;
        return n;
    }
    case TAG_FUNCTION: case TAG_LEGACY_RECUR_FUNCTION: case TAG_RECUR_FUNCTION: {
        if (!r->functions) {
            TH_setError(TH_ERR_VALUE, "t7: the file contains a Lua function (bytecode) at offset %lld; loading it can "
                        "run arbitrary code, so it is refused unless functions are allowed (functions=True)", (long long)at);
            return NULL;
        }
        if (tag != TAG_FUNCTION) {   /* the pre-2014 form carries no reference index */
            if (rd_int(r, &index, "a function's reference index")) return NULL;
            if ((n = memo_get(r, index))) return n;
        }
        int64_t len;
        char *code = rd_string(r, &len, "a function's bytecode");
        if (!code) return NULL;
        if (!(n = new_node(r->g, THT7_FUNCTION))) { free(code); return NULL; }
        n->str = code;
        n->len = len;
        n->cls = tag;
        if (tag != TAG_FUNCTION && memo_register(r, index, n)) return NULL;
        *f = (Frame){.node = n, .remaining = 1, .at = at, .what = F_FUNC};
        *push = 1;
        return n;
    }
    default: {
        const char *hint = "";
        unsigned char b0 = (unsigned char)(tag & 0xff), b1 = (unsigned char)((tag >> 8) & 0xff);
        if (!r->ascii && b0 >= '0' && b0 <= '8' && is_space(b1))
            hint = " (this looks like an ascii .t7 file: read it in ascii mode)";
        else if (!r->ascii)
            hint = " (not a .t7 file, corrupted, or written with another long size?)";
        TH_setError(TH_ERR_VALUE, "t7: unknown type tag %d at offset %lld%s", tag, (long long)at, hint);
        return NULL;
    }
    }
}

static int finish_tensor(THT7Reader *r, Frame *f)
{
    THT7Node *n = f->node, *s = f->key;
    int dtype;
    class_kind(n->str, n->len, &dtype);
    int nd = f->ndim;
    int64_t *size = f->geom, *stride = f->geom + nd, off = f->geom[2 * nd] - 1;
    int64_t numel = 1;
    for (int i = 0; i < nd; i++) {
        TH_CHECK(size[i] >= 0, TH_ERR_VALUE, "t7: %s at offset %lld has a negative size %lld in dimension %d",
                 n->str, (long long)f->at, (long long)size[i], i);
        numel = size[i] == 0 || numel == 0 ? 0 : (numel > INT64_MAX / size[i] ? INT64_MAX : numel * size[i]);
    }
    if (nd == 0) numel = 0;     /* Torch7: no dimensions = an empty tensor */
    int64_t span = 1;           /* also bounds the contiguous strides of an empty tensor */
    for (int i = 0; i < nd; i++)
        if (size[i] > 1 && __builtin_mul_overflow(span, size[i], &span)) span = INT64_MAX;
    TH_CHECK(span <= INT64_MAX / 16, TH_ERR_VALUE, "t7: %s at offset %lld has sizes whose product overflows",
             n->str, (long long)f->at);
    THTensor *t;
    if (s->kind == THT7_NIL) {
        TH_CHECK(numel == 0, TH_ERR_VALUE, "t7: %s at offset %lld has %lld elements but no storage",
                 n->str, (long long)f->at, (long long)numel);
        t = nd == 0 ? THTensor_new(dtype) : THTensor_newWithSize(dtype, nd, size);
    } else {
        int sdt = -1;
        if (s->kind == THT7_TORCH && s->cls == THT7_STORAGE) class_kind(s->str, s->len, &sdt);
        TH_CHECK(sdt == dtype, TH_ERR_VALUE, "t7: %s at offset %lld: its storage is a %s, expected a %s storage",
                 n->str, (long long)f->at, kind_name(s), TH_dtypeName(dtype));
        if (numel == 0) {
            int64_t zero = 0, one = 1;
            t = nd == 0 ? THTensor_newWithStorage(s->storage, 0, 1, &zero, &one)
                        : THTensor_newWithStorage(s->storage, 0, nd, size, stride);
        } else {
            t = THTensor_newWithStorage(s->storage, off, nd, size, stride);
        }
        if (!t) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", TH_lastError());
            return TH_setError(TH_ERR_VALUE, "t7: %s at offset %lld does not fit its storage of %lld elements "
                               "(storage offset %lld): %s", n->str, (long long)f->at, (long long)s->storage->size,
                               (long long)off, msg);
        }
    }
    if (!t) return TH_lastErrorCode();
    n->tensor = t;
    return 0;
}

static int deliver(THT7Reader *r, Frame *f, THT7Node *child)
{
    f->remaining--;
    switch (f->what) {
    case F_TABLE: case F_HASH: {
        if (!f->key) { f->key = child; return 0; }
        THT7Node *k = f->key;
        f->key = NULL;
        return THT7_tableAppend(f->what == F_TABLE ? f->node : f->node->payload, k, child);
    }
    case F_VEC: {
        THT7Node *k = THT7_newNumber(r->g, (double)(f->node->payload->n + 1));
        return k ? THT7_tableAppend(f->node->payload, k, child) : TH_lastErrorCode();
    }
    case F_TENSOR:
        f->key = child;
        return finish_tensor(r, f);
    case F_OBJECT:
        TH_CHECK(child->kind == THT7_TABLE, TH_ERR_VALUE, "t7: expected a field table, found a %s", kind_name(child));
        f->node->payload = child;
        return 0;
    default:  /* F_FUNC */
        f->node->payload = child;
        return 0;
    }
}

static void walk_pop(THT7Reader *r)
{
    Walk *w = r->walk;
    if (!w) return;
    for (int64_t i = 0; i < w->depth; i++) free(w->st[i].geom);
    free(w->st);
    r->walk = w->outer;
    free(w);
}

/* Errors right inside an object's payload name its class: a class with its own write
 * method writes a layout only its read method knows. */
static void payload_context(Walk *w)
{
    Frame *top = w->depth ? &w->st[w->depth - 1] : NULL;
    if (!top || top->what != F_OBJECT || top->node->payload) return;
    char msg[512];
    int code = TH_lastErrorCode();
    snprintf(msg, sizeof msg, "%s", TH_lastError());
    TH_setError(code, "%s (while reading the fields of an object of class %s at offset %lld; if that class has its "
                "own write/read methods, its payload is not one field table and only its read method can load it)",
                msg, top->node->str, (long long)top->at);
}

static int walk_push(Walk *w, Frame f)
{
    if (w->depth == w->cap) {
        int64_t nc = w->cap ? w->cap * 2 : 32;
        Frame *p = realloc(w->st, (size_t)nc * sizeof *p);
        if (!p) { free(f.geom); return TH_setError(TH_ERR_MEMORY, "t7: out of memory (nesting depth %lld)", (long long)w->depth); }
        w->st = p;
        w->cap = nc;
    }
    w->st[w->depth++] = f;
    return 0;
}

/* Runs the innermost walk; node: a finished value to hand to its parent first (or NULL).
 * Returns the walk's root when done (popping the walk), or a suspended object (*pending). */
static THT7Node *walk_run(THT7Reader *r, THT7Node *node, int *pending)
{
    Walk *w = r->walk;
    *pending = 0;
    for (;;) {
        if (!node) {
            Frame f;
            int push;
            if (!(node = read_value(r, &f, &push))) goto fail;
            if (push == 2) {
                w->pending = node;
                w->pending_at = f.at;
                *pending = 1;
                return node;
            }
            if (push) {
                if (walk_push(w, f)) goto fail;
                node = NULL;
                continue;
            }
        }
        for (;;) {   /* hand the finished value to its parent, finishing parents in turn */
            if (w->depth == 0) { walk_pop(r); return node; }
            Frame *top = &w->st[w->depth - 1];
            if (deliver(r, top, node)) goto fail;
            if (top->remaining > 0) break;
            node = top->node;
            free(top->geom);
            w->depth--;
        }
        node = NULL;
    }
fail:
    payload_context(w);
    r->failed = 1;
    while (r->walk) walk_pop(r);
    return NULL;
}

static int reader_usable(THT7Reader *r)
{
    TH_CHECK(r, TH_ERR_VALUE, "t7: reader is NULL");
    TH_CHECK(!r->failed, TH_ERR_RUNTIME, "t7: this reader failed on an earlier object; its references are unusable");
    return 0;
}

/* locale for ascii numbers around a walk */
static THT7Node *walk_locale(THT7Reader *r, THT7Node *node, int *pending)
{
    locale_t old = (locale_t)0;
    if (r->ascii) old = uselocale(c_locale());
    THT7Node *n = walk_run(r, node, pending);
    if (r->ascii && old) uselocale(old);
    if (n && !*pending && !r->walk) {
        r->g->root = n;
        r->g->consumed = r->pos;
    }
    return n;
}

THT7Node *THT7Reader_begin(THT7Reader *r, int *pending)
{
    if (reader_usable(r)) return NULL;
    if (!pending) { TH_setError(TH_ERR_VALUE, "t7: begin: pending flag is NULL"); return NULL; }
    if (r->walk && !r->walk->pending) {
        TH_setError(TH_ERR_RUNTIME, "t7: begin: an object is being read and is not suspended");
        return NULL;
    }
    Walk *w = calloc(1, sizeof *w);
    if (!w) { TH_setError(TH_ERR_MEMORY, "t7: out of memory"); return NULL; }
    w->outer = r->walk;
    r->walk = w;
    return walk_locale(r, NULL, pending);
}

THT7Node *THT7Reader_resume(THT7Reader *r, int custom, int *pending)
{
    if (reader_usable(r)) return NULL;
    Walk *w = r->walk;
    if (!pending || !w || !w->pending) { TH_setError(TH_ERR_RUNTIME, "t7: resume: no suspended object"); return NULL; }
    THT7Node *n = w->pending;
    w->pending = NULL;
    if (custom) return walk_locale(r, n, pending);
    if (walk_push(w, (Frame){.node = n, .remaining = 1, .at = w->pending_at, .what = F_OBJECT})) {
        r->failed = 1;
        while (r->walk) walk_pop(r);
        return NULL;
    }
    return walk_locale(r, NULL, pending);
}

int64_t THT7Reader_readRaw(THT7Reader *r, void *dst, int64_t n)
{
    if (reader_usable(r)) return -1;
    if (!r->walk || !r->walk->pending || n < 0 || (n && !dst)) {
        TH_setError(TH_ERR_RUNTIME, "t7: readRaw: only the read method of a suspended object reads raw bytes");
        return -1;
    }
    if (n > left(r)) n = left(r);
    if (rd_raw(r, dst, n, "raw bytes of an object payload")) { r->failed = 1; return -1; }
    return n;
}

static THT7Node *read_object(THT7Reader *r)
{
    int pending;
    THT7Node *n = THT7Reader_begin(r, &pending);
    if (n && pending) {   /* cannot happen: suspension is off here */
        TH_setError(TH_ERR_RUNTIME, "t7: internal error: suspended without setSuspend");
        return NULL;
    }
    return n;
}

static int check_opts(int format, int long_size, int allow_auto)
{
    TH_CHECK(format == THT7_BINARY || format == THT7_ASCII, TH_ERR_VALUE,
             "t7: format must be THT7_BINARY (0) or THT7_ASCII (1), got %d", format);
    TH_CHECK(long_size == 4 || long_size == 8 || (allow_auto && long_size == 0), TH_ERR_VALUE,
             "t7: long size must be 4 or 8%s, got %d", allow_auto ? " (or 0 to detect it)" : "", long_size);
    TH_CHECK(!T7_BIG_ENDIAN, TH_ERR_RUNTIME, "t7: binary .t7 files are little-endian; big-endian hosts are not supported");
    return 0;
}

THT7Reader *THT7Reader_new(int format, int long_size, int functions, int referenced)
{
    if (check_opts(format, long_size ? long_size : 8, 0)) return NULL;
    THT7Reader *r = calloc(1, sizeof *r);
    if (!r) { TH_setError(TH_ERR_MEMORY, "t7: out of memory"); return NULL; }
    r->ascii = format == THT7_ASCII;
    r->long_size = long_size ? long_size : 8;
    r->functions = functions;
    r->referenced = referenced;
    if (!(r->g = THT7Graph_new())) { free(r); return NULL; }
    r->g->long_size = r->long_size;
    r->g->format = format;
    return r;
}

THT7Graph *THT7Reader_graph(THT7Reader *r) { return r ? r->g : NULL; }

void THT7Reader_setSuspend(THT7Reader *r, int on) { if (r) r->suspend = on != 0; }

static void close_source(Opened *o);

void THT7Reader_free(THT7Reader *r)
{
    if (!r) return;
    while (r->walk) walk_pop(r);
    if (r->open) close_source(&r->src);
    THT7Graph_free(r->g);
    map_free(&r->memo);
    free(r);
}

static THT7Node *reader_run(THT7Reader *r)
{
    int suspend = r->suspend;
    r->suspend = 0;
    THT7Node *n = read_object(r);
    r->suspend = suspend;
    if (!n) r->failed = 1;
    return n;
}

THT7Node *THT7Reader_readBuffer(THT7Reader *r, const char *data, int64_t size, int64_t *pos)
{
    if (!r || !pos || size < 0 || (size && !data) || *pos < 0 || *pos > size) {
        TH_setError(TH_ERR_VALUE, "t7: readBuffer: invalid reader, buffer or position");
        return NULL;
    }
    if (r->walk || r->open) { TH_setError(TH_ERR_RUNTIME, "t7: readBuffer: the reader has an open source"); return NULL; }
    r->buf = (const unsigned char *)data;
    r->fp = NULL;
    r->size = size;
    r->pos = *pos;
    THT7Node *n = reader_run(r);
    if (n) *pos = r->pos;
    r->buf = NULL;
    return n;
}

/* whole file into memory (ascii parsing, non-regular files) */
static char *slurp(FILE *fp, const char *path, int64_t *size)
{
    int64_t cap = 1 << 16, n = 0;
    char *buf = malloc((size_t)cap);
    if (!buf) { TH_setError(TH_ERR_MEMORY, "t7: out of memory reading %s", path); return NULL; }
    for (;;) {
        if (n == cap) {
            char *p = realloc(buf, (size_t)cap * 2);
            if (!p) { free(buf); TH_setError(TH_ERR_MEMORY, "t7: out of memory reading %s", path); return NULL; }
            buf = p;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, (size_t)(cap - n), fp);
        n += (int64_t)k;
        if (k == 0) break;
    }
    if (ferror(fp)) { free(buf); TH_setError(TH_ERR_RUNTIME, "t7: cannot read %s: %s", path, strerror(errno)); return NULL; }
    *size = n;
    return buf;
}

static int open_source(const char *path, int ascii, Opened *o)
{
    memset(o, 0, sizeof *o);
    TH_CHECK(path, TH_ERR_VALUE, "t7: path is NULL");
    FILE *fp = fopen(path, "rb");
    TH_CHECK(fp, TH_ERR_RUNTIME, "t7: cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        return TH_setError(TH_ERR_RUNTIME, "t7: cannot read %s: it is a directory", path);
    }
    if (ascii || fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        o->mem = slurp(fp, path, &o->size);
        fclose(fp);
        return o->mem ? 0 : TH_lastErrorCode();
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 16);
    o->fp = fp;
    o->size = (int64_t)sb.st_size;
    return 0;
}

static void close_source(Opened *o)
{
    if (o->fp) fclose(o->fp);
    free(o->mem);
}

static int point_at(THT7Reader *r, Opened *o, int64_t pos)
{
    r->buf = (const unsigned char *)o->mem;
    r->fp = o->fp;
    r->size = o->size;
    r->pos = pos;
    TH_CHECK(pos >= 0 && pos <= o->size, TH_ERR_VALUE, "t7: position %lld is outside the file (%lld bytes)",
             (long long)pos, (long long)o->size);
    if (o->fp && fseeko(o->fp, (off_t)pos, SEEK_SET) != 0)
        return TH_setError(TH_ERR_RUNTIME, "t7: cannot seek: %s", strerror(errno));
    return 0;
}

THT7Node *THT7Reader_readFile(THT7Reader *r, const char *path, int64_t *pos)
{
    if (!r || !pos) { TH_setError(TH_ERR_VALUE, "t7: readFile: invalid reader or position"); return NULL; }
    if (r->walk || r->open) { TH_setError(TH_ERR_RUNTIME, "t7: readFile: the reader has an open source"); return NULL; }
    Opened o;
    if (open_source(path, r->ascii, &o)) return NULL;
    THT7Node *n = NULL;
    if (!point_at(r, &o, *pos) && (n = reader_run(r))) *pos = r->pos;
    close_source(&o);
    r->buf = NULL;
    r->fp = NULL;
    return n;
}

int THT7Reader_openFile(THT7Reader *r, const char *path, int64_t pos)
{
    TH_TRY(reader_usable(r));
    TH_CHECK(!r->open && !r->walk && !r->buf && !r->fp, TH_ERR_RUNTIME, "t7: openFile: the reader already has a source");
    TH_TRY(open_source(path, r->ascii, &r->src));
    r->open = 1;
    if (point_at(r, &r->src, pos)) { THT7Reader_close(r); return TH_lastErrorCode(); }
    return 0;
}

int THT7Reader_openBuffer(THT7Reader *r, const char *data, int64_t size, int64_t pos)
{
    TH_TRY(reader_usable(r));
    TH_CHECK(!r->open && !r->walk && !r->buf && !r->fp, TH_ERR_RUNTIME, "t7: openBuffer: the reader already has a source");
    TH_CHECK(size >= 0 && (data || !size) && pos >= 0 && pos <= size, TH_ERR_VALUE,
             "t7: openBuffer: invalid buffer or position %lld (size %lld)", (long long)pos, (long long)size);
    r->buf = (const unsigned char *)data;
    r->size = size;
    r->pos = pos;
    return 0;
}

int64_t THT7Reader_close(THT7Reader *r)
{
    if (!r) return -1;
    if (r->walk) {   /* an unfinished object (its read method failed): references are unusable */
        r->failed = 1;
        while (r->walk) walk_pop(r);
    }
    int64_t pos = r->pos;
    if (r->open) close_source(&r->src);
    r->open = 0;
    r->buf = NULL;
    r->fp = NULL;
    return pos;
}

/* One root object with a given long size, into a graph of its own. */
static THT7Graph *read_once(Opened *o, int format, int long_size, int functions)
{
    THT7Reader *r = THT7Reader_new(format, long_size, functions, 1);
    if (!r) return NULL;
    THT7Graph *g = NULL;
    if (!point_at(r, o, 0) && reader_run(r)) {
        g = r->g;
        r->g = NULL;
    }
    THT7Reader_free(r);
    return g;
}

/* Files do not say their long size: try 8 (LP64 writers), then 4 (Windows/32-bit); a parse
 * that consumes the whole input beats one that stops early. */
static THT7Graph *read_root(Opened *o, int format, int long_size, int functions)
{
    if (check_opts(format, long_size, 1)) return NULL;
    if (format == THT7_ASCII || long_size) return read_once(o, format, long_size ? long_size : 8, functions);
    THT7Graph *g8 = read_once(o, format, 8, functions);
    if (g8 && g8->consumed == o->size) return g8;
    char msg8[512];
    int code8 = TH_lastErrorCode();
    snprintf(msg8, sizeof msg8, "%s", TH_lastError());
    THT7Graph *g4 = read_once(o, format, 4, functions);
    if (g4 && g4->consumed == o->size) { THT7Graph_free(g8); return g4; }
    THT7Graph_free(g4);
    if (g8) return g8;
    TH_setError(code8, "%s", msg8);
    return NULL;
}

THT7Graph *THT7_readBuffer(const char *data, int64_t size, int format, int long_size, int functions)
{
    if (size < 0 || (size && !data)) { TH_setError(TH_ERR_VALUE, "t7: readBuffer: invalid buffer"); return NULL; }
    Opened o = {.fp = NULL, .mem = (char *)data, .size = size};
    return read_root(&o, format, long_size, functions);
}

THT7Graph *THT7_readFile(const char *path, int format, int long_size, int functions)
{
    if (check_opts(format, long_size, 1)) return NULL;
    Opened o;
    if (open_source(path, format == THT7_ASCII, &o)) return NULL;
    THT7Graph *g = read_root(&o, format, long_size, functions);
    close_source(&o);
    return g;
}

/* ================================================================ writer */

struct THT7Writer {
    int ascii, long_size, referenced;
    int failed;               /* a failed write may leave indices of unwritten objects in the memo */
    int64_t counter;          /* last reference index handed out */
    Map memo;                 /* node or THStorage* -> reference index */
    FILE *fp;                 /* sink: a file, or the growable buffer below */
    char *buf;
    int64_t len, cap;
};

static int put(THT7Writer *w, const void *p, int64_t n)
{
    if (n <= 0) return 0;
    if (w->fp) {
        if (fwrite(p, 1, (size_t)n, w->fp) != (size_t)n)
            return TH_setError(TH_ERR_RUNTIME, "t7: write error: %s", strerror(errno));
        return 0;
    }
    if (w->len + n > w->cap) {
        int64_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n) cap *= 2;
        char *q = realloc(w->buf, (size_t)cap);
        TH_CHECK(q, TH_ERR_MEMORY, "t7: not enough memory for a %lld-byte serialization", (long long)cap);
        w->buf = q;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, (size_t)n);
    w->len += n;
    return 0;
}

static int putf(THT7Writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int putf(THT7Writer *w, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return put(w, tmp, k);
}

static int wr_int(THT7Writer *w, int32_t v)
{
    if (w->ascii) return putf(w, "%d\n", v);
    return put(w, &v, 4);
}

static int wr_longs(THT7Writer *w, const int64_t *v, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        if (w->ascii) {
            TH_TRY(putf(w, i + 1 < n ? "%lld " : "%lld\n", (long long)v[i]));
        } else if (w->long_size == 4) {
            TH_CHECK(v[i] >= INT32_MIN && v[i] <= INT32_MAX, TH_ERR_VALUE,
                     "t7: the value %lld does not fit a 4-byte long; write with long size 8", (long long)v[i]);
            int32_t x = (int32_t)v[i];
            TH_TRY(put(w, &x, 4));
        } else {
            TH_TRY(put(w, &v[i], 8));
        }
    }
    return 0;
}

static int wr_long(THT7Writer *w, int64_t v) { return wr_longs(w, &v, 1); }

static int wr_double(THT7Writer *w, double v)
{
    if (w->ascii) return putf(w, "%.17g\n", v);
    return put(w, &v, 8);
}

static int wr_raw(THT7Writer *w, const void *p, int64_t n)
{
    TH_TRY(put(w, p, n));
    if (w->ascii && n > 0) return put(w, "\n", 1);
    return 0;
}

static int wr_string(THT7Writer *w, const char *s, int64_t n)
{
    TH_CHECK(n <= T7_MAX_STRING, TH_ERR_VALUE, "t7: a string of %lld bytes is too long for the format", (long long)n);
    TH_TRY(wr_int(w, (int32_t)n));
    return wr_raw(w, s, n);
}

/* Writes the reference index: 1 = already written (just the index), 0 = new (write it). */
static int wr_ref(THT7Writer *w, const void *key, int *seen)
{
    *seen = 0;
    if (w->referenced) {
        int64_t *idx = map_find(&w->memo, (uint64_t)(uintptr_t)key);
        if (idx) { *seen = 1; return wr_int(w, (int32_t)*idx); }
    }
    TH_CHECK(w->counter < INT32_MAX, TH_ERR_VALUE, "t7: too many objects for one file");
    int64_t idx = ++w->counter;
    if (w->referenced) TH_TRY(map_put(&w->memo, (uint64_t)(uintptr_t)key, idx));
    return wr_int(w, (int32_t)idx);
}

static int wr_header(THT7Writer *w, int version, const char *cname, int64_t clen)
{
    char v[32];
    int k = snprintf(v, sizeof v, "V %d", version);
    TH_TRY(wr_string(w, v, k));
    return wr_string(w, cname, clen);
}

static int wr_storage_data(THT7Writer *w, THStorage *s)
{
    int64_t n = s->size;
    int dt = s->dtype, es = TH_dtypeSize(dt);
    TH_TRY(wr_long(w, n));
    if (!w->ascii) {
        if (dt == TH_INT64 && w->long_size == 4) {
            int32_t tmp[4096];
            const int64_t *d = (const int64_t *)s->data;
            for (int64_t i = 0; i < n; i += 4096) {
                int64_t k = n - i < 4096 ? n - i : 4096;
                for (int64_t j = 0; j < k; j++) {
                    TH_CHECK(d[i + j] >= INT32_MIN && d[i + j] <= INT32_MAX, TH_ERR_VALUE,
                             "t7: the LongStorage value %lld does not fit a 4-byte long; write with long size 8",
                             (long long)d[i + j]);
                    tmp[j] = (int32_t)d[i + j];
                }
                TH_TRY(put(w, tmp, k * 4));
            }
            return 0;
        }
        return put(w, s->data, n * es);
    }
    if (dt == TH_UINT8 || dt == TH_INT8 || dt == TH_BOOL) return wr_raw(w, s->data, n);
    char chunk[1 << 14];
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        const char *p = s->data + i * es;
        char sep = i + 1 < n ? ' ' : '\n';
        int k;
        switch (dt) {
        case TH_FLOAT32: k = snprintf(chunk + used, 64, "%.9g%c", (double)*(const float *)p, sep); break;
        case TH_FLOAT16: k = snprintf(chunk + used, 64, "%.9g%c", (double)TH_halfToFloat(*(const uint16_t *)p), sep); break;
        case TH_FLOAT64: k = snprintf(chunk + used, 64, "%.17g%c", *(const double *)p, sep); break;
        default: k = snprintf(chunk + used, 64, "%lld%c", (long long)TH_loadInt64(p, dt), sep); break;
        }
        used += k;
        if (used > (int64_t)sizeof chunk - 64) { TH_TRY(put(w, chunk, used)); used = 0; }
    }
    return put(w, chunk, used);
}

static int wr_storage_object(THT7Writer *w, THStorage *s, const char *cname, int64_t clen, int version)
{
    int seen;
    TH_TRY(wr_int(w, TAG_TORCH));
    TH_TRY(wr_ref(w, s, &seen));
    if (seen) return 0;
    TH_TRY(wr_header(w, version, cname, clen));
    return wr_storage_data(w, s);
}

static int wr_tensor(THT7Writer *w, THT7Node *n)
{
    THTensor *t = n->tensor;
    int nd = t->ndim;
    int64_t one = 1;
    if (nd == 0) {   /* Torch7 has no 0-dim tensors: a scalar is written as one element */
        TH_TRY(wr_int(w, 1));
        TH_TRY(wr_longs(w, &one, 1));
        TH_TRY(wr_longs(w, &one, 1));
    } else {
        TH_TRY(wr_int(w, nd));
        TH_TRY(wr_longs(w, t->size, nd));
        TH_TRY(wr_longs(w, t->stride, nd));
    }
    TH_TRY(wr_long(w, t->offset + 1));
    if (!t->storage) return wr_int(w, TAG_NIL);
    char sname[160];
    int64_t k = n->len;
    if (k >= 6 && k < 140 && memcmp(n->str + k - 6, "Tensor", 6) == 0)
        snprintf(sname, sizeof sname, "%.*sStorage", (int)(k - 6), n->str);
    else
        snprintf(sname, sizeof sname, "torch.%sStorage", dtype_word(t->storage->dtype));
    return wr_storage_object(w, t->storage, sname, (int64_t)strlen(sname), 1);
}

typedef struct { THT7Node *node; int64_t i, n; } WFrame;

/* Writes one value's header and payload; *nchildren > 0 when nested objects follow. */
static int emit(THT7Writer *w, THT7Node *n, int64_t *nchildren)
{
    int seen;
    *nchildren = 0;
    if (!n) return wr_int(w, TAG_NIL);
    switch (n->kind) {
    case THT7_NIL: return wr_int(w, TAG_NIL);
    case THT7_NUMBER: TH_TRY(wr_int(w, TAG_NUMBER)); return wr_double(w, n->number);
    case THT7_BOOLEAN: TH_TRY(wr_int(w, TAG_BOOLEAN)); return wr_int(w, n->boolean ? 1 : 0);
    case THT7_STRING: TH_TRY(wr_int(w, TAG_STRING)); return wr_string(w, n->str, n->len);
    case THT7_TABLE:
        TH_TRY(wr_int(w, TAG_TABLE));
        TH_TRY(wr_ref(w, n, &seen));
        if (seen) return 0;
        TH_CHECK(n->n <= INT32_MAX, TH_ERR_VALUE, "t7: a table of %lld pairs is too big for the format", (long long)n->n);
        TH_TRY(wr_int(w, (int32_t)n->n));
        *nchildren = 2 * n->n;
        return 0;
    case THT7_RAW:
        return put(w, n->str, n->len);
    case THT7_FUNCTION:
        TH_TRY(wr_int(w, n->cls));
        if (n->cls != TAG_FUNCTION) {
            TH_TRY(wr_ref(w, n, &seen));
            if (seen) return 0;
        }
        TH_TRY(wr_string(w, n->str, n->len));
        *nchildren = 1;
        return 0;
    case THT7_TORCH:
        if (n->cls == THT7_STORAGE) return wr_storage_object(w, n->storage, n->str, n->len, n->version);
        TH_TRY(wr_int(w, TAG_TORCH));
        TH_TRY(wr_ref(w, n, &seen));
        if (seen) return 0;
        TH_TRY(wr_header(w, n->version, n->str, n->len));
        switch (n->cls) {
        case THT7_TENSOR: return wr_tensor(w, n);
        case THT7_GENERATOR: return wr_raw(w, n->payload->str, n->payload->len);
        case THT7_TDS_HASH:
            TH_TRY(wr_long(w, n->payload->n));
            *nchildren = 2 * n->payload->n;
            return 0;
        case THT7_TDS_VEC:
            TH_TRY(wr_long(w, n->payload->n));
            *nchildren = n->payload->n;
            return 0;
        case THT7_CUSTOM:
            *nchildren = n->payload->n;
            return 0;
        default:
            *nchildren = 1;
            return 0;
        }
    default:
        return TH_setError(TH_ERR_VALUE, "t7: cannot write a node of kind %d", n->kind);
    }
}

static THT7Node *child_at(THT7Node *n, int64_t i)
{
    switch (n->kind) {
    case THT7_TABLE: return n->kv[i];
    case THT7_FUNCTION: return n->payload;
    default:
        if (n->cls == THT7_TDS_HASH) return n->payload->kv[i];
        if (n->cls == THT7_TDS_VEC || n->cls == THT7_CUSTOM) return n->payload->kv[2 * i + 1];
        return n->payload;
    }
}

static int write_object(THT7Writer *w, THT7Node *root)
{
    WFrame *st = NULL;
    int64_t depth = 0, cap = 0, nch;
    int status = emit(w, root, &nch);
    THT7Node *cur = root;
    while (!status) {
        if (nch > 0) {
            if (!w->referenced && depth >= 100000) {
                status = TH_setError(TH_ERR_VALUE, "t7: object graph nested more than 100000 deep while writing without "
                                     "references (is it cyclic?)");
                break;
            }
            if (depth == cap) {
                int64_t nc = cap ? cap * 2 : 32;
                WFrame *p = realloc(st, (size_t)nc * sizeof *p);
                if (!p) { status = TH_setError(TH_ERR_MEMORY, "t7: out of memory"); break; }
                st = p;
                cap = nc;
            }
            st[depth++] = (WFrame){cur, 0, nch};
        }
        while (depth > 0 && st[depth - 1].i == st[depth - 1].n) depth--;
        if (depth == 0) break;
        WFrame *top = &st[depth - 1];
        cur = child_at(top->node, top->i++);
        status = emit(w, cur, &nch);
    }
    free(st);
    return status;
}

THT7Writer *THT7Writer_new(int format, int long_size, int referenced)
{
    if (check_opts(format, long_size ? long_size : 8, 0)) return NULL;
    THT7Writer *w = calloc(1, sizeof *w);
    if (!w) { TH_setError(TH_ERR_MEMORY, "t7: out of memory"); return NULL; }
    w->ascii = format == THT7_ASCII;
    w->long_size = long_size ? long_size : 8;
    w->referenced = referenced;
    return w;
}

static int writer_run(THT7Writer *w, THT7Node *node)
{
    TH_CHECK(node, TH_ERR_VALUE, "t7: nothing to write (NULL node)");
    locale_t old = (locale_t)0;
    if (w->ascii) old = uselocale(c_locale());
    int st = write_object(w, node);
    if (w->ascii && old) uselocale(old);
    return st;
}

int THT7Writer_write(THT7Writer *w, THT7Node *node)
{
    TH_CHECK(w, TH_ERR_VALUE, "t7: writer is NULL");
    TH_CHECK(!w->failed, TH_ERR_RUNTIME, "t7: this writer failed on an earlier object; its references are unusable");
    int64_t len = w->len;
    int st = writer_run(w, node);
    if (st) {
        w->len = len;    /* a failed object leaves no partial bytes behind */
        w->failed = 1;
    }
    return st;
}

const char *THT7Writer_data(THT7Writer *w, int64_t *size)
{
    if (size) *size = w ? w->len : 0;
    return w && w->buf ? w->buf : "";
}

void THT7Writer_clear(THT7Writer *w) { if (w) w->len = 0; }

void THT7Writer_free(THT7Writer *w)
{
    if (!w) return;
    map_free(&w->memo);
    free(w->buf);
    free(w);
}

int THT7_writeFile(const char *path, THT7Node *root, int format, int long_size)
{
    TH_CHECK(path && *path, TH_ERR_VALUE, "t7: writeFile: empty path");
    THT7Writer *w = THT7Writer_new(format, long_size, 1);
    if (!w) return TH_lastErrorCode();
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 48);
    if (!tmp) { THT7Writer_free(w); return TH_setError(TH_ERR_MEMORY, "t7: out of memory"); }
    static int counter;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(tmp, plen + 48, "%s.tmp-%d-%d", path, (int)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        int st = TH_setError(TH_ERR_RUNTIME, "t7: cannot create a temporary file next to %s: %s", path, strerror(errno));
        free(tmp);
        THT7Writer_free(w);
        return st;
    }
    w->fp = fdopen(fd, "wb");
    int st = 0;
    if (!w->fp) {
        close(fd);
        st = TH_setError(TH_ERR_RUNTIME, "t7: cannot write %s: %s", tmp, strerror(errno));
    } else {
        setvbuf(w->fp, NULL, _IOFBF, 1 << 16);
        st = writer_run(w, root);
        if (!st && fflush(w->fp) != 0) st = TH_setError(TH_ERR_RUNTIME, "t7: cannot write %s: %s", path, strerror(errno));
        if (!st && fsync(fileno(w->fp)) != 0 && errno != EINVAL && errno != EROFS)
            st = TH_setError(TH_ERR_RUNTIME, "t7: cannot sync %s: %s", path, strerror(errno));
        if (fclose(w->fp) != 0 && !st) st = TH_setError(TH_ERR_RUNTIME, "t7: cannot write %s: %s", path, strerror(errno));
        w->fp = NULL;
        if (!st && rename(tmp, path) != 0)
            st = TH_setError(TH_ERR_RUNTIME, "t7: cannot replace %s: %s", path, strerror(errno));
    }
    if (st) unlink(tmp);
    free(tmp);
    THT7Writer_free(w);
    return st;
}
