/* The nonce search in C: the same loop as search.py's `search_nonce`, which stays the readable
 * reference and the fallback where no compiler built this module.
 *
 * A header is 80 bytes and SHA-256 eats 64-byte blocks, so the state after the first 64 bytes
 * (the midstate) is computed once; each attempt then costs two compressions: the last 16 bytes
 * of the header (the end of the merkle root, time, bits, nonce) with their padding, and the
 * 32-byte digest with its padding. Core keeps hand-tuned SHA-256 for the same reason
 * (src/crypto/sha256_*.cpp); here there are two: the CPU's SHA extensions (SHA-NI) when it has
 * them, found at run time, and portable C (FIPS 180-4, section 6.2.2) otherwise.
 *
 * The search releases the GIL: the caller's other threads run while it works, and it searches
 * only the range it is given, so a caller that wants to stop soon asks for small ranges.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t INITIAL[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

typedef void (*compress_fn)(uint32_t state[8], const uint32_t block[16]);

/* -- portable C ------------------------------------------------------------------------------ */

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* One compression of the 16 words `block` into `state`. */
static void compress_portable(uint32_t state[8], const uint32_t block[16])
{
    uint32_t w[64];
    memcpy(w, block, sizeof(uint32_t) * 16);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

/* -- SHA-NI (x86-64) -------------------------------------------------------------------------- */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHANI_CODE 1
#include <cpuid.h>
#include <immintrin.h>

/* The same compression with the SHA extensions. They keep the state as two vectors, (A, B, E, F)
 * and (C, D, G, H), and do two rounds an instruction; sha256msg1/msg2 extend the message four
 * words at a time. */
__attribute__((target("sha,sse4.1")))
static void compress_shani(uint32_t state[8], const uint32_t block[16])
{
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1); /* C D A B */
    __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); /* E F G H */
    __m128i abef = _mm_alignr_epi8(tmp, cdgh, 8);
    cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);
    const __m128i abef_start = abef, cdgh_start = cdgh;

    __m128i m[4]; /* the last four groups of four message words, group g in m[g % 4] */
    for (int g = 0; g < 4; g++) {
        m[g] = _mm_loadu_si128((const __m128i *)&block[4 * g]);
    }
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
        if (g >= 4) { /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
            __m128i w = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
            w = _mm_add_epi32(w, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
            m[g & 3] = _mm_sha256msg2_epu32(w, m[(g + 3) & 3]);
        }
        __m128i msg = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_start);
    cdgh = _mm_add_epi32(cdgh, cdgh_start);
    tmp = _mm_shuffle_epi32(abef, 0x1B);  /* F E B A */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1); /* D C H G */
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(tmp, cdgh, 0xF0)); /* A B C D */
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(cdgh, tmp, 8));    /* E F G H */
}

/* The CPU says it has the SHA extensions (CPUID leaf 7, EBX bit 29) and SSE4.1 (leaf 1, ECX bit
 * 19); the operating system saves the vector registers (they are there on any x86-64 kernel). */
static int cpu_has_shani(void)
{
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 19))) {
        return 0;
    }
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    return (ebx >> 29) & 1;
}
#endif

/* -- the search ------------------------------------------------------------------------------- */

static compress_fn compress = compress_portable;
static const char *kernel_name = "portable";

static uint32_t load_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t load_le32(const unsigned char *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static uint32_t bswap32(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

/* Whether the digest `state` (the second hash) read as a little-endian number is <= the target,
 * given as eight words from the most significant. The digest's last word, byte-swapped, is the
 * number's most significant word. */
static int meets(const uint32_t state[8], const uint32_t target[8])
{
    for (int k = 0; k < 8; k++) {
        uint32_t word = bswap32(state[7 - k]);
        if (word != target[k]) {
            return word < target[k];
        }
    }
    return 1;
}

/* The first nonce in [start, stop) whose header hash meets the target, or -1. */
static long long search(const unsigned char *header76, const uint32_t target[8],
                        unsigned long long start, unsigned long long stop)
{
    uint32_t midstate[8], words[16];
    memcpy(midstate, INITIAL, sizeof midstate);
    for (int i = 0; i < 16; i++) {
        words[i] = load_be32(header76 + 4 * i);
    }
    compress(midstate, words);

    uint32_t tail[16] = {0}; /* header bytes 64..79, then the padding and the length, 640 bits */
    for (int i = 0; i < 3; i++) {
        tail[i] = load_be32(header76 + 64 + 4 * i);
    }
    tail[4] = 0x80000000;
    tail[15] = 640;
    uint32_t second[16] = {0}; /* the first digest, then the padding and the length, 256 bits */
    second[8] = 0x80000000;
    second[15] = 256;

    for (unsigned long long nonce = start; nonce < stop; nonce++) {
        uint32_t state[8];
        tail[3] = bswap32((uint32_t)nonce); /* the nonce is little-endian in the header */
        memcpy(state, midstate, sizeof state);
        compress(state, tail);
        memcpy(second, state, sizeof state);
        memcpy(state, INITIAL, sizeof state);
        compress(state, second);
        if (bswap32(state[7]) <= target[0] && meets(state, target)) {
            return (long long)nonce;
        }
    }
    return -1;
}

PyDoc_STRVAR(search_nonce_doc,
"search_nonce(header76, target, start, stop)\n--\n\n"
"The first nonce in [start, stop) whose header hash is <= target, or None: header76 is the\n"
"header's first 76 bytes, target 32 bytes little-endian, 0 <= start <= stop <= 2**32.");

static PyObject *search_nonce(PyObject *self, PyObject *args)
{
    Py_buffer header, target_bytes;
    unsigned long long start, stop;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*KK", &header, &target_bytes, &start, &stop)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (header.len != 76 || target_bytes.len != 32) {
        PyErr_SetString(PyExc_ValueError, "header76 has 76 bytes and target 32");
    } else if (start > stop || stop > 0x100000000ULL) {
        PyErr_SetString(PyExc_ValueError, "the range is 0 <= start <= stop <= 2**32");
    } else {
        unsigned char head[76];
        uint32_t target[8];
        memcpy(head, header.buf, 76);
        for (int k = 0; k < 8; k++) {
            target[k] = load_le32((const unsigned char *)target_bytes.buf + 28 - 4 * k);
        }
        long long found;
        Py_BEGIN_ALLOW_THREADS
        found = search(head, target, start, stop);
        Py_END_ALLOW_THREADS
        result = found < 0 ? Py_NewRef(Py_None) : PyLong_FromLongLong(found);
    }
    PyBuffer_Release(&header);
    PyBuffer_Release(&target_bytes);
    return result;
}

static PyMethodDef methods[] = {
    {"search_nonce", search_nonce, METH_VARARGS, search_nonce_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "pocketchain.mining._kernel",
    "The native nonce search (see _kernel.c); KERNEL names the SHA-256 it uses.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernel(void)
{
#ifdef HAVE_SHANI_CODE
    const char *chosen = getenv("POCKETCHAIN_KERNEL"); /* "portable": never the SHA extensions */
    if (cpu_has_shani() && (chosen == NULL || strcmp(chosen, "portable") != 0)) {
        compress = compress_shani;
        kernel_name = "SHA-NI";
    }
#endif
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "KERNEL", kernel_name) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
