#include <hnswlib/hnswlib.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <atomic>
#include <vector>
#include <time.h>
static double tcpu(){timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t); return t.tv_sec+t.tv_nsec*1e-9;}
using Clock = std::chrono::steady_clock;
static std::vector<float> read_vecs(const std::string& path, size_t& n, size_t& d) {
    std::ifstream f(path, std::ios::binary); f.seekg(0, std::ios::end); size_t bytes = f.tellg(); f.seekg(0);
    int32_t dim; f.read((char*)&dim, 4); d = dim; n = bytes / (4 + 4 * d); std::vector<float> out(n * d); f.seekg(0);
    for (size_t i = 0; i < n; i++) { f.read((char*)&dim, 4); f.read((char*)(out.data() + i * d), 4 * d); }
    return out;
}
int main(int argc, char** argv) {
    std::string mode = argv[1];
    if (mode == "build") {
        size_t n, d; auto base = read_vecs(argv[2], n, d);
        hnswlib::L2Space space(d);
        hnswlib::HierarchicalNSW<float> h(&space, n, 16, 200, 100);
        h.addPoint(base.data(), 0);
        std::atomic<size_t> next(1); std::vector<std::thread> ts;
        for (int t = 0; t < 2; t++) ts.emplace_back([&] { for (size_t i; (i = next.fetch_add(1)) < n;) h.addPoint(base.data() + i * d, i); });
        for (auto& t : ts) t.join();
        h.saveIndex(argv[3]); printf("built %zu\n", n); return 0;
    }
    // search IDX QUERY GT EFS PASSES
    size_t nq, d, ng, gd; auto q = read_vecs(argv[3], nq, d);
    auto gtf = read_vecs(argv[4], ng, gd); const int32_t* gt = (const int32_t*)gtf.data();
    hnswlib::L2Space space(d);
    hnswlib::HierarchicalNSW<float> h(&space, argv[2]);
    std::vector<int> efs; std::string s = argv[5];
    for (size_t p = 0; p < s.size();) { efs.push_back(atoi(s.c_str() + p)); p = s.find(',', p); if (p == std::string::npos) break; p++; }
    int passes = atoi(argv[6]);
    for (int ef : efs) {
        h.setEf(ef);
        std::vector<double> qps, cq; double recall = 0;
        for (int pass = 0; pass < passes; pass++) {
            for (size_t i = 0; i < 100; i++) h.searchKnn(q.data() + i * d, 10);
            long found = 0; double c0 = tcpu(); auto t0 = Clock::now();
            for (size_t i = 0; i < nq; i++) {
                auto res = h.searchKnn(q.data() + i * d, 10);
                if (pass == 0) { const int32_t* g = gt + (i % ng) * gd; while (!res.empty()) { auto id = (int)res.top().second; res.pop(); for (int j = 0; j < 10; j++) if (g[j] == id) found++; } }
            }
            double sec = std::chrono::duration<double>(Clock::now() - t0).count();
            if (pass == 0) recall = found / (10.0 * nq);
            qps.push_back(nq / sec); cq.push_back(nq / (tcpu() - c0));
        }
        std::sort(qps.begin(), qps.end()); std::sort(cq.begin(), cq.end());
        printf("hnswlib         ef %4d recall %.4f wall-qps median %8.0f max %8.0f cpu-qps median %8.0f max %8.0f\n", ef, recall, qps[qps.size() / 2], qps.back(), cq[cq.size()/2], cq.back());
    }
}
