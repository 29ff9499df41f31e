// In-process interleaved comparison: hnswlib (P/Invoke, -O3 -march=native) and Vectron variants
// (each its own AssemblyLoadContext), passes of the whole query set alternating engine by engine.
// abhost HNSW_INDEX QUERY GT EFS ROUNDS name=DRIVER_DIR:INDEX ...
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

static float[] ReadFlat(string path, out int n, out int d)
{
    var bytes = File.ReadAllBytes(path);
    d = BitConverter.ToInt32(bytes, 0);
    n = bytes.Length / (4 + 4 * d);
    var flat = new float[n * d];
    for (int i = 0; i < n; i++) Buffer.BlockCopy(bytes, i * (4 + 4 * d) + 4, flat, i * d * 4, 4 * d);
    return flat;
}

var q = ReadFlat(args[1], out int nq, out int dim);
var gtf = ReadFlat(args[2], out int ng, out int gd);
var gt = new int[gtf.Length]; Buffer.BlockCopy(gtf, 0, gt, 0, gtf.Length * 4);
int[] efs = args[3].Split(',').Select(int.Parse).ToArray();
int rounds = int.Parse(args[4]);
var names = new List<string> { "hnswlib" };
var passes = new List<Func<int, int[], double>>();
IntPtr h = Native.hl_load(args[0], dim);
passes.Add((ef, ids) => Native.Pass(h, q, nq, dim, ef, ids));
foreach (var spec in args.Skip(5))
{
    var parts = spec.Split('=', 2); var dirIdx = parts[1].Split(':');
    var alc = new DirContext(dirIdx[0]);
    var asm = alc.LoadFromAssemblyPath(Path.Combine(dirIdx[0], "Vectron.Index.dll"));
    var drv = asm.GetType("Vectron.Index.BenchDriver")!;
    object index = drv.GetMethod("Load")!.Invoke(null, new object[] { dirIdx[1] })!;
    var pass = drv.GetMethod("Pass")!.CreateDelegate<Func<object, float[], int, int, int, int[], double>>();
    names.Add(parts[0]);
    passes.Add((ef, ids) => pass(index, q, nq, dim, ef, ids));
}
var scratch = new int[nq * 10];
var end = DateTime.UtcNow.AddSeconds(3);
while (DateTime.UtcNow < end) foreach (var p in passes) foreach (int ef in efs) p(ef, scratch);
foreach (int ef in efs)
{
    var qps = names.Select(_ => new List<double>()).ToArray();
    var recall = new double[names.Count];
    for (int r = 0; r < rounds; r++)
    {
        for (int e0 = 0; e0 < passes.Count; e0++)
        {
            int e = (e0 + r) % passes.Count; // rotate the order every round
            var ids = new int[nq * 10];
            double s = passes[e](ef, ids);
            qps[e].Add(nq / s);
            if (r == 0)
            {
                long found = 0;
                for (int i = 0; i < nq; i++) for (int j = 0; j < 10; j++) { int id = ids[i * 10 + j]; for (int g = 0; g < 10; g++) if (gt[(i % ng) * gd + g] == id) { found++; break; } }
                recall[e] = found / (10.0 * nq);
            }
        }
    }
    for (int e = 0; e < names.Count; e++)
    {
        var ratios = Enumerable.Range(0, rounds).Select(r => qps[e][r] / qps[0][r]).OrderBy(x => x).ToList();
        var sorted = qps[e].OrderBy(x => x).ToList();
        Console.WriteLine($"{names[e],-10} ef {ef,4} recall {recall[e]:F4} qps median {sorted[rounds / 2],8:F0} max {sorted[^1],8:F0}  ratio-to-hnswlib median {ratios[rounds / 2]:F3}");
    }
}

sealed class DirContext(string dir) : AssemblyLoadContext(isCollectible: false)
{
    protected override Assembly Load(AssemblyName name)
    {
        string p = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(p) ? LoadFromAssemblyPath(p) : null;
    }
}

static unsafe class Native
{
    [DllImport("/tmp/hnswcount/libhl.so")] public static extern IntPtr hl_load(string path, int dim);
    [DllImport("/tmp/hnswcount/libhl.so")] static extern double hl_pass(IntPtr h, float* q, int nq, int dim, int ef, int* ids);
    public static double Pass(IntPtr h, float[] q, int nq, int dim, int ef, int[] ids)
    {
        fixed (float* qp = q) fixed (int* ip = ids) return hl_pass(h, qp, nq, dim, ef, ids.Length > 0 ? ip : null);
    }
}
