/* Fast path of crawler.matching.normalise.normalise_fields, in C.
 *
 * fold_fields(first, second, table) folds ``first + " \0 " + second`` exactly like the
 * pure-Python reference (normalise.normalise_fields_python) when every character folds to one
 * character: code points below 256 go through ``table`` (normalise._TABLE), code points above
 * become a space, the join becomes " | ", light l33t is undone inside words, and the padded text
 * has its space runs collapsed. It returns ``(collapsed, folded, long_number)``, or None when the
 * text needs the Python slow path (a Latin-1 letter folding to two letters, or a character outside
 * Latin-1 that folds to a letter: normalise._EXPANDING and normalise._SLOW).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* FLAGS, UNLEET, EXPANDING_LATIN1, SLOW_RANGES and the record-count signs: generated from the
 * Python tables by crawler/matching/fold_header.py. */
#include "_fold_tables.h"
/* The matcher's passes over a folded post (word_trie, first_pass, key_hits). */
#include "_word_trie.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static int
is_one_of(Py_UCS4 c, const Py_UCS4 *characters, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (c == characters[k])
            return 1;
    return 0;
}

static int
needs_slow_path(Py_UCS4 c)
{
    if (c < 256)
        return EXPANDING_LATIN1[c];
    for (size_t k = 0; k < COUNT(SLOW_RANGES); k++)
        if (c >= SLOW_RANGES[k][0] && c <= SLOW_RANGES[k][1])
            return 1;
    return 0;
}

/* Fold ``text`` into ``out`` through ``table``; -1 if the slow path is needed. */
static int
fold_into(PyObject *text, const unsigned char *table, unsigned char *out)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *chars = (const Py_UCS1 *)data;
        for (Py_ssize_t i = 0; i < length; i++) {
            Py_UCS1 c = chars[i];
            if (c >= FIRST_SLOW && needs_slow_path(c))
                return -1;
            out[i] = table[c];
        }
        return 0;
    }
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= FIRST_SLOW && needs_slow_path(c))
            return -1;
        out[i] = c < 256 ? table[c] : ' ';
    }
    return 0;
}

/* normalise._unleet for the word around ``text[at]``, where a l33t digit is next to a letter:
 * a word (run of non-spaces) with two letters or more and more letters than digits has its l33t
 * digits turned into letters, in ``text`` and in its collapsed copy, where ``text[at]`` is
 * ``packed[packed_at]``. Returns the end of the word; sets ``*long_number`` if the word has
 * seven digits in a row before l33t is undone. */
static Py_ssize_t
unleet_word(unsigned char *text, Py_ssize_t length, Py_ssize_t at, unsigned char *packed,
            Py_ssize_t packed_at, int *long_number)
{
    Py_ssize_t start = at, end = at;
    while (start > 0 && text[start - 1] != ' ')
        start--;
    while (end < length && text[end] != ' ')
        end++;
    Py_ssize_t digits = 0;
    unsigned run = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        unsigned digit = (FLAGS[text[i]] & DIGIT) != 0;
        digits += digit;
        run = (run + 1) & (0u - digit);
        *long_number |= run >= 7;
    }
    Py_ssize_t letters = (end - start) - digits;
    if (letters >= 2 && letters > digits) {
        unsigned char *copy = packed + packed_at - (at - start);
        for (Py_ssize_t i = start; i < end; i++) {
            text[i] = UNLEET[text[i]];
            copy[i - start] = text[i];
        }
    }
    return end;
}

static PyObject *
fold_fields(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "fold_fields(first, second, table) takes 3 arguments");
        return NULL;
    }
    PyObject *first = args[0], *second = args[1], *table_object = args[2];
    if (!PyUnicode_Check(first) || !PyUnicode_Check(second)) {
        PyErr_SetString(PyExc_TypeError, "fold_fields: first and second must be str");
        return NULL;
    }
    if (!PyBytes_Check(table_object) || PyBytes_GET_SIZE(table_object) != 256) {
        PyErr_SetString(PyExc_TypeError, "fold_fields: table must be 256 bytes");
        return NULL;
    }
    const unsigned char *table = (const unsigned char *)PyBytes_AS_STRING(table_object);
    Py_ssize_t first_length = PyUnicode_GET_LENGTH(first);
    Py_ssize_t length = first_length + 3 + PyUnicode_GET_LENGTH(second);

    PyObject *folded = PyUnicode_New(length, 127);
    if (folded == NULL)
        return NULL;
    unsigned char *out = PyUnicode_1BYTE_DATA(folded);
    if (fold_into(first, table, out) < 0 || fold_into(second, table, out + first_length + 3) < 0) {
        Py_DECREF(folded);
        Py_RETURN_NONE;
    }
    out[first_length] = ' ';
    out[first_length + 1] = '|';
    out[first_length + 2] = ' ';

    /* One pass: the padded text with space runs collapsed, a run of seven digits, and the
     * words to undo l33t in (where a l33t digit is next to a letter: rare). */
    PyObject *collapsed = PyUnicode_New(length + 2, 127);
    if (collapsed == NULL) {
        Py_DECREF(folded);
        return NULL;
    }
    unsigned char *packed = PyUnicode_1BYTE_DATA(collapsed);
    int long_number = 0;
    unsigned run = 0;
    Py_ssize_t at = 1;
    Py_ssize_t done = 0;
    unsigned char previous = ' ';
    packed[0] = ' ';
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = out[i];
        unsigned flags = FLAGS[c], before = FLAGS[previous];
        packed[at] = c;
        run = (run + 1) & (0u - ((flags & DIGIT) != 0));
        long_number |= run >= 7;
        if (((flags & (before << 1)) | (before & (flags << 1))) & LEET) {
            if (i >= done)
                done = unleet_word(out, length, i, packed, at, &long_number);
            c = out[i];
        }
        at += (c != ' ') | (previous != ' ');
        previous = c;
    }
    if (previous != ' ')
        packed[at++] = ' ';
    packed[at] = 0;
    if (PyUnicode_Resize(&collapsed, at) < 0) {
        Py_DECREF(folded);
        return NULL;
    }

    PyObject *result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(folded);
        Py_DECREF(collapsed);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, collapsed);
    PyTuple_SET_ITEM(result, 1, folded);
    PyTuple_SET_ITEM(result, 2, PyBool_FromLong(long_number));
    return result;
}


/* ---- Record counts (crawler.matching.claims._scan with records alone) ---- */

static inline int
ascii_digit(Py_UCS4 c)
{
    return c >= '0' && c <= '9';
}

/* How many characters after a multiplier the Python path can look at: an optional "+", a space,
 * "de ", "d'" or "of ", a space, the longest record word (15 characters), then up to two spaces
 * and the first three letters of a currency (claims._PRICE_AFTER_COUNT). */
#define RECORD_TAIL 26

/* The record count of the number ``text[start:end]`` (ASCII digits) when it is written
 * ``750k`` or ``2M`` before a character that is not a word character, and nothing after it can
 * make the Python path refuse it as a price or percentage: 1 and ``*value`` (-1 for no count);
 * 0 when the Python path must decide. Same rules as claims._records_at. */
static int
record_fast(int kind, const void *data, Py_ssize_t length, Py_ssize_t start, Py_ssize_t end,
            double *value)
{
    if (end >= length || end - start > 40)
        return 0;
    Py_UCS4 multiplier = PyUnicode_READ(kind, data, end);
    double factor;
    if (multiplier == 'k' || multiplier == 'K')
        factor = 1e3;
    else if (multiplier == 'm' || multiplier == 'M')
        factor = 1e6;
    else
        return 0;
    if (end + 1 < length) {
        Py_UCS4 after = PyUnicode_READ(kind, data, end + 1);
        if (after >= 128 || Py_UNICODE_ISALNUM(after) || after == '_')
            return 0;
    }
    /* No sign or the first three letters of a word of claims.NOT_RECORDS_AFTER ("$", "%",
     * "usd", "bit"…, any case) where the Python path's _PRICE_AFTER_COUNT looks for one. */
    Py_ssize_t stop = end + 1 + RECORD_TAIL < length ? end + 1 + RECORD_TAIL : length;
    char previous[2] = {0, 0};
    for (Py_ssize_t i = end + 1; i < stop; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (is_one_of(c, NOT_RECORDS_AFTER_SIGNS, COUNT(NOT_RECORDS_AFTER_SIGNS)))
            return 0;
        char lower = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (c < 128 ? (char)c : 0);
        for (size_t k = 0; k < COUNT(NOT_RECORDS_AFTER_WORDS); k++) {
            const char *word = NOT_RECORDS_AFTER_WORDS[k];
            if (previous[0] == word[0] && previous[1] == word[1] && lower == word[2])
                return 0;
        }
        previous[0] = previous[1];
        previous[1] = lower;
    }
    *value = -1;
    if (start > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, start - 1);
        if (Py_UNICODE_ISALNUM(c) || is_one_of(c, GLUED_BEFORE, COUNT(GLUED_BEFORE)))
            return 1;
    }
    for (Py_ssize_t i = start - 2 < 0 ? 0 : start - 2; i < start; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (is_one_of(c, CURRENCY_SIGNS, COUNT(CURRENCY_SIGNS)))
            return 1;
    }
    char digits[48];
    for (Py_ssize_t i = start; i < end; i++)
        digits[i - start] = (char)PyUnicode_READ(kind, data, i);
    digits[end - start] = 0;
    double number = PyOS_string_to_double(digits, NULL, NULL);
    if (number == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    number *= factor;
    if (number >= 100)
        *value = number;
    return 1;
}

/* scan_records(text, records_at) -> the largest record count in ``text`` (a float) or None:
 * claims._scan's loop over runs of ASCII digits, with claims._records_at called for every
 * number the fast path above does not decide. */
static PyObject *
scan_records(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "scan_records(text, records_at): a str and a callable");
        return NULL;
    }
    PyObject *text = args[0], *records_at = args[1];
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int found = 0;
    double best = 0;
    Py_ssize_t read_to = 0;
    Py_ssize_t i = 0;
    while (i < length) {
        if (!ascii_digit(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < length && ascii_digit(PyUnicode_READ(kind, data, i)))
            i++;
        if (start < read_to)
            continue;
        double value;
        if (record_fast(kind, data, length, start, i, &value)) {
            read_to = i + 1; /* what follows the multiplier up to the match's end has no digit */
        }
        else {
            PyObject *result = PyObject_CallFunction(records_at, "On", text, start);
            if (result == NULL)
                return NULL;
            PyObject *end_object, *value_object;
            if (!PyArg_ParseTuple(result, "OO", &end_object, &value_object)) {
                Py_DECREF(result);
                return NULL;
            }
            read_to = PyLong_AsSsize_t(end_object);
            value = value_object == Py_None ? -1 : PyFloat_AsDouble(value_object);
            Py_DECREF(result);
            if (PyErr_Occurred())
                return NULL;
        }
        if (value >= 0 && (!found || value > best)) {
            found = 1;
            best = value;
        }
    }
    if (!found)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(best);
}


static PyMethodDef fold_methods[] = {
    {"fold_fields", (PyCFunction)(void (*)(void))fold_fields, METH_FASTCALL,
     "fold_fields(first, second, table) -> (collapsed, folded, long_number) or None"},
    {"scan_records", (PyCFunction)(void (*)(void))scan_records, METH_FASTCALL,
     "scan_records(text, records_at) -> the largest record count (float) or None"},
    {"word_trie", (PyCFunction)(void (*)(void))word_trie_build, METH_FASTCALL,
     "word_trie(items, masks) -> the trie of an automaton's keys (a capsule)"},
    {"first_pass", (PyCFunction)(void (*)(void))word_trie_first_pass, METH_FASTCALL,
     "first_pass(trie, text) -> (mask, positional) or None"},
    {"key_hits", (PyCFunction)(void (*)(void))word_trie_key_hits, METH_FASTCALL,
     "key_hits(trie, text, bits) -> [(end, value)] or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fold_module = {
    PyModuleDef_HEAD_INIT, "_fold",
    "Fast paths of normalise_fields, of record counts in claims and of the matcher's passes.", -1,
    fold_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__fold(void)
{
    return PyModule_Create(&fold_module);
}
