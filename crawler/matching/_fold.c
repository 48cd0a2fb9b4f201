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

/* Character flags of folded text: an ASCII letter, a l33t digit, a digit. */
#define LETTER 1
#define LEET 2
#define DIGIT 4
static unsigned char FLAGS[256];
/* l33t digit -> letter ("013457" -> "oieast"), other bytes unchanged. */
static unsigned char UNLEET[256];

static void
init_tables(void)
{
    for (int c = 0; c < 256; c++) {
        FLAGS[c] = 0;
        UNLEET[c] = (unsigned char)c;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            FLAGS[c] = LETTER;
        if (c >= '0' && c <= '9')
            FLAGS[c] = DIGIT;
    }
    const char *from = "013457", *to = "oieast";
    for (int k = 0; from[k]; k++) {
        FLAGS[(unsigned char)from[k]] |= LEET;
        UNLEET[(unsigned char)from[k]] = (unsigned char)to[k];
    }
}

static int
needs_slow_path(Py_UCS4 c)
{
    if (c < 256)
        return c == 0xC6 || c == 0xE6 || c == 0xDE || c == 0xDF || c == 0xFE;
    return (c >= 0x100 && c <= 0x24F) || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0xFB00 && c <= 0xFB06) ||
           (c >= 0xFF10 && c <= 0xFF5A);
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
            if (c >= 0xC6 && needs_slow_path(c))
                return -1;
            out[i] = table[c];
        }
        return 0;
    }
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0xC6 && needs_slow_path(c))
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

static PyMethodDef fold_methods[] = {
    {"fold_fields", (PyCFunction)(void (*)(void))fold_fields, METH_FASTCALL,
     "fold_fields(first, second, table) -> (collapsed, folded, long_number) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fold_module = {
    PyModuleDef_HEAD_INIT, "_fold", "Fast path of normalise_fields.", -1, fold_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__fold(void)
{
    init_tables();
    return PyModule_Create(&fold_module);
}
