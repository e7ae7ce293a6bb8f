#include "core/tensor/PackedMatrix.h"

#include "core/tensor/TensorOps.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <utility>

// This file is compiled with -ffp-contract=fast (core/CMakeLists.txt): every
// `acc += a * b` below is one fused multiply-add, in both kernels alike.

namespace kv {

namespace {

#if defined(__AVX512F__)
// Sixteen floats a register; twelve rows of two registers keep 24 of the 32
// registers accumulating, each panel row loaded once per twelve rows.
constexpr int kLaneFloats = 16;
constexpr int kRowBlock = 12;
#else
// Eight floats a register (AVX2); two rows of four keep 8 of the 16 accumulating.
constexpr int kLaneFloats = 8;
constexpr int kRowBlock = 2;
#endif
constexpr int kLanes = PackedMatrix::kPanelWidth / kLaneFloats;
typedef float Lane __attribute__((vector_size(kLaneFloats * sizeof(float))));

// Depth of one pass over a panel. A whole panel of GPT-2 small (96 KiB, or
// 384 KiB for mlp.c_proj's 3072 rows) stays in the second-level cache while
// every block of rows reads it, and the weights stream as one run per panel:
// blocks of 256 rows (32 KiB, for the first-level cache) broke the stream
// into pieces 96 KiB apart and cost ~10% at 100 rows, ~25% at 11.
constexpr Eigen::Index kDepthBlock = 4096;
// Panels the one-row kernel reads side by side: 4 x kLanes independent chains
// of multiply-adds hide their latency, four streams keep the memory busy.
constexpr int kPanelsAtOnce = 4;
// Rows of an in-place matrix the one-row kernel reads at once (each lane's
// chain in a register across them), and how many rows ahead it asks for the
// ones it reads next: each thread reads a short run of every row (its share
// of the columns), too short for the hardware prefetchers to follow; without
// the requests it ran ~20% slower than the packed copy, with them alike
// (GPT-2 small's 48 matrices, 2 threads, about 10 ms either way).
constexpr int kStreamRows = 8;
constexpr int kStreamAhead = 16;
constexpr int kLineFloats = 64 / sizeof(float);
// An in-place matrix's panels multiplied by several rows are gathered this
// many at a time, this many rows deep (512 KiB, in the second-level cache).
constexpr Eigen::Index kGatherPanels = 4;
constexpr Eigen::Index kGatherDepth = 1024;
// Below this many multiply-adds a product runs on one thread.
constexpr Eigen::Index kParallelMacs = Eigen::Index(1) << 16;

Lane load(const float* from)
{
    Lane lane;
    std::memcpy(&lane, from, sizeof(Lane));
    return lane;
}

void store(const Lane& lane, float* to)
{
    std::memcpy(to, &lane, sizeof(Lane));
}

// c (Rows x kPanelWidth, row stride ldc) = [c +] x[:, 0..depth) . w[0..depth),
// x's rows ldx floats apart, w's (a panel's rows from some depth on) ldw apart.
template <int Rows>
void rowBlock(const float* x, Eigen::Index ldx, const float* w, Eigen::Index ldw, Eigen::Index depth, float* c,
              Eigen::Index ldc, bool accumulate)
{
    Lane acc[Rows][kLanes];
    for (int r = 0; r < Rows; ++r)
        for (int l = 0; l < kLanes; ++l)
            acc[r][l] = accumulate ? load(c + r * ldc + l * kLaneFloats) : Lane{};
    for (Eigen::Index k = 0; k < depth; ++k) {
        Lane weights[kLanes];
        for (int l = 0; l < kLanes; ++l)
            weights[l] = load(w + k * ldw + l * kLaneFloats);
        for (int r = 0; r < Rows; ++r) {
            const float a = x[r * ldx + k];
            for (int l = 0; l < kLanes; ++l)
                acc[r][l] += a * weights[l];
        }
    }
    for (int r = 0; r < Rows; ++r)
        for (int l = 0; l < kLanes; ++l)
            store(acc[r][l], c + r * ldc + l * kLaneFloats);
}

using RowBlockKernel = void (*)(const float*, Eigen::Index, const float*, Eigen::Index, Eigen::Index, float*,
                                Eigen::Index, bool);

template <int... Rows>
constexpr std::array<RowBlockKernel, sizeof...(Rows)> rowBlockKernels(std::integer_sequence<int, Rows...>)
{
    return {&rowBlock<Rows + 1>...};
}

// rowBlockKernel(r) multiplies r rows at once, 1 <= r <= kRowBlock.
RowBlockKernel rowBlockKernel(Eigen::Index rows)
{
    static constexpr auto kernels = rowBlockKernels(std::make_integer_sequence<int, kRowBlock>{});
    return kernels[static_cast<std::size_t>(rows - 1)];
}

// out[0 .. Panels * kPanelWidth) = x . the Panels panels starting at `panels`
// (each k x kPanelWidth, one after the other): the same chains as rowBlock.
template <int Panels>
void rowPanels(const float* x, Eigen::Index k, const float* panels, float* out)
{
    Lane acc[Panels][kLanes];
    for (int p = 0; p < Panels; ++p)
        for (int l = 0; l < kLanes; ++l)
            acc[p][l] = Lane{};
    for (Eigen::Index i = 0; i < k; ++i) {
        const float a = x[i];
        for (int p = 0; p < Panels; ++p)
            for (int l = 0; l < kLanes; ++l)
                acc[p][l] += a * load(panels + (p * k + i) * PackedMatrix::kPanelWidth + l * kLaneFloats);
    }
    for (int p = 0; p < Panels; ++p)
        for (int l = 0; l < kLanes; ++l)
            store(acc[p][l], out + p * PackedMatrix::kPanelWidth + l * kLaneFloats);
}

// out[0 .. kPanelWidth) [+]= a[0 .. Rows) . the Rows rows of one column strip
// of W from `w` (rows ldw floats apart), each lane's chain carried in `out`.
// The strip of the row kStreamAhead rows further is requested towards the
// second-level cache as this one is read, while `ahead` says it exists.
template <int Rows>
void streamPanel(const float (&a)[Rows], const float* w, Eigen::Index ldw, Eigen::Index ahead, float* out,
                 bool accumulate)
{
    Lane acc[kLanes];
    for (int l = 0; l < kLanes; ++l)
        acc[l] = accumulate ? load(out + l * kLaneFloats) : Lane{};
    for (int r = 0; r < Rows; ++r) {
        if (r + kStreamAhead < ahead)
            for (int line = 0; line < PackedMatrix::kPanelWidth; line += kLineFloats)
                __builtin_prefetch(w + (r + kStreamAhead) * ldw + line, 0, 1);
        for (int l = 0; l < kLanes; ++l)
            acc[l] += a[r] * load(w + r * ldw + l * kLaneFloats);
    }
    for (int l = 0; l < kLanes; ++l)
        store(acc[l], out + l * kLaneFloats);
}

// out[0 .. width) [+]= x[0 .. Rows) . the Rows rows of W from `w`, strip by
// strip; `ahead` rows of W exist from `w` on.
template <int Rows>
void streamRowGroup(const float* x, const float* w, Eigen::Index ldw, Eigen::Index ahead, Eigen::Index width,
                    float* out, bool accumulate)
{
    float a[Rows]; // kept apart from `out`, which the compiler must assume x may alias
    for (int r = 0; r < Rows; ++r)
        a[r] = x[r];
    for (Eigen::Index j = 0; j < width; j += PackedMatrix::kPanelWidth)
        streamPanel<Rows>(a, w + j, ldw, ahead, out + j, accumulate);
}

// out[0 .. width) = x . W (k x width, rows ldw floats apart, width a multiple
// of kPanelWidth), reading W row after row as it lies: the chains of rowBlock
// and rowPanels (zero, then x_i w_i added for i = 0 .. k-1), kept in `out`
// (the first-level cache) between groups of kStreamRows rows.
void streamRows(const float* x, Eigen::Index k, const float* w, Eigen::Index ldw, Eigen::Index width, float* out)
{
    Eigen::Index i = 0;
    for (; i + kStreamRows <= k; i += kStreamRows)
        streamRowGroup<kStreamRows>(x + i, w + i * ldw, ldw, k - i, width, out, i > 0);
    for (; i < k; ++i)
        streamRowGroup<1>(x + i, w + i * ldw, ldw, k - i, width, out, i > 0);
}

// Copies `panels` whole panels of an in-place matrix, rows [0, depth) from
// `from` (rows ldw floats apart), into `to` as packed panels (each depth x
// kPanelWidth, one after the other): each row of W is read as one run of
// panels x 128 bytes.
void gatherPanels(const float* from, Eigen::Index ldw, Eigen::Index depth, Eigen::Index panels, float* to)
{
    for (Eigen::Index k = 0; k < depth; ++k)
        for (Eigen::Index q = 0; q < panels; ++q)
            std::memcpy(to + (q * depth + k) * PackedMatrix::kPanelWidth, from + k * ldw + q * PackedMatrix::kPanelWidth,
                        PackedMatrix::kPanelWidth * sizeof(float));
}

// This thread's buffer for gatherPanels, at least `floats` long (sized once).
float* panelBuffer(std::size_t floats)
{
    thread_local std::vector<float, Eigen::aligned_allocator<float>> buffer;
    if (buffer.size() < floats)
        buffer.resize(floats);
    return buffer.data();
}

// out's columns [column, column + width) [+]= x[:, k0 .. k0 + depth) . w (a
// panel's rows from k0 on, one after the other), x's rows in `blocks` blocks
// as even as kRowBlock allows. A panel narrower than kPanelWidth (the padded
// last one) goes through `tile`.
void panelProduct(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out, Eigen::Index column, Eigen::Index width,
                  Eigen::Index k0, Eigen::Index depth, const float* w, Eigen::Index blocks, bool accumulate, float* tile)
{
    const Eigen::Index n = x.rows();
    for (Eigen::Index block = 0; block < blocks; ++block) {
        const Eigen::Index r0 = n * block / blocks;
        const Eigen::Index rows = n * (block + 1) / blocks - r0;
        const float* xr = x.data() + r0 * x.outerStride() + k0;
        float* c = out.data() + r0 * out.outerStride() + column;
        if (width == PackedMatrix::kPanelWidth) {
            rowBlockKernel(rows)(xr, x.outerStride(), w, PackedMatrix::kPanelWidth, depth, c, out.outerStride(), accumulate);
            continue;
        }
        for (Eigen::Index r = 0; accumulate && r < rows; ++r)
            std::copy(c + r * out.outerStride(), c + r * out.outerStride() + width, tile + r * PackedMatrix::kPanelWidth);
        rowBlockKernel(rows)(xr, x.outerStride(), w, PackedMatrix::kPanelWidth, depth, tile, PackedMatrix::kPanelWidth,
                             accumulate);
        for (Eigen::Index r = 0; r < rows; ++r)
            std::copy(tile + r * PackedMatrix::kPanelWidth, tile + r * PackedMatrix::kPanelWidth + width,
                      c + r * out.outerStride());
    }
}

int threadsFor(Eigen::Index macs)
{
    return macs >= kParallelMacs ? computeThreads() : 1;
}

} // namespace

PackedMatrix::PackedMatrix(const Eigen::Ref<const Matrix>& weights)
    : m_rows(weights.rows())
    , m_cols(weights.cols())
{
    m_data.assign(static_cast<std::size_t>(panelCount() * m_rows * kPanelWidth), 0.0f);
    for (Eigen::Index p = 0; p < panelCount(); ++p) {
        const Eigen::Index first = p * kPanelWidth;
        const Eigen::Index width = std::min<Eigen::Index>(kPanelWidth, m_cols - first);
        float* to = m_data.data() + p * m_rows * kPanelWidth;
        for (Eigen::Index k = 0; k < m_rows; ++k)
            for (Eigen::Index j = 0; j < width; ++j)
                to[k * kPanelWidth + j] = weights(k, first + j);
    }
}

PackedMatrix PackedMatrix::inPlace(const float* data, Eigen::Index rows, Eigen::Index cols,
                                   std::shared_ptr<const void> owner)
{
    assert(data && rows > 0 && fitsInPlace(cols));
    PackedMatrix matrix;
    matrix.m_rows = rows;
    matrix.m_cols = cols;
    matrix.m_inPlace = data;
    matrix.m_owner = std::move(owner);
    return matrix;
}

bool PackedMatrix::available()
{
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
    return true;
#else
    return false;
#endif
}

const float* PackedMatrix::panel(Eigen::Index index) const
{
    return isInPlace() ? m_inPlace + index * kPanelWidth : m_data.data() + index * m_rows * kPanelWidth;
}

Matrix PackedMatrix::unpacked() const
{
    Matrix weights(m_rows, m_cols);
    for (Eigen::Index j = 0; j < m_cols; ++j)
        for (Eigen::Index k = 0; k < m_rows; ++k)
            weights(k, j) = panel(j / kPanelWidth)[k * panelStride() + j % kPanelWidth];
    return weights;
}

void PackedMatrix::multiply(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const
{
    assert(x.cols() == m_rows && out.rows() == x.rows() && out.cols() == m_cols);
    if (x.rows() == 1)
        multiplyRow(x.data(), out.data());
    else
        multiplyRows(x, out);
}

void PackedMatrix::multiplyRow(const float* x, float* out) const
{
    const Eigen::Index panels = panelCount();
    const Eigen::Index fullPanels = m_cols / kPanelWidth;
#pragma omp parallel num_threads(threadsFor(m_rows * m_cols))
    {
        // Each thread its own contiguous share of the panels.
        const int t = omp_get_thread_num();
        const int count = omp_get_num_threads();
        const Eigen::Index first = panels * t / count;
        const Eigen::Index last = panels * (t + 1) / count;
        if (isInPlace()) {
            // W's rows in file order, this thread's columns of each.
            streamRows(x, m_rows, panel(first), m_cols, (last - first) * kPanelWidth, out + first * kPanelWidth);
        } else {
            // Four panels at a time.
            Eigen::Index p = first;
            for (; p + kPanelsAtOnce <= std::min(last, fullPanels); p += kPanelsAtOnce)
                rowPanels<kPanelsAtOnce>(x, m_rows, panel(p), out + p * kPanelWidth);
            for (; p < last; ++p) {
                alignas(64) float tile[kPanelWidth];
                rowPanels<1>(x, m_rows, panel(p), tile);
                const Eigen::Index width = std::min<Eigen::Index>(kPanelWidth, m_cols - p * kPanelWidth);
                std::copy(tile, tile + width, out + p * kPanelWidth);
            }
        }
    }
}

void PackedMatrix::multiplyRows(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const
{
    const Eigen::Index n = x.rows();
    const Eigen::Index panels = panelCount();
    // Blocks of rows as even as kRowBlock allows (51 rows: 11 + 4 x 10, not
    // 4 x 12 + 3, whose last block would reload each panel row for 3 rows).
    const Eigen::Index blocks = (n + kRowBlock - 1) / kRowBlock;
    // An in-place matrix is multiplied from packed panels too, gathered
    // kGatherPanels at a time, kGatherDepth rows deep, into this thread's
    // buffer (second-level cache) as the product goes: read where they lie,
    // their rows m floats apart fall into a few cache sets and evict one
    // another between blocks of rows. The gathering is not free: GPT-2
    // small's 48 products (2 threads, 2026-11-30) took 28 ms at 13 rows
    // against 12 from the packed copy, 42 against 27 at 30 rows, 96 against
    // 85 at 100 (read in place without it, ~115 at 100 rows).
    const Eigen::Index depthBlock = isInPlace() ? kGatherDepth : kDepthBlock;
    const Eigen::Index group = isInPlace() ? kGatherPanels : 1;
#pragma omp parallel num_threads(threadsFor(n * m_rows * m_cols))
    {
        const int t = omp_get_thread_num();
        const int count = omp_get_num_threads();
        const Eigen::Index first = panels * t / count;
        const Eigen::Index last = panels * (t + 1) / count;
        float* buffer = isInPlace() ? panelBuffer(static_cast<std::size_t>(std::min(m_rows, depthBlock) * kPanelWidth * group))
                                    : nullptr;
        alignas(64) float tile[kRowBlock * kPanelWidth];
        for (Eigen::Index k0 = 0; k0 < m_rows; k0 += depthBlock) {
            const Eigen::Index depth = std::min(m_rows, k0 + depthBlock) - k0;
            const bool accumulate = k0 > 0;
            for (Eigen::Index p0 = first; p0 < last; p0 += group) {
                const Eigen::Index gathered = std::min(group, last - p0);
                if (isInPlace())
                    gatherPanels(panel(p0) + k0 * m_cols, m_cols, depth, gathered, buffer);
                for (Eigen::Index p = p0; p < p0 + gathered; ++p) {
                    const float* w = isInPlace() ? buffer + (p - p0) * depth * kPanelWidth : panel(p) + k0 * kPanelWidth;
                    const Eigen::Index column = p * kPanelWidth;
                    panelProduct(x, out, column, std::min<Eigen::Index>(kPanelWidth, m_cols - column), k0, depth, w,
                                 blocks, accumulate, tile);
                }
            }
        }
    }
}

} // namespace kv
