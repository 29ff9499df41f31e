namespace Vectron.Cli.CommandLine;

/// <summary>The text of <c>--help</c> for every command.</summary>
internal static class HelpText
{
    // The data options after --dataset and --metric (DatasetOptions), as 'bench ann' and 'bench filter' show them.
    private const string GeneratedDataOptions = """
          --queries N            Use the first N queries of the folder (default all), or generate N
                                 queries (default 200)
          --synthetic-n N        Generated base vectors (default 20000)
          --synthetic-dim D      Generated dimension (default 128)
          --seed S               Generator seed (default 20240601); printed with the results
        """;

    public const string Root = """
        vectron - the Vectron vector database command line

        Usage:
          vectron <command> [options]

        Commands:
          serve              Run the database: a Qdrant-compatible REST API on 127.0.0.1:6333

        Commands talking to a server over REST (--url, default $VECTRON_URL or http://127.0.0.1:6333):
          collections        list | create | info | delete collections
          import             Import points from .fvecs, .bvecs, .npy or JSON lines, resumable
          search             Nearest neighbours of a vector or of a stored point
          status             The server's version, cluster state and collections

        Benchmarks and tools:
          bench ann          Build an HNSW index over a dataset and measure recall, latency and QPS
          bench ann-engine   Engine protocol of the peers benchmark harness (machine-readable)
          bench filter       Filtered search: graph vs exact scan vs the planner, per selectivity
          bench rest         The server through REST: import points/s, search QPS and recall
          simulate           Run the deterministic Raft cluster simulation over many seeds
          raft-node          (internal) One member of a multi-process Raft group, for the
                             multi-process benchmarks

        Options:
          -h, --help         Show help (also after a command: vectron bench ann --help)
          --version          Show the version

        Quick start:
          vectron serve                          then: curl localhost:6333/collections

        Benchmark quick start (no data needed: generates a synthetic set, about 20 s on 2 cores):
          vectron bench ann --table

        """;

    public const string Serve = """
        vectron serve - run the Vectron database (single node)

        Usage:
          vectron serve [options]

        Runs every role in one process as a one-member cluster: a placement Raft group holding the
        collections, one Raft group per shard, all on one write-ahead log in the data directory.
        Serves Qdrant's REST API, so Qdrant clients work unchanged. Stop with Ctrl-C or SIGTERM
        (requests in flight finish; every write answered with wait=true is already on disk).

        Options (each also from an environment variable or the config file, in that order of
        precedence after the command line):
          --data DIR             Data directory, created if missing; locked so two servers cannot
                                 share it (default ./vectron-data; VECTRON_DATA; "data")
          --host ADDR            Address to listen on (default 127.0.0.1; VECTRON_HOST; "host").
                                 Anything but loopback also needs --insecure
          --port N               REST port (default 6333, the port Qdrant clients try first; 0 picks a
                                 free port; VECTRON_PORT; "port")
          --grpc-port N          gRPC port, reserved: the gRPC API is not served yet (default 6334;
                                 VECTRON_GRPC_PORT; "grpc_port")
          --insecure             Allow a non-loopback --host although there is no authentication yet;
                                 logs a warning at start (VECTRON_INSECURE=1; "insecure": true)
          --max-body-mb N        Largest request body in MiB; larger gets HTTP 413 (default 32;
                                 VECTRON_MAX_BODY_MB; "max_body_mb")
          --default-shards N     Shards of a collection created without shard_number (default: one
                                 per core; VECTRON_DEFAULT_SHARDS; "default_shards")
          --snapshot-every N     A shard (or the placement group) snapshots itself after N applied
                                 writes, so a restart loads the snapshot and replays only the log
                                 after it; 0 never (default 500; VECTRON_SNAPSHOT_EVERY;
                                 "snapshot_every")
          --snapshot-every-mb N  ... or once the writes applied since its last snapshot hold N MiB, so
                                 a restart replays at most about that much log per shard even when
                                 batches are large; 0 no byte limit (default 64;
                                 VECTRON_SNAPSHOT_EVERY_MB; "snapshot_every_mb")
          --read-concurrency N   Shard reads (searches, scrolls, counts) run at once; more wait their
                                 turn in arrival order, so searches are not time-sliced against each
                                 other (default: one per core; VECTRON_READ_CONCURRENCY;
                                 "read_concurrency")
          --log-level LEVEL      trace, debug, information, warning, error or none (default
                                 information; VECTRON_LOG_LEVEL; "log_level")
          --config FILE          JSON config file with the keys named above (default ./vectron.json
                                 when it exists; VECTRON_CONFIG)

        Example:
          vectron serve --data /var/lib/vectron --port 6333
          curl -X PUT localhost:6333/collections/demo -H 'Content-Type: application/json' \
               -d '{"vectors": {"size": 4, "distance": "Cosine"}}'

        """;

    public const string BenchRest = """
        vectron bench rest - the single-node server through its REST API

        Usage:
          vectron bench rest [options]

        Starts the node and the REST gateway in this process (real HTTP on a loopback port), imports
        the dataset through REST (first half with wait=true, second half without), waits for the
        indexers, then measures search QPS, p50/p99 latency and recall@10 per ef with concurrent HTTP
        clients, beside two in-process baselines on --baseline-threads threads: the same shards
        searched without HTTP or JSON, and a bare index (one graph over all points, the shards' m and
        ef_construct, no shards) — its QPS and recall at the same ef.

        Options:
          --dataset DIR          Dataset folder (texmex .fvecs/.ivecs/.bvecs); default: generated
          --metric l2|cosine     Metric (default: the folder's, or l2)
          --queries N            Queries used (default all, or 200 generated)
          --synthetic-n N        Generated base vectors (default 20000)
          --synthetic-dim D      Generated dimension (default 128)
          --seed S               Generator seed
          --shards N             Shards of the collection (default 2)
          --batch N              Points per upsert request (default 500)
          --clients N            Concurrent HTTP clients while searching (default 8)
          --baseline-threads N   Threads of the in-process baseline (default 2)
          --ef LIST              hnsw_ef values (default 16,32,64,128)
          --seconds S            Seconds per search measurement (default 5)
          --dir DIR              The server's data directory (default: a temporary one, deleted after)

        """;

    public const string Bench = """
        vectron bench - benchmarks of the vector index and the storage engine

        Usage:
          vectron bench ann [options]          recall@10, latency and QPS per ef, JSON lines or --table
          vectron bench ann-engine [options]   the peers harness engine protocol
          vectron bench filter [options]       filtered search per selectivity: graph, exact scan,
                                               planner; where the graph becomes faster
          vectron bench log [options]          synced appends through the write-ahead log vs a plain
                                               write + fdatasync loop; recovery time
          vectron bench raft [options]         committed writes/s and latency of one Raft group
                                               (--processes: 3 processes over RPC, --vs-etcd)
          vectron bench failover [options]     kill the leader process under load: outage per kill
          vectron bench rest [options]         the server over real HTTP: REST import points/s, search
                                               QPS, p50/p99, recall@10 beside the shards in process
          vectron bench rpc [options]          gRPC-framed round trips/s and streaming MB/s on loopback
          vectron bench shard [options]        one shard in process: apply, indexer, search, filtered
                                               search, snapshot save and restore

        Run 'vectron bench <command> --help' for the options of each.

        """;

    public const string Ann = $"""
        vectron bench ann - measure recall@10, latency and throughput of the HNSW index

        Usage:
          vectron bench ann [--dataset DIR] [options]

        Builds the index with N threads, then for each ef: 100 warm-up queries, a one-thread pass
        timing every query (p50/p99, QPS), a pass with N threads taking queries one at a time
        (QPS), each repeated until it lasts --min-seconds, and recall@10 against the exact
        ground truth. Prints one JSON object per ef
        (ef, recall_at_10, qps_1_thread, qps_n_threads, p50_ms, p99_ms, build_seconds,
        bytes_per_vector, dataset, n, dim, metric, quantization, m, ef_construct, threads, ...)
        or, with --table, an aligned table. Progress messages go to standard error.

        Data:
          --dataset DIR          Folder laid out like shared/datasets/<set>: base.fvecs or base.bvecs
                                 (or <name>_base.fvecs), query.fvecs|bvecs (or <name>_query.fvecs) and
                                 gt_<metric>_top100.ivecs. Without --dataset a Gaussian mixture is
                                 generated in memory and its exact ground truth computed by brute force.
          --metric l2|cosine     Distance; default: the one the folder has ground truth for (l2 first),
                                 l2 for generated data
        {GeneratedDataOptions}

        Index:
          --m M                  Links per node, layer 0 keeps 2M (default 16)
          --ef-construct E       Candidate list size while building (default 200)
          --quantization Q       none (float32) or int8 (int8 traversal, float32 rescoring); default none
          --threads N            Build threads and threads of the parallel pass (default: processor count)

        Search:
          --ef LIST              Comma-separated ef values (default 10,16,24,32,48,64,96,128,256)
          --k K                  Results per query, at least 10 (default 10)
          --warmup N             Warm-up queries before each ef (default 100)
          --jit-warmup S         Untimed searching before the first ef, so the runtime has compiled
                                 the search code to its optimised tier (default 1 second; 0 = none)
          --min-seconds S        Repeat each timed pass over the queries until it has run S seconds
                                 (default 0.2; 0 = exactly one pass). Recall uses the first pass.

        Output:
          --table                Print an aligned table instead of JSON lines

        Examples:
          vectron bench ann --table
          vectron bench ann --dataset ../shared/datasets/siftsmall --table
          vectron bench ann --dataset ../shared/datasets/glove-twitter-25d-12k --metric cosine --quantization int8

        """;

    public const string Raft = """
        vectron bench raft - committed writes through one Raft group

        Usage:
          vectron bench raft [--members M] [--clients C] [--value-size BYTES] [--seconds S] [options]
          vectron bench raft --processes [--vs-etcd] [--members M] [--clients C] [...]

        Starts M Raft hosts in this process, joined by the in-memory transport, each persisting to
        its own write-ahead log (real fdatasync) in a temporary directory, and one group with all M
        as members. C clients propose writes of BYTES to the leader; each waits until its write is
        committed and applied before proposing the next. After an untimed warm-up of S/5 seconds the
        writes run S seconds.

        Prints one JSON object: writes_per_sec, p50_ms and p99_ms (propose to result),
        leader_fsyncs_per_sec, failed (proposals that did not succeed). With --reps R the timed phase
        runs R times on fresh groups and every figure is the median.

        With --processes the M members are separate processes ('vectron raft-node', started here on
        free loopback ports, killed when the benchmark ends or is interrupted) joined by the RPC
        transport, and the C clients write over gRPC (vectron.internal.BenchKv/Put) to the leader,
        following not-leader hints. With --vs-etcd an M-member etcd cluster (etcd 3.4 on PATH:
        apt-get install etcd-server etcd-client; heartbeat 100 ms, election 1000 ms, its default
        fsync) is started too and driven by the same client code through etcd's own gRPC API
        (etcdserverpb.KV/Put). Each repetition starts each system fresh, writes to all of them at
        once, untimed, for --warmup seconds (default S/5, at least 65: steady state; the nodes'
        runtime compiles code called once a second in bursts for a minute after start), then times
        S seconds of each in turn after a 1 s untimed lead-in, the first alternating between
        repetitions. Prints one JSON object per system
        (system, version, members, clients, value_size, writes_per_sec, p50_ms, p99_ms, failed,
        cpu_us_per_write and client_cpu_us_per_write: CPU time of the members' processes, and of
        this process, over the timed window per committed write, from /proc at 10 ms resolution;
        medians over the repetitions) and with --vs-etcd a ratio object
        (throughput_vectron_over_etcd, p99_vectron_over_etcd). Standard error gets a line per
        repetition and system, with the p99 of the writes started in each second of the window.

        Options:
          --members M          members of the group (default 3)
          --clients C          concurrent clients (default 16)
          --value-size BYTES   bytes per write (default 256)
          --seconds S          seconds of the timed phase (default 5)
          --reps R             timed phases, report medians (default 1)
          --dir DIR            where to write (default: a new temporary directory, deleted after)
          --idle-groups N      instead: start N idle groups (all M hosts members of each), wait
                               until no message flows for a second (they quiesced), then print
                               cpu_percent_of_one_core used by the whole process over S seconds
          --processes          members as separate processes over RPC (see above)
          --vs-etcd            with --processes: measure etcd beside Vectron in the same run
          --heartbeat-ms H     with --processes: the nodes' heartbeat (default 100)
          --election-ms E      with --processes: the nodes' election timeout (default 1000)
          --warmup W           with --processes: untimed seconds of writes to every system at once
                               before the timed phases (default S/5, at least 65)
          --snapshot-every N   with --processes: both systems snapshot every N entries (the nodes'
                               --snapshot-every, etcd's --snapshot-count; default 100000, etcd's)

        """;

    public const string Failover = """
        vectron bench failover - outage when the Raft leader process is killed under load

        Usage:
          vectron bench failover [--kills N] [--clients C] [--heartbeat-ms H] [--election-ms E]

        Starts three 'vectron raft-node' processes (one Raft group, real write-ahead logs, RPC
        transport) and C writers that keep writing values of BYTES over gRPC, following the leader.
        N times: finds the leader, kills its process with SIGKILL, measures the outage (from the kill
        until a write started after it commits again, through whichever node leads now), restarts
        the killed node on its directory (its log is replayed), waits until it has applied every
        entry committed when it came back, lets the load run for --settle-seconds, and goes on.

        Prints one JSON object per kill (kill, killed_node, new_leader, outage_ms,
        restart_and_catch_up_ms) and a summary (median_outage_ms, max_outage_ms, bar_max_ms 2000,
        bar_met). Every child process is killed when the benchmark ends or is interrupted.

        Options:
          --kills N            leader kills (default 5)
          --clients C          concurrent writers (default 8)
          --value-size BYTES   bytes per write (default 256)
          --heartbeat-ms H     leader heartbeat interval (default 100)
          --election-ms E      election timeout, randomised in [E, 2E) (default 1000)
          --settle-seconds S   steady load after each catch-up before the next kill (default 1)
          --dir DIR            where the nodes write (default: a new temporary directory, deleted after)

        """;

    public const string Rpc = """
        vectron bench rpc - the RPC layer on loopback HTTP/2 (h2c)

        Usage:
          vectron bench rpc [--callers 1,64] [--message-size BYTES] [--seconds S] [--reps R] [--stream-mb N]

        Starts a Vectron RPC server (the Diagnostics service) and, as the peer measured in the same
        run, a bare Kestrel HTTP/2 endpoint that echoes its request body. For each caller count C,
        C concurrent callers each make unary Echo calls one after another for S seconds (after a
        warm-up call each), then do the same with plain HTTP/2 POSTs of the same request bytes.
        Prints one JSON object per C: calls_per_sec, p50_ms, p99_ms, raw_http2_requests_per_sec and
        rpc_vs_raw_http2 (the share of bare HTTP/2's rate the gRPC layer keeps). Then one client
        stream of N messages of 1 MiB: mb_per_sec. Every figure is the median of R runs.

        Options:
          --callers LIST       comma-separated concurrent caller counts (default 1,64)
          --message-size BYTES payload bytes per unary request (default 64)
          --seconds S          seconds per timed unary phase (default 3)
          --reps R             runs per figure, medians reported (default 3)
          --stream-mb N        MiB for the streaming measurement, 0 to skip (default 256)

        """;

    public const string Shard = """
        vectron bench shard - one shard state machine in process

        Usage:
          vectron bench shard [--dataset DIR] [options]

        Applies every base vector as upsert commands of --batch points (payload {"group": "g<row mod
        G>", "row": <row>}), times a search of the whole not-yet-indexed tail (exact scan), runs the
        indexer, then for each ef searches every query on one thread: untimed passes until the JIT is
        quiet (at least 1 s), then --reps
        timed passes (QPS, recall@10 against the ground truth; medians). With --raw a bare
        HnswIndex is built from the same vectors and its passes alternate with the shard's. Then a
        filtered search admitting 1/G of the points, without and with a keyword payload index (the
        planner turns the indexed one into an exact scan of the candidates), a snapshot
        written to a file and restored into a new shard, and a reconfigure (m halved, int8):
        one search pass at the first ef while the new graph is held unbuilt (the old one serves),
        an exact scan of every point for comparison, the rebuild, and a pass after it.

        Prints one JSON object: apply_points_per_sec, tail_scan_qps, index_points_per_sec,
        filtered_admitted, filtered_qps_no_index, filtered_qps_keyword_index, snapshot_save_sec,
        snapshot_bytes, snapshot_restore_sec, rebuild_apply_ms, rebuild_during_qps,
        rebuild_during_recall_at_10, exact_scan_qps, rebuild_sec, rebuild_after_qps,
        rebuild_after_recall_at_10, search [{ef, qps, recall_at_10, raw_index_qps,
        raw_index_recall_at_10}], raw_index_points_per_sec with --raw.

        Options:
          --dataset DIR            a dataset folder (default: a generated Gaussian mixture)
          --synthetic-n N          generated base vectors (default 20000)
          --synthetic-dim D        generated dimension (default 128)
          --queries Q              queries used (default: all of the dataset, 200 generated)
          --metric l2|cosine       override the dataset's metric
          --seed S                 generator seed
          --m M                    HNSW links per node (default 16)
          --ef-construct E         HNSW build candidate list (default 100)
          --ef LIST                search ef values, comma separated (default 64,128)
          --batch B                points per upsert command (default 256)
          --indexer-threads T      threads the indexer inserts with (default 2)
          --groups G               distinct payload groups (default 100: the filter admits 1%)
          --raw                    also build and search a bare HnswIndex for comparison
          --reps R                 timed search passes per ef, medians reported (default 3)
          --dir DIR                where the snapshot file goes (default: a temporary directory)

        """;

    public const string Log = """
        vectron bench log - synced appends through the write-ahead log

        Usage:
          vectron bench log [--writers N] [--entry-size BYTES] [--groups G] [--seconds S] [options]

        Each of N writers appends one entry of BYTES to group (writer mod G) and waits until it is
        synced before appending the next; the engine group-commits whatever is waiting with one
        fdatasync. After an untimed warm-up of S/5 seconds the appends run S seconds. Then, on the
        same disk, a plain loop writes blocks of the log's mean batch size to a preallocated file
        with one fdatasync each for S seconds (the ceiling the log is compared with).

        Prints one JSON object: entries_per_sec, bytes_per_sec (payload bytes), fsyncs_per_sec,
        mean_batch_bytes, p50_ms and p99_ms (append to synced, per entry), raw_bytes_per_sec and
        log_vs_raw (bytes_per_sec / raw_bytes_per_sec). With --reps the two phases alternate and
        every figure is the median.

        Options:
          --writers N          concurrent writers (default 64)
          --entry-size BYTES   payload per entry (default 256)
          --groups G           groups the writers share (default 1)
          --seconds S          seconds per timed phase (default 5)
          --reps R             alternate log and raw phases R times, report medians (default 1)
          --segment-mb MB      segment size (default 64)
          --dir DIR            where to write (default: a new temporary directory, deleted after)
          --recovery-mb MB     also fill a log of MB and time opening it (recovery_open_sec)
                               against reading its files sequentially twice
                               (sequential_read_twice_sec)

        """;

    public const string Filter = $"""
        vectron bench filter - filtered search: graph traversal vs exact scan vs the planner

        Usage:
          vectron bench filter [--dataset DIR] [options]

        Builds a float32 index once, then for each selectivity s uses a filter admitting the keys
        (base row numbers) whose SplitMix64 hash mod 1,000,000 is below s x 1,000,000 - spread
        evenly, not a block of ids - and times, on one thread, one query at a time, after the JIT
        warm-up and an untimed pass per path, with the paths' timed passes taking turns:
          graph    the planner kept on the graph (the filter reports AdmittedCount = long.MaxValue)
          exact    SearchParameters.Exact with the filter: a scan of the admitted points
          planner  the planner's own choice; the filter reports its exact admitted count, as a
                   bitmap would, and the path taken is observed (planner_path: graph or exact)
        Recall@k of graph and planner is against the exact scan. Prints one JSON object per
        selectivity ("event":"selectivity": selectivity, admitted, qps_graph, qps_exact,
        qps_planner, planner_path, recall_graph, recall_planner, ...), then one with
        "event":"crossover": the last selectivity and admitted count at which the exact scan was at
        least as fast (exact_faster_*), the first from which the graph stayed faster
        (graph_faster_*), and the interpolated admitted count where they are equal
        (estimated_admitted). With --table, an aligned table and a crossover line instead.
        Progress messages go to standard error.

        Data:
          --dataset DIR          A folder as for 'vectron bench ann' (its ground truth is not used);
                                 without it a Gaussian mixture is generated in memory
          --metric l2|cosine     Distance; default: the folder's (l2 first), l2 for generated data
        {GeneratedDataOptions}

        Index:
          --m M                  Links per node, layer 0 keeps 2M (default 16)
          --ef-construct E       Candidate list size while building (default 200)
          --threads N            Build threads (default: processor count); searches use one

        Search:
          --selectivities LIST   Comma-separated fractions of keys admitted, each 0.000001 to 1
                                 (default 0.001,0.002,0.005,0.01,0.02,0.05,0.1,0.2); measured in
                                 increasing order
          --ef E                 Candidate list size of the graph path (default 64)
          --k K                  Results per query; recall is recall@k (default 10)
          --jit-warmup S         Untimed searching before the first selectivity, so the runtime has
                                 compiled both paths to their optimised tier (default 1; 0 = none)
          --min-seconds S        Repeat each path's timed passes over the queries until they have
                                 run S seconds (default 0.2; 0 = exactly one pass)

        Output:
          --table                Print an aligned table instead of JSON lines

        Examples:
          vectron bench filter --table
          vectron bench filter --dataset ../shared/datasets/siftsmall --table
          vectron bench filter --dataset ../shared/datasets/fashion-mnist-784 --queries 200 --table

        """;

    public const string RaftNode = """
        vectron raft-node - one member of a multi-process Raft group (internal)

        Usage:
          vectron raft-node --id N --data DIR [--listen 127.0.0.1:PORT]
                            [--peers 1=127.0.0.1:P1,2=127.0.0.1:P2,3=127.0.0.1:P3] [options]

        Used by 'vectron bench raft --processes' and 'vectron bench failover', which start three of
        these. Runs one Raft group (id 1) with a key-value state machine, persisting to DIR/log (the
        write-ahead log, fdatasync) and DIR/snapshots, and serves the Raft transport and the
        vectron.internal.BenchKv service (Put, Status; docs/formats/rpc.md) over gRPC-framed HTTP/2.
        Once it serves it prints one JSON line: {"ready":true,"node":N,"port":PORT,"pid":PID}.
        SIGTERM or SIGINT stop it cleanly; after a SIGKILL, starting it again on the same DIR
        recovers the group from its snapshot and log.

        Options:
          --id N               this node's id (> 0)
          --data DIR           the node's directory (created when missing)
          --listen ADDR:PORT   where to serve (default 127.0.0.1:0: a free port, on the ready line)
          --peers LIST         ID=ADDR:PORT of the other members (an empty address: not known yet)
          --members LIST       the founding members' ids (default: the ids in --peers and --id)
          --heartbeat-ms H     leader heartbeat interval (default 100)
          --election-ms E      election timeout, randomised in [E, 2E); a multiple of H (default 1000)
          --tick-ms T          one Raft tick; H is a multiple of it (default 10, or H if smaller).
                               Timeouts are randomised in whole ticks: finer ticks, fewer split votes
          --snapshot-every N   entries applied between snapshots (default 10000; 0 = never)
          --control-stdin      read 'peers LIST' lines from standard input; stop when it ends
          --verbose            log to standard error

        """;

    public const string Simulate = """
        vectron simulate - the deterministic Raft cluster simulation

        Usage:
          vectron simulate [--seeds N] [--seed S] [options]

        Runs seeds S, S+1, ... S+N-1 one after another. Each run is a pure function of its seed: 3 to 5
        hosts, each running replicas of 3 key-value Raft groups over the real log engine on a simulated
        disk, with clients, on one simulated clock. During the fault phase the network drops,
        duplicates, delays and reorders messages and partitions (symmetric, asymmetric, partial);
        hosts crash (between writes, tearing a log write, on a disk error), restart, freeze and get
        slow disks; members are added, promoted, removed and replaced; leadership moves. Safety
        (one leader per term, log matching, committed entries never change, state machine safety) is
        checked after every step; once everything heals every group must commit a new write; every
        group's client history must be linearizable (a failing one is written to a file).

        Prints each failing run with its violations and replay command, then the runs, the
        operations, the faults injected by kind, the violations found and the failing seeds.
        Exit code 0 when nothing was found, 3 when a run found a violation.

        Options:
          --seeds N            how many seeds (default 100; 1 when only --seed is given)
          --seed S             the first seed (default 1); '--seed S' alone replays seed S
          --ticks T            ticks (10 simulated ms each) of the fault phase per run (default 300)
          --history-dir DIR    where failing histories are written (default: the temporary directory)

        """;

    public const string AnnEngine = """
        vectron bench ann-engine - engine protocol of the peers ANN benchmark harness

        Usage:
          vectron bench ann-engine --base B.fvecs --query Q.fvecs [options]

        Implements "Engine protocol" of shared/bench/peers/README.md: builds the index (ids are
        0-based base row numbers), prints a JSON "build" line, then for every sweep value a
        "sequential" search line with per-query latencies (lat_us) and one "batch" line per search
        thread count, and writes OUT/ids_<ef>.ivecs (k ids per query, -1 padded) from the
        sequential pass. Standard output carries only JSON lines; diagnostics go to standard error.

        Options:
          --base FILE            Base vectors (.fvecs, or .bvecs widened to float32); required
          --query FILE           Query vectors, same dimension; required
          --metric l2|cosine     Distance (default l2); cosine vectors are normalised by the index
          --k K                  Results per query (default 10)
          --sweep LIST           Comma-separated ef values (default 10,16,24,32,48,64,96,128,192,256,384,512)
          --build-threads N      Threads of the timed build (default 2)
          --build-1t             Also time a separate single-thread build (build_1t_s)
          --search-threads LIST  Thread counts of the batch passes (default 1,2)
          --params JSON          {"M":16,"ef_construction":200,"quantization":"f32"|"int8"} (all optional)
          --out-dir DIR          Where ids_<ef>.ivecs go (default: current folder; created if missing)
          --warmup N             Warm-up queries before each timed pass (default 100)
          --jit-warmup S         Seconds of untimed searching after the build, before the first
                                 timed pass, so the runtime has compiled the search code to its
                                 optimised tier (default 1; 0 = none)

        """;

    public const string Collections = """
        vectron collections - manage the collections of a Vectron server

        Usage:
          vectron collections list [--url URL] [--json]
          vectron collections create NAME --size N --distance Cosine|Dot|Euclid [--shards N] [--m N]
                                     [--ef-construct N] [--quantization none|int8] [--url URL] [--json]
          vectron collections info NAME [--url URL] [--json]
          vectron collections delete NAME [--url URL] [--json]

        Options:
          --url URL              The server (default $VECTRON_URL, else http://127.0.0.1:6333)
          --json                 Print the server's result as JSON instead of a table
          --timeout-seconds S    Give up on an unanswered request after S seconds (default 30)
          --size N               create: the vectors' dimension
          --distance D           create: Cosine, Dot or Euclid
          --shards N             create: number of shards (default: the server's, one per core)
          --m N, --ef-construct N  create: HNSW graph degree and build beam width (server defaults)
          --quantization int8    create: int8 scalar quantization with exact rescoring

        """;

    public const string Import = """
        vectron import - load points from a file into a collection, with progress, resumable

        Usage:
          vectron import FILE --collection NAME [options]
          vectron import --sample N [--dimension D] --collection NAME [options]   (generated points)

        Files (by extension):
          .fvecs, .bvecs         texmex vectors; ids are the record numbers (+ --id-offset)
          .npy                   NumPy 2-d array (float32/64/16, int8, uint8); ids are row numbers (+ --id-offset)
          .jsonl, .ndjson        one JSON object per line: {"id": 7 | "UUID", "vector": [...], "payload": {...}}
          --sample N             no file: N generated clustered vectors (fixed seed, --dimension D, default
                                 128), ids 0..N-1, payload {"group": id % 10, "sample": true}

        Options:
          --collection NAME      The collection to upsert into (required)
          --create               Create the collection when it does not exist (needs --distance)
          --distance D           With --create: Cosine, Dot or Euclid (the dimension comes from the file)
          --url URL              The server (default $VECTRON_URL, else http://127.0.0.1:6333)
          --batch N              Points per request (default 256)
          --parallel N           Requests in flight (default 4)
          --id-offset N          Added to row numbers to make ids (default 0)
          --no-wait              Send wait=false (answered "acknowledged"; Vectron still answers only
                                 once the points are committed and applied)
          --retries N            Tries of a batch after a transient failure, with backoff (default 8)
          --timeout-seconds S    Per request (default 60)
          --checkpoint PATH      Where progress is kept (default ./.vectron-import/NAME-FILE-HASH.json)
          --restart              Ignore a checkpoint and import from the start
          --json                 Print the final summary as one JSON object

        Progress (points/s, ETA) goes to standard error. Interrupted (Ctrl-C, a lost server, a refused
        batch), it keeps a checkpoint of the acknowledged points; the same command resumes there.

        """;

    public const string Search = """
        vectron search - nearest neighbours in a collection

        Usage:
          vectron search NAME --vector 0.1,0.2,... [options]
          vectron search NAME --id ID [options]          (neighbours of a stored point)

        Options:
          --limit N              How many results (default 10)
          --filter JSON          A filter in Qdrant's syntax, e.g. '{"must":[{"key":"color","match":{"value":"red"}}]}'
          --ef N                 HNSW search beam width for this query
          --exact                Exact search (no index)
          --score-threshold X    Only results scoring at least X (for Euclid: at most X)
          --with-payload         Show payloads
          --with-vector          Show vectors
          --url URL              The server (default $VECTRON_URL, else http://127.0.0.1:6333)
          --json                 Print the server's result as JSON

        """;

    public const string Status = """
        vectron status - what a server says about itself and its collections

        Usage:
          vectron status [--url URL] [--json]

        """;
}
