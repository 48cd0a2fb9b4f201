/* Entry points of _word_trie.c: _fold's word_trie, first_pass and key_hits. */
#ifndef LEAKWATCH_WORD_TRIE_H
#define LEAKWATCH_WORD_TRIE_H

#include <Python.h>

/* word_trie(items, masks) -> a capsule: the trie of an automaton's (key, value) items. */
PyObject *word_trie_build(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
/* first_pass(trie, text) -> (mask, positional), or None when text is not ASCII. */
PyObject *word_trie_first_pass(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
/* key_hits(trie, text, bits) -> [(end, value)] in the automaton's order, or None. */
PyObject *word_trie_key_hits(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
