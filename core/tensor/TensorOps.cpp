#include "core/tensor/TensorOps.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

namespace kv {

namespace {

// Below this many elements a row-parallel kernel runs on one thread: waking
// the other costs more than it saves.
constexpr Eigen::Index kParallelElements = 1 << 14;

std::atomic<int> g_threads{0}; // 0: not set yet, all cores

blasint toBlas(Eigen::Index value)
{
    return static_cast<blasint>(value);
}

// out(i, :) = sum over k, in order, of a(i, k) * b(k, :). Each output element
// accumulates in the same order whatever the row count, so a row computed
// alone equals the same row computed with others, bit for bit.
void exactMultiply(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b, Eigen::Ref<Matrix> out)
{
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        float* row = out.row(i).data();
        std::fill(row, row + out.cols(), 0.0f);
        for (Eigen::Index k = 0; k < a.cols(); ++k) {
            const float factor = a(i, k);
            const float* weights = b.row(k).data();
            for (Eigen::Index j = 0; j < b.cols(); ++j)
                row[j] += factor * weights[j];
        }
    }
}

// out(i, j) = a(i, :) . b(j, :), summed in order.
void exactMultiplyTransposed(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b,
                             Eigen::Ref<Matrix> out)
{
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < b.rows(); ++j) {
            float sum = 0.0f;
            for (Eigen::Index k = 0; k < a.cols(); ++k)
                sum += a(i, k) * b(j, k);
            out(i, j) = sum;
        }
}

bool worthThreads(Eigen::Index elements)
{
    return computeThreads() > 1 && elements >= kParallelElements;
}

// Rows of the weights one pass of the row-times-matrix kernel reads at once:
// eight streams keep the memory busy and read the partial row from L1 once
// per eight rows (four reached ~31 GB/s here, eight ~35, OpenBLAS's sgemv ~26).
constexpr int kRowsAtOnce = 8;

// acc += x[first..last) . w rows first..last, w (k x n) with row stride ldw.
void accumulateRows(const float* x, const float* w, Eigen::Index ldw, Eigen::Index first, Eigen::Index last,
                    Eigen::Index n, float* acc)
{
    Eigen::Index i = first;
    for (; i + kRowsAtOnce <= last; i += kRowsAtOnce) {
        const float* rows[kRowsAtOnce];
        float factors[kRowsAtOnce];
        for (int r = 0; r < kRowsAtOnce; ++r) {
            rows[r] = w + (i + r) * ldw;
            factors[r] = x[i + r];
        }
        for (Eigen::Index j = 0; j < n; ++j) {
            float sum = acc[j];
            for (int r = 0; r < kRowsAtOnce; ++r)
                sum += factors[r] * rows[r][j];
            acc[j] = sum;
        }
    }
    for (; i < last; ++i) {
        const float* row = w + i * ldw;
        for (Eigen::Index j = 0; j < n; ++j)
            acc[j] += x[i] * row[j];
    }
}

// y = x w for one row x, streaming w (k x n) once as it is stored: each
// thread reads its own contiguous share of w's rows into its own partial
// row, then each adds its share of the columns of the others' partials.
void rowTimesMatrix(const float* x, const float* w, Eigen::Index k, Eigen::Index n, Eigen::Index ldw, float* y)
{
    const int threads = worthThreads(k * n) ? computeThreads() : 1;
    // The calling thread's partial rows, kept: they grow once, then never allocate.
    thread_local std::vector<float, Eigen::aligned_allocator<float>> partials;
    const auto needed = static_cast<std::size_t>((threads - 1) * n);
    if (partials.size() < needed)
        partials.resize(needed);
    float* others = partials.data();
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        const int count = omp_get_num_threads();
        float* acc = t == 0 ? y : others + (t - 1) * n;
        std::fill(acc, acc + n, 0.0f);
        accumulateRows(x, w, ldw, k * t / count, k * (t + 1) / count, n, acc);
#pragma omp barrier
        const Eigen::Index begin = n * t / count;
        const Eigen::Index end = n * (t + 1) / count;
        for (int other = 1; other < count; ++other)
            for (Eigen::Index j = begin; j < end; ++j)
                y[j] += others[(other - 1) * n + j];
    }
}

// Parts of its rows each thread of matrixTimesColumn reads side by side:
// one stream per core leaves the memory idle between requests (the LM head
// streamed ~27 GB/s row after row, ~33 in four parts).
constexpr int kStreamsPerThread = 4;

// y[rows[s]] = w rows[s] . x for the kStreamsPerThread rows, summed in
// 16-float slices with one running sum each, then the slices' remainder.
void dotsSideBySide(const float* const* rows, Eigen::Index k, const float* x, float* const* out)
{
    using Slice = Eigen::Array<float, 16, 1>;
    std::array<Slice, kStreamsPerThread> sums;
    for (Slice& sum : sums)
        sum = Slice::Zero();
    const Eigen::Index whole = k - k % Slice::RowsAtCompileTime;
    for (Eigen::Index j = 0; j < whole; j += Slice::RowsAtCompileTime) {
        const Slice column = Eigen::Map<const Slice>(x + j);
        for (int s = 0; s < kStreamsPerThread; ++s)
            sums[s] += Eigen::Map<const Slice>(rows[s] + j) * column;
    }
    for (int s = 0; s < kStreamsPerThread; ++s) {
        float total = sums[s].sum();
        for (Eigen::Index j = whole; j < k; ++j)
            total += rows[s][j] * x[j];
        *out[s] = total;
    }
}

// y = w x: one dot product per stored row of w (m x k). Each thread takes a
// contiguous share of the rows and reads it in kStreamsPerThread parts at once.
void matrixTimesColumn(const float* w, Eigen::Index m, Eigen::Index k, Eigen::Index ldw, const float* x, float* y)
{
    const int threads = worthThreads(m * k) ? computeThreads() : 1;
#pragma omp parallel num_threads(threads)
    {
        const Eigen::Index begin = m * omp_get_thread_num() / omp_get_num_threads();
        const Eigen::Index end = m * (omp_get_thread_num() + 1) / omp_get_num_threads();
        const Eigen::Index part = (end - begin) / kStreamsPerThread;
        for (Eigen::Index i = begin; i < begin + part; ++i) {
            const float* rows[kStreamsPerThread];
            float* out[kStreamsPerThread];
            for (int s = 0; s < kStreamsPerThread; ++s) {
                rows[s] = w + (i + s * part) * ldw;
                out[s] = y + i + s * part;
            }
            dotsSideBySide(rows, k, x, out);
        }
        const Eigen::Map<const Eigen::VectorXf> column(x, k);
        for (Eigen::Index i = begin + kStreamsPerThread * part; i < end; ++i)
            y[i] = Eigen::Map<const Eigen::VectorXf>(w + i * ldw, k).dot(column);
    }
}

// Eigen's vectorised exp, tanh and sums round an element by the packet lane
// it falls in, and packets start at an aligned address: the same row at two
// addresses (a query alone in cached decode, or row i of an uncached pass)
// gives different bits. A row computed in this buffer, which starts aligned,
// gives the same bits wherever it came from. One per thread, grown once.
using AlignedRow = Eigen::Map<Eigen::Array<float, 1, Eigen::Dynamic>, Eigen::AlignedMax>;
AlignedRow alignedRow(Eigen::Index size)
{
    thread_local std::vector<float, Eigen::aligned_allocator<float>> buffer;
    if (static_cast<Eigen::Index>(buffer.size()) < size)
        buffer.resize(static_cast<std::size_t>(size));
    return AlignedRow(buffer.data(), size);
}

} // namespace

ProductKernel kernelFor(Eigen::Index weightElements)
{
    return weightElements <= kExactRowProductLimit ? ProductKernel::Exact : ProductKernel::Blas;
}

void multiply(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b, Eigen::Ref<Matrix> out,
              ProductKernel kernel)
{
    assert(a.cols() == b.rows() && out.rows() == a.rows() && out.cols() == b.cols());
    if (kernel == ProductKernel::Exact)
        return exactMultiply(a, b, out);
    if (a.rows() == 1)
        return rowTimesMatrix(a.data(), b.data(), b.rows(), b.cols(), b.outerStride(), out.data());
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, toBlas(a.rows()), toBlas(b.cols()), toBlas(a.cols()),
                1.0f, a.data(), toBlas(a.outerStride()), b.data(), toBlas(b.outerStride()), 0.0f, out.data(),
                toBlas(out.outerStride()));
}

void multiplyTransposed(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b,
                        Eigen::Ref<Matrix> out, ProductKernel kernel)
{
    assert(a.cols() == b.cols() && out.rows() == a.rows() && out.cols() == b.rows());
    if (kernel == ProductKernel::Exact)
        return exactMultiplyTransposed(a, b, out);
    if (a.rows() == 1)
        return matrixTimesColumn(b.data(), b.rows(), b.cols(), b.outerStride(), a.data(), out.data());
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, toBlas(a.rows()), toBlas(b.rows()), toBlas(a.cols()), 1.0f,
                a.data(), toBlas(a.outerStride()), b.data(), toBlas(b.outerStride()), 0.0f, out.data(),
                toBlas(out.outerStride()));
}

int availableCores()
{
    // Read once: hardware_concurrency() reads sysfs at every call, and the
    // kernels ask for the thread count per product and per head.
    static const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    return cores;
}

void setComputeThreads(int threads)
{
    const int clamped = std::clamp(threads, 1, availableCores());
    g_threads = clamped;
    openblas_set_num_threads(clamped);
    omp_set_num_threads(clamped);
}

int computeThreads()
{
    const int threads = g_threads;
    return threads > 0 ? threads : availableCores();
}

void layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps,
               Eigen::Ref<Matrix> y)
{
    const Eigen::Index rows = x.rows();
#pragma omp parallel for num_threads(computeThreads()) if (worthThreads(x.size()))
    for (Eigen::Index r = 0; r < rows; ++r) {
        const float mean = x.row(r).mean();
        const float variance = (x.row(r).array() - mean).square().mean();
        const float invStd = 1.0f / std::sqrt(variance + eps);
        y.row(r) = ((x.row(r).array() - mean) * invStd * gain.array() + bias.array()).matrix();
    }
}

void rmsNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, float eps, Eigen::Ref<Matrix> y)
{
    const Eigen::Index rows = x.rows();
#pragma omp parallel for num_threads(computeThreads()) if (worthThreads(x.size()))
    for (Eigen::Index r = 0; r < rows; ++r) {
        const float invRms = 1.0f / std::sqrt(x.row(r).squaredNorm() / static_cast<float>(x.cols()) + eps);
        y.row(r) = (x.row(r).array() * invRms * gain.array()).matrix();
    }
}

void siluMultiplyInPlace(Eigen::Ref<Matrix> gate, const Eigen::Ref<const Matrix>& up)
{
    const Eigen::Index rows = gate.rows();
#pragma omp parallel for num_threads(computeThreads()) if (worthThreads(gate.size()))
    for (Eigen::Index r = 0; r < rows; ++r) {
        AlignedRow g = alignedRow(gate.cols());
        g = gate.row(r).array();
        g = g / (1.0f + (-g).exp()) * up.row(r).array();
        gate.row(r) = g.matrix();
    }
}

void geluTanhInPlace(Eigen::Ref<Matrix> x)
{
    // Whole-row array expressions, so Eigen vectorises tanh (a per-element
    // std::tanh took ~7% of a long uncached pass); rows split between threads.
    const float sqrtTwoOverPi = std::sqrt(2.0f / 3.14159265358979f);
    const Eigen::Index rows = x.rows();
#pragma omp parallel for num_threads(computeThreads()) if (worthThreads(x.size()))
    for (Eigen::Index r = 0; r < rows; ++r) {
        AlignedRow v = alignedRow(x.cols());
        v = x.row(r).array();
        v = 0.5f * v * (1.0f + (sqrtTwoOverPi * (v + 0.044715f * v.cube())).tanh());
        x.row(r) = v.matrix();
    }
}

void softmaxRows(const Eigen::Ref<const Matrix>& scores, Eigen::Ref<Matrix> weights)
{
    // Each row over its visible part only (a causal mask's -inf entries are
    // its tail) and in an aligned buffer: a query's weights are then the same
    // bits alone (cached decode) or among others, its row padded (uncached).
    constexpr float masked = -std::numeric_limits<float>::infinity();
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        Eigen::Index visible = scores.cols();
        while (visible > 1 && scores(r, visible - 1) == masked)
            --visible;
        AlignedRow row = alignedRow(visible);
        row = scores.row(r).head(visible).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
        // A masked weight must be exactly 0, and subnormals would make the
        // next product ~60x slower on x86: below the smallest normal float is 0.
        row = (row < std::numeric_limits<float>::min()).select(0.0f, row);
        weights.row(r).head(visible) = row.matrix();
        weights.row(r).tail(scores.cols() - visible).setZero();
    }
}

Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores)
{
    Matrix weights(scores.rows(), scores.cols());
    softmaxRows(scores, weights);
    return weights;
}

RowVector softmax(const RowVector& logits)
{
    return softmaxRows(logits);
}

std::vector<int> topTokens(const RowVector& probabilities, std::size_t count)
{
    std::vector<int> order(static_cast<std::size_t>(probabilities.size()));
    std::iota(order.begin(), order.end(), 0);
    count = std::min(count, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                      [&](int a, int b) { return probabilities(a) > probabilities(b); });
    order.resize(count);
    return order;
}

} // namespace kv
