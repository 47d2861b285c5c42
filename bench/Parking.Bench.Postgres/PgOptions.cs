using System.Globalization;

namespace Parking.Bench.Postgres;

/// <summary>Command-line options of the PostgreSQL benchmark.</summary>
internal sealed class PgOptions
{
    public const string Usage = """
        Parking.Bench.Postgres: the grain path with PostgreSQL persistence next to a plain
        PostgreSQL implementation of the same rule and the server's single-row write ceiling,
        all against one throwaway PostgreSQL (fsync on, synchronous_commit on) on loopback.

        Usage: dotnet run -c Release --project bench/Parking.Bench.Postgres -- [options]

          --runs N           Runs per path and workload; medians are taken over them (1 to 5, default 3).
          --duration S       Seconds per measured phase (default 10).
          --concurrency C    Requests (and pgbench clients) in flight (default 64).
          --residents N      Residents to sign in as (default 1522).
          --warmup S         Unreported load per path and workload before run 1 (default 3).
          --quick            Smoke run: 1 run of 2 s, 100 residents, 1 s warm-up.
          --help             This text.
        """;

    public int Runs { get; private set; } = 3;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public int Concurrency { get; private set; } = 64;

    public int Residents { get; private set; } = 1522;

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    public bool Quick { get; private set; }

    public bool Help { get; private set; }

    public static PgOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PgOptions();
        if (args.Contains("--quick"))
        {
            options.Quick = true;
            options.Runs = 1;
            options.Duration = TimeSpan.FromSeconds(2);
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
                case "--runs":
                    options.Runs = (int)Number(args, ref i, 1, 5);
                    break;
                case "--duration":
                    options.Duration = TimeSpan.FromSeconds(Number(args, ref i, 0.5, 600));
                    break;
                case "--concurrency":
                    options.Concurrency = (int)Number(args, ref i, 1, 150);
                    break;
                case "--residents":
                    options.Residents = (int)Number(args, ref i, 1, 1522);
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(Number(args, ref i, 0, 600));
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'. Try --help.");
            }
        }

        return options;
    }

    private static double Number(IReadOnlyList<string> args, ref int i, double min, double max)
    {
        var name = args[i];
        if (i + 1 >= args.Count)
        {
            throw new ArgumentException($"Option '{name}' needs a value.");
        }

        var text = args[++i];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} takes a number from {min} to {max}, not '{text}'.");
    }
}
