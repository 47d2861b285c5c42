using System.Globalization;

namespace Parking.Bench;

/// <summary>The measured phases of a run.</summary>
[Flags]
internal enum Phases
{
    None = 0,
    Search = 1,
    Reserve = 2,
    Push = 4,
    All = Search | Reserve | Push,
}

/// <summary>The garbage collector of the watcher processes.</summary>
internal enum WatcherGc
{
    /// <summary>Workstation GC with background (concurrent) gen2 collections: the runtime's default for a console app.</summary>
    Workstation,

    /// <summary>Workstation GC without background collections.</summary>
    NonConcurrent,

    /// <summary>Server GC (a heap per core, adapted to the load by DATAS).</summary>
    Server,
}

/// <summary>Command-line options of the benchmark.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Parking.Bench: drives a Parking silo over HTTP and SignalR on loopback.

        Usage: dotnet run -c Release --project bench/Parking.Bench -- [options]

          --url URL          Target an already running silo (loopback only). Its
                             Parking:Reservations:MaxActivePerResident must be high.
                             Without --url the bench builds src/Silo (Release), starts it
                             on free loopback ports, and stops it at the end. Give --url
                             twice for two hosts of one cluster (as --silos 2; the silos
                             must share Parking:Auth:SigningKey).
          --silo-pid PID     With --url: the silo's process id, to report its CPU use
                             (once per --url).
          --silos N          1 (default) or 2: start N silos forming one cluster on loopback
                             (the embedded default's second local silo). The push phase
                             spreads its watchers over both hosts' hubs and sends its
                             reservations through both in turn; searches and the
                             reservation phase use the first host.
          --phases LIST      Phases to run, comma-separated: search,reserve,push (default all).
          --runs N           Runs; medians are taken over them (default 3).
          --duration S       Seconds per measured phase (default 10).
          --concurrency C    Requests in flight in the search and reservation phases (default 64).
          --clients N        SignalR clients in the push phase (default 1000).
          --push-rate R      Reservations per second in the push phase (default 200).
          --protocol P       The push phase's hub protocol: json (default, as the web app) or
                             messagepack.
          --watcher-processes K
                             Hold the push phase's SignalR clients in K child processes of
                             the bench (0 to 64; default 0: in the bench's own process), so
                             that one process's GC pause does not stop every watcher.
          --watcher-gc MODE  The GC of the processes holding the watchers (the children, or
                             with K = 0 the bench's own, which starts itself again with it):
                             workstation (default, concurrent), nonconcurrent (workstation, no
                             background GC) or server.
          --stage-sample K   Every K-th watcher reads the server's stage times of each change
                             (1 to 1000; default 10; 1: every watcher, as before session 22);
                             the others read only when each change was stored, which keeps the
                             watchers' own work per message small.
          --watcher-gen0-mb M
                             The gen0 budget in MB of the processes holding the watchers (the
                             children, or the bench's own as above; 0 to 1024; default 64; 0
                             leaves the runtime's own and the bench is not started again):
                             fewer, not longer, gen0 pauses.
          --residents N      Residents to sign in as (default 1522, all of them: each resident's
                             stored state grows with its reservations, so fewer residents make
                             every reservation's write dearer).
          --warmup S         Unreported load before run 1: S seconds of searches, then S of
                             reservations; the push phase of run 1 then warms the push path
                             (silo and watchers) for as long as a run, later ones for up to
                             2 s; 0 for no warm-up at all (default 5).
          --compare-settlement
                             Start two silos, A (Parking:Credits:AwaitSettlement=true: a booking
                             waits until the settlement shard stored its leg) and B (the default:
                             the leg is settled after the answer), and alternate their runs
                             (A then B in odd runs, B then A in even ones); medians per silo.
          --soak-minutes M   Instead of the runs: M minutes (0.5 to 600; issue 17 asks for 10) of mixed load
                             (searches, bookings, cancellations, charging requests, up to 200 live-map
                             watchers) at --concurrency, a line of rates, p99s and silo memory every
                             tenth of it (10 s to 1 min), then the first window against the last.
          --no-cleanup       Keep the bench's reservations (default: cancel them after each phase).
          --quick            Smoke test: 1 run of 2 s, 100 clients, 100 residents, 1 s warm-up.
          --help             This text.
        """;

    /// <summary>The first <c>--url</c>, or null when the bench starts its own silos.</summary>
    public Uri? Url => Urls.Count > 0 ? Urls[0] : null;

    public List<Uri> Urls { get; } = [];

    /// <summary>The first <c>--silo-pid</c>.</summary>
    public int? SiloPid => SiloPids.Count > 0 ? SiloPids[0] : null;

    public List<int> SiloPids { get; } = [];

    /// <summary>Silos the bench starts as one cluster (without <c>--url</c>), or hosts given by <c>--url</c>.</summary>
    public int Silos { get; private set; } = 1;

    /// <summary>Child processes holding the push phase's watchers; 0 keeps them in the bench's own process.</summary>
    public int WatcherProcesses { get; private set; }

    public WatcherGc WatcherGc { get; private set; } = WatcherGc.Workstation;

    public int WatcherGen0Megabytes { get; private set; } = 64;

    /// <summary>Every this many watchers, one reads the stage times of its changes (the others only the commit time).</summary>
    public int StageSample { get; private set; } = 10;

    /// <summary>Whether the push phase's watchers speak the MessagePack hub protocol (JSON otherwise).</summary>
    public bool MessagePack { get; private set; }

    public Phases Phases { get; private set; } = Phases.All;

    public int Runs { get; private set; } = 3;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public int Concurrency { get; private set; } = 64;

    public int Clients { get; private set; } = 1000;

    public double PushRate { get; private set; } = 200;

    public int Residents { get; private set; } = 1522;

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);

    public bool Cleanup { get; private set; } = true;

    public bool Quick { get; private set; }

    public bool CompareSettlement { get; private set; }

    /// <summary>Zero unless <c>--soak-minutes</c> asks for a soak instead of the runs.</summary>
    public TimeSpan SoakDuration { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses the arguments; <c>--quick</c> sets small defaults that later options may override.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            options.Quick = true;
            options.Runs = 1;
            options.Duration = TimeSpan.FromSeconds(2);
            options.Clients = 100;
            options.Residents = 100;
            options.Warmup = TimeSpan.FromSeconds(1);
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--quick":
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--no-cleanup":
                    options.Cleanup = false;
                    break;
                case "--soak-minutes":
                    options.SoakDuration = TimeSpan.FromMinutes(ParseDouble(name, Value(args, ref i), 0.5, 600));
                    break;
                case "--compare-settlement":
                    options.CompareSettlement = true;
                    break;
                case "--url":
                    options.Urls.Add(ParseUrl(Value(args, ref i)));
                    break;
                case "--silo-pid":
                    options.SiloPids.Add(ParseInt(name, Value(args, ref i), 1, int.MaxValue));
                    break;
                case "--silos":
                    options.Silos = ParseInt(name, Value(args, ref i), 1, 2);
                    break;
                case "--watcher-processes":
                    options.WatcherProcesses = ParseInt(name, Value(args, ref i), 0, 64);
                    break;
                case "--protocol":
                    options.MessagePack = Value(args, ref i).ToLowerInvariant() switch
                    {
                        "json" => false,
                        "messagepack" => true,
                        var other => throw new ArgumentException($"--protocol takes json or messagepack, not '{other}'."),
                    };
                    break;
                case "--watcher-gc":
                    options.WatcherGc = ParseWatcherGc(Value(args, ref i));
                    break;
                case "--watcher-gen0-mb":
                    options.WatcherGen0Megabytes = ParseInt(name, Value(args, ref i), 0, 1024);
                    break;
                case "--stage-sample":
                    options.StageSample = ParseInt(name, Value(args, ref i), 1, 1000);
                    break;
                case "--phases":
                    options.Phases = ParsePhases(Value(args, ref i));
                    break;
                case "--runs":
                    options.Runs = ParseInt(name, Value(args, ref i), 1, 100);
                    break;
                case "--duration":
                    options.Duration = TimeSpan.FromSeconds(ParseDouble(name, Value(args, ref i), 0.5, 600));
                    break;
                case "--concurrency":
                    options.Concurrency = ParseInt(name, Value(args, ref i), 1, 4096);
                    break;
                case "--clients":
                    options.Clients = ParseInt(name, Value(args, ref i), 1, 20_000);
                    break;
                case "--push-rate":
                    options.PushRate = ParseDouble(name, Value(args, ref i), 1, 20_000);
                    break;
                case "--residents":
                    options.Residents = ParseInt(name, Value(args, ref i), 1, 1522);
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(ParseDouble(name, Value(args, ref i), 0, 600));
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'. Try --help.");
            }
        }

        if (options.Urls.Count > 2)
        {
            throw new ArgumentException("--url takes at most two hosts (one cluster of two silos).");
        }

        if (options.Urls.Count > 0 && options.Silos > 1)
        {
            throw new ArgumentException("--silos starts the bench's own silos; with --url give each host's --url instead.");
        }

        if (options.SiloPids.Count > Math.Max(1, options.Urls.Count))
        {
            throw new ArgumentException("--silo-pid is given once per --url.");
        }

        if (options.Urls.Count > 1)
        {
            options.Silos = options.Urls.Count;
        }

        if (options.Silos > 1 && (options.CompareSettlement || options.SoakDuration > TimeSpan.Zero))
        {
            throw new ArgumentException("--silos 2 (or two --url) measures one cluster of two silos; it cannot be used with --compare-settlement or --soak-minutes.");
        }

        if (options.CompareSettlement && options.SoakDuration > TimeSpan.Zero)
        {
            throw new ArgumentException("--soak-minutes runs one silo; it cannot be used with --compare-settlement.");
        }

        if (options.CompareSettlement && options.Url is not null)
        {
            throw new ArgumentException("--compare-settlement starts its own two silos; it cannot be used with --url.");
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new ArgumentException($"Option '{args[i]}' needs a value.");
        }

        return args[++i];
    }

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url '{text}' is not an http(s) URL.");
        }

        if (!url.IsLoopback)
        {
            throw new ArgumentException($"--url '{text}' is not a loopback address: the bench talks to this machine only.");
        }

        return url;
    }

    private static WatcherGc ParseWatcherGc(string text) => text.ToLowerInvariant() switch
    {
        "workstation" => WatcherGc.Workstation,
        "nonconcurrent" => WatcherGc.NonConcurrent,
        "server" => WatcherGc.Server,
        _ => throw new ArgumentException($"--watcher-gc takes workstation, nonconcurrent or server, not '{text}'."),
    };

    private static Phases ParsePhases(string text)
    {
        var phases = Phases.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            phases |= name.ToLowerInvariant() switch
            {
                "search" => Phases.Search,
                "reserve" => Phases.Reserve,
                "push" => Phases.Push,
                _ => throw new ArgumentException($"--phases takes search, reserve and push, not '{name}'."),
            };
        }

        return phases == Phases.None ? throw new ArgumentException("--phases needs at least one phase.") : phases;
    }

    private static int ParseInt(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} takes a whole number from {min} to {max}, not '{text}'.");

    private static double ParseDouble(string name, string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} takes a number from {min} to {max}, not '{text}'.");
}
