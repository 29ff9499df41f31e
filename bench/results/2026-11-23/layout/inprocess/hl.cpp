#include <hnswlib/hnswlib.h>
#include <chrono>
struct H { hnswlib::L2Space* space; hnswlib::HierarchicalNSW<float>* index; };
extern "C" void* hl_load(const char* path, int dim) {
    auto* h = new H; h->space = new hnswlib::L2Space(dim);
    h->index = new hnswlib::HierarchicalNSW<float>(h->space, path); return h;
}
extern "C" double hl_pass(void* hp, const float* q, int nq, int dim, int ef, int* ids) {
    auto* h = (H*)hp; h->index->setEf(ef);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < nq; i++) {
        auto res = h->index->searchKnn(q + (size_t)i * dim, 10);
        int m = res.size(); for (int j = 0; j < 10; j++) ids[i * 10 + j] = -1;
        while (!res.empty()) { ids[i * 10 + (--m)] = (int)res.top().second; res.pop(); }
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
