/* The matcher's passes over a folded post, in C (crawler.matching.first_pass; its Python
 * functions first_pass_python and hits_python are the reference).
 *
 * Every key of the matcher's automaton is either a run of words padded with spaces (" ch de
 * dax ") or a word's end followed by a space ("2btc "). In a text, such a key occurs exactly
 * where its words are whole words (runs of non-spaces) written one after the other with one
 * space between them, followed by a space; or where a word that a space follows ends with it.
 * So the keys are kept as a trie of words, and a text is read word by word: from each word
 * that a space precedes and follows, the words after it are followed down the trie while a
 * child's word may start with the next word's first character. Each node holds what its key
 * stands for in the pass: the signal mask (a vocabulary key's value, or the mask of the entry
 * of an entity or place key) and whether it is such a positional key. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_word_trie.h"

#define ROOT 0u
#define SUFFIX_ROOT 1u /* parent of the word-end keys ("2btc ") */
#define POSITIONAL 1u
#define KEY 2u /* a node that ends a key */
#define MAX_SUFFIX 63

typedef struct {
    uint32_t hash, parent, child, word; /* child 0: an empty slot; word: offset in the pool */
} Edge;

typedef struct {
    Edge *edges;
    size_t capacity, used; /* a power of two; slots taken */
    uint64_t *masks;
    int64_t *values; /* a key's value in the automaton */
    unsigned char *flags;
    uint64_t *follow; /* bit c & 63: a child's word starts with character c */
    size_t nodes, node_capacity;
    unsigned char *pool; /* words, each as its length byte then its bytes */
    size_t pool_used, pool_capacity;
    uint64_t suffix_lengths;        /* bit L: some word-end key is L characters long */
    unsigned char suffix_first[256]; /* first characters of the word-end keys */
} WordTrie;

/* A word's hash: its FNV-1a hash (read as the word is scanned) mixed with its parent's number. */
#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static inline uint32_t
edge_hash(uint32_t parent, uint64_t fnv)
{
    uint64_t h = fnv ^ ((uint64_t)parent * 0x9E3779B97F4A7C15ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static uint32_t
word_hash(uint32_t parent, const unsigned char *word, Py_ssize_t length)
{
    uint64_t fnv = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < length; i++)
        fnv = (fnv ^ word[i]) * FNV_PRIME;
    return edge_hash(parent, fnv);
}

/* The child of ``parent`` by ``word`` (whose hash is ``hash``), or 0. */
static inline uint32_t
trie_find(const WordTrie *trie, uint32_t parent, uint32_t hash, const unsigned char *word,
          Py_ssize_t length)
{
    if (length > 255)
        return 0;
    size_t mask = trie->capacity - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const Edge *edge = &trie->edges[slot];
        if (edge->child == 0)
            return 0;
        if (edge->hash == hash && edge->parent == parent) {
            const unsigned char *stored = trie->pool + edge->word;
            if (stored[0] == length && memcmp(stored + 1, word, (size_t)length) == 0)
                return edge->child;
        }
    }
}

static uint32_t
trie_child(const WordTrie *trie, uint32_t parent, const unsigned char *word, Py_ssize_t length)
{
    return trie_find(trie, parent, word_hash(parent, word, length), word, length);
}

static void
trie_free(WordTrie *trie)
{
    PyMem_Free(trie->edges);
    PyMem_Free(trie->masks);
    PyMem_Free(trie->values);
    PyMem_Free(trie->flags);
    PyMem_Free(trie->follow);
    PyMem_Free(trie->pool);
    PyMem_Free(trie);
}

static void
trie_capsule_free(PyObject *capsule)
{
    trie_free((WordTrie *)PyCapsule_GetPointer(capsule, "leakwatch.word_trie"));
}

static int
trie_grow_edges(WordTrie *trie)
{
    size_t capacity = trie->capacity * 2;
    Edge *edges = PyMem_Calloc(capacity, sizeof(Edge));
    if (edges == NULL)
        return -1;
    for (size_t k = 0; k < trie->capacity; k++) {
        Edge edge = trie->edges[k];
        if (edge.child == 0)
            continue;
        size_t slot = edge.hash & (capacity - 1);
        while (edges[slot].child != 0)
            slot = (slot + 1) & (capacity - 1);
        edges[slot] = edge;
    }
    PyMem_Free(trie->edges);
    trie->edges = edges;
    trie->capacity = capacity;
    return 0;
}

static uint32_t
trie_new_node(WordTrie *trie)
{
    if (trie->nodes == trie->node_capacity) {
        size_t capacity = trie->node_capacity * 2;
        uint64_t *masks = PyMem_Realloc(trie->masks, capacity * sizeof(uint64_t));
        if (masks == NULL)
            return 0;
        trie->masks = masks;
        int64_t *values = PyMem_Realloc(trie->values, capacity * sizeof(int64_t));
        if (values == NULL)
            return 0;
        trie->values = values;
        unsigned char *flags = PyMem_Realloc(trie->flags, capacity);
        if (flags == NULL)
            return 0;
        trie->flags = flags;
        uint64_t *follow = PyMem_Realloc(trie->follow, capacity * sizeof(uint64_t));
        if (follow == NULL)
            return 0;
        trie->follow = follow;
        trie->node_capacity = capacity;
    }
    trie->masks[trie->nodes] = 0;
    trie->values[trie->nodes] = 0;
    trie->flags[trie->nodes] = 0;
    trie->follow[trie->nodes] = 0;
    return (uint32_t)trie->nodes++;
}

/* The child of ``parent`` by ``word``, added if missing; 0 on a memory error. */
static uint32_t
trie_add(WordTrie *trie, uint32_t parent, const unsigned char *word, Py_ssize_t length)
{
    uint32_t child = trie_child(trie, parent, word, length);
    if (child != 0)
        return child;
    if ((trie->used + 1) * 4 > trie->capacity * 3 && trie_grow_edges(trie) < 0)
        return 0;
    if (trie->pool_used + (size_t)length + 1 > trie->pool_capacity) {
        size_t capacity = (trie->pool_capacity + (size_t)length + 1) * 2;
        unsigned char *pool = PyMem_Realloc(trie->pool, capacity);
        if (pool == NULL)
            return 0;
        trie->pool = pool;
        trie->pool_capacity = capacity;
    }
    child = trie_new_node(trie);
    if (child == 0)
        return 0;
    uint32_t hash = word_hash(parent, word, length);
    size_t slot = hash & (trie->capacity - 1);
    while (trie->edges[slot].child != 0)
        slot = (slot + 1) & (trie->capacity - 1);
    trie->edges[slot] = (Edge){hash, parent, child, (uint32_t)trie->pool_used};
    trie->pool[trie->pool_used] = (unsigned char)length;
    memcpy(trie->pool + trie->pool_used + 1, word, (size_t)length);
    trie->pool_used += (size_t)length + 1;
    trie->used++;
    trie->follow[parent] |= 1ull << (word[0] & 63);
    return child;
}

/* The node arrays and the pool cut to what they hold (a failed cut keeps the larger block). */
static void
trie_fit(WordTrie *trie)
{
    size_t nodes = trie->nodes;
    uint64_t *masks = PyMem_Realloc(trie->masks, nodes * sizeof(uint64_t));
    int64_t *values = PyMem_Realloc(trie->values, nodes * sizeof(int64_t));
    unsigned char *flags = PyMem_Realloc(trie->flags, nodes);
    uint64_t *follow = PyMem_Realloc(trie->follow, nodes * sizeof(uint64_t));
    unsigned char *pool = PyMem_Realloc(trie->pool, trie->pool_used);
    trie->masks = masks != NULL ? masks : trie->masks;
    trie->values = values != NULL ? values : trie->values;
    trie->flags = flags != NULL ? flags : trie->flags;
    trie->follow = follow != NULL ? follow : trie->follow;
    trie->pool = pool != NULL ? pool : trie->pool;
}

/* Add one key; -1 with ValueError when it has neither form, or on a memory error. */
static int
trie_add_key(WordTrie *trie, PyObject *key, int64_t value, uint64_t mask)
{
    if (!PyUnicode_Check(key) || !PyUnicode_IS_ASCII(key)) {
        PyErr_SetString(PyExc_ValueError, "word_trie: a key is not an ASCII str");
        return -1;
    }
    const unsigned char *text = PyUnicode_1BYTE_DATA(key);
    Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    if (length < 2 || text[length - 1] != ' ') {
        PyErr_SetString(PyExc_ValueError, "word_trie: a key does not end with a space");
        return -1;
    }
    uint32_t node;
    if (text[0] == ' ') {
        node = ROOT;
        Py_ssize_t start = 1;
        while (start < length) {
            Py_ssize_t end = start;
            while (text[end] != ' ')
                end++;
            if (end == start || end - start > 255) {
                PyErr_SetString(PyExc_ValueError, "word_trie: an empty or too long word");
                return -1;
            }
            node = trie_add(trie, node, text + start, end - start);
            if (node == 0) {
                PyErr_NoMemory();
                return -1;
            }
            start = end + 1;
        }
    }
    else {
        Py_ssize_t size = length - 1;
        if (memchr(text, ' ', (size_t)size) != NULL || size > MAX_SUFFIX) {
            PyErr_SetString(PyExc_ValueError, "word_trie: a word-end key has a space or is long");
            return -1;
        }
        node = trie_add(trie, SUFFIX_ROOT, text, size);
        if (node == 0) {
            PyErr_NoMemory();
            return -1;
        }
        trie->suffix_lengths |= 1ull << size;
        trie->suffix_first[text[0]] = 1;
    }
    trie->masks[node] = mask;
    trie->values[node] = value;
    trie->flags[node] |= KEY | (value < 0 ? POSITIONAL : 0);
    return 0;
}

/* word_trie(items, masks) -> a capsule: the trie of ``items`` ((key, value) pairs of the
 * automaton), a negative value standing for ``masks[~value]`` and a positional key. */
PyObject *
word_trie_build(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "word_trie(items, masks): an iterable and a list");
        return NULL;
    }
    PyObject *masks = args[1];
    WordTrie *trie = PyMem_Calloc(1, sizeof(WordTrie));
    if (trie == NULL)
        return PyErr_NoMemory();
    trie->capacity = 1024;
    trie->edges = PyMem_Calloc(trie->capacity, sizeof(Edge));
    trie->node_capacity = 1024;
    trie->masks = PyMem_Malloc(trie->node_capacity * sizeof(uint64_t));
    trie->values = PyMem_Malloc(trie->node_capacity * sizeof(int64_t));
    trie->flags = PyMem_Malloc(trie->node_capacity);
    trie->follow = PyMem_Malloc(trie->node_capacity * sizeof(uint64_t));
    trie->pool_capacity = 4096;
    trie->pool = PyMem_Malloc(trie->pool_capacity);
    if (trie->edges == NULL || trie->masks == NULL || trie->values == NULL
        || trie->flags == NULL || trie->follow == NULL || trie->pool == NULL) {
        trie_free(trie);
        return PyErr_NoMemory();
    }
    trie_new_node(trie); /* ROOT */
    trie_new_node(trie); /* SUFFIX_ROOT */
    PyObject *iterator = PyObject_GetIter(args[0]);
    if (iterator == NULL) {
        trie_free(trie);
        return NULL;
    }
    PyObject *item;
    while ((item = PyIter_Next(iterator)) != NULL) {
        PyObject *key, *value;
        int ok = PyArg_ParseTuple(item, "OO", &key, &value);
        long long number = ok ? PyLong_AsLongLong(value) : 0;
        uint64_t mask = 0;
        if (ok && !PyErr_Occurred()) {
            PyObject *source = value;
            if (number < 0) {
                source = PyList_GetItem(masks, (Py_ssize_t)~number);
            }
            if (source != NULL) {
                mask = PyLong_AsUnsignedLongLong(source);
            }
        }
        if (!ok || PyErr_Occurred() || trie_add_key(trie, key, number, mask) < 0) {
            Py_DECREF(item);
            Py_DECREF(iterator);
            trie_free(trie);
            return NULL;
        }
        Py_DECREF(item);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) {
        trie_free(trie);
        return NULL;
    }
    trie_fit(trie);
    PyObject *capsule = PyCapsule_New(trie, "leakwatch.word_trie", trie_capsule_free);
    if (capsule == NULL)
        trie_free(trie);
    return capsule;
}

/* A key found by trie_read: where it ends (its last space) and starts, and its node. */
typedef struct {
    Py_ssize_t end, start;
    uint32_t node;
} Hit;

typedef struct {
    Hit *hits;
    size_t count, capacity;
    uint64_t bits; /* record the positional keys and those with one of these signal bits */
    int failed;
} Hits;

static inline void
trie_found(const WordTrie *trie, uint32_t node, Py_ssize_t start, Py_ssize_t end, uint64_t *mask,
           unsigned *flags, Hits *hits)
{
    *mask |= trie->masks[node];
    *flags |= trie->flags[node];
    if (hits == NULL || !(trie->flags[node] & KEY)
        || !((trie->flags[node] & POSITIONAL) || (trie->masks[node] & hits->bits)))
        return;
    if (hits->count == hits->capacity) {
        size_t capacity = hits->capacity ? hits->capacity * 2 : 64;
        Hit *grown = PyMem_Realloc(hits->hits, capacity * sizeof(Hit));
        if (grown == NULL) {
            hits->failed = 1;
            return;
        }
        hits->hits = grown;
        hits->capacity = capacity;
    }
    hits->hits[hits->count++] = (Hit){end, start, node};
}

/* Read ``text`` word by word: the OR of the masks and flags of the keys in it, and the hits
 * ``hits`` asks for when it is not NULL (in the order of the walk, not of the text). */
static void
trie_read(const WordTrie *trie, const unsigned char *text, Py_ssize_t length, uint64_t *mask,
          unsigned *flags, Hits *hits)
{
    Py_ssize_t at = 0;
    while (at < length) {
        if (text[at] == ' ') {
            at++;
            continue;
        }
        Py_ssize_t start = at;
        uint64_t fnv = FNV_OFFSET;
        while (at < length && text[at] != ' ')
            fnv = (fnv ^ text[at++]) * FNV_PRIME;
        if (at == length)
            break; /* no space after the last word: no key ends in it */
        Py_ssize_t size = at - start;
        uint64_t lengths = trie->suffix_lengths;
        while (lengths) {
            int suffix = __builtin_ctzll(lengths);
            lengths &= lengths - 1;
            if (suffix > size)
                break;
            if (trie->suffix_first[text[at - suffix]]) {
                uint32_t node = trie_child(trie, SUFFIX_ROOT, text + at - suffix, suffix);
                if (node != 0)
                    trie_found(trie, node, at - suffix, at, mask, flags, hits);
            }
        }
        if (start == 0)
            continue; /* no space before the first word: no key starts at it */
        uint32_t node = trie_find(trie, ROOT, edge_hash(ROOT, fnv), text + start, at - start);
        Py_ssize_t end = at;
        while (node != 0) {
            trie_found(trie, node, start - 1, end, mask, flags, hits);
            /* The next word, when one child's word may start with its first character. */
            Py_ssize_t word = end + 1;
            if (word >= length || text[word] == ' ')
                break;
            if (!((trie->follow[node] >> (text[word] & 63)) & 1))
                break;
            fnv = FNV_OFFSET;
            for (end = word; end < length && text[end] != ' '; end++)
                fnv = (fnv ^ text[end]) * FNV_PRIME;
            if (end == length)
                break;
            node = trie_find(trie, node, edge_hash(node, fnv), text + word, end - word);
        }
    }
}

/* The trie and the ASCII text of a call's arguments; NULL text (no error) when not ASCII. */
static const WordTrie *
trie_and_text(PyObject *const *args, const unsigned char **text, Py_ssize_t *length)
{
    const WordTrie *trie = PyCapsule_GetPointer(args[0], "leakwatch.word_trie");
    *text = NULL;
    if (trie != NULL && PyUnicode_IS_ASCII(args[1])) {
        *text = PyUnicode_1BYTE_DATA(args[1]);
        *length = PyUnicode_GET_LENGTH(args[1]);
    }
    return trie;
}

/* first_pass(trie, text) -> (mask, positional), or None when ``text`` is not ASCII: the OR of
 * the masks of every key occurring in ``text``, and whether one of them is positional. */
PyObject *
word_trie_first_pass(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "first_pass(trie, text): a trie and a str");
        return NULL;
    }
    const unsigned char *text;
    Py_ssize_t length;
    const WordTrie *trie = trie_and_text(args, &text, &length);
    if (trie == NULL)
        return NULL;
    if (text == NULL)
        Py_RETURN_NONE;
    uint64_t mask = 0;
    unsigned flags = 0;
    trie_read(trie, text, length, &mask, &flags, NULL);
    PyObject *mask_object = PyLong_FromUnsignedLongLong(mask);
    if (mask_object == NULL)
        return NULL;
    return Py_BuildValue("(NO)", mask_object, (flags & POSITIONAL) ? Py_True : Py_False);
}

static int
hit_order(const void *first, const void *second)
{
    const Hit *a = first, *b = second;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* key_hits(trie, text, bits) -> the (end, value) pairs of the automaton's ``iter(text)`` whose
 * key is positional or has one of the signal ``bits``, in its order (by end, then the longest
 * key first); None when ``text`` is not ASCII. */
PyObject *
word_trie_key_hits(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3 || !PyUnicode_Check(args[1]) || !PyLong_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "key_hits(trie, text, bits): a trie, a str, an int");
        return NULL;
    }
    const unsigned char *text;
    Py_ssize_t length;
    const WordTrie *trie = trie_and_text(args, &text, &length);
    if (trie == NULL)
        return NULL;
    if (text == NULL)
        Py_RETURN_NONE;
    Hits hits = {NULL, 0, 0, PyLong_AsUnsignedLongLong(args[2]), 0};
    if (PyErr_Occurred())
        return NULL;
    uint64_t mask = 0;
    unsigned flags = 0;
    trie_read(trie, text, length, &mask, &flags, &hits);
    if (hits.failed) {
        PyMem_Free(hits.hits);
        return PyErr_NoMemory();
    }
    if (hits.count > 1)
        qsort(hits.hits, hits.count, sizeof(Hit), hit_order);
    PyObject *list = PyList_New((Py_ssize_t)hits.count);
    for (size_t k = 0; list != NULL && k < hits.count; k++) {
        PyObject *pair = Py_BuildValue("(nL)", hits.hits[k].end, trie->values[hits.hits[k].node]);
        if (pair == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)k, pair);
    }
    PyMem_Free(hits.hits);
    return list;
}
