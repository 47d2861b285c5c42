using System.Globalization;

namespace Parking.Bench.SubDistrict;

/// <summary>The bench's options; <see cref="Parse"/> refuses a bad one with a message naming it and why.</summary>
internal sealed record SubDistrictOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/Parking.Bench.SubDistrict -- [options]
          --compounds N        compounds in the sub-district (default 80; every 13th Kangcheng-sized), 1-200
          --rate R             bookings per second of the open-loop load (default 500)
          --searches K         availability searches per booking (default 10)
          --warmup S           seconds of load before the measured phases (default 5)
          --steady S           seconds of the measured steady phase (default 60)
          --after-kill S       seconds of load after one silo is SIGKILLed (default 30)
          --flowing-bound S    after the kill, bookings flow again once every booking is acknowledged within S s (default 1)
          --silo-dll PATH      a built Parking.Silo.dll instead of building src/Silo in Release
          --silos N            silos in the cluster (default 3); with 1 there is no kill, for the cost of the cluster itself
          --silo-logs DIR      write each silo's whole output to DIR (one file per silo process)
          --silo-env K=V       an extra environment variable for every silo (repeatable), for experiments
        """;

    public int Compounds { get; init; } = 80;

    public double Rate { get; init; } = 500;

    public int SearchesPerBooking { get; init; } = 10;

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan AfterKill { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The fixed bound of the flowing-again measure: a booking answered 2xx within it succeeded.</summary>
    public TimeSpan FlowingBound { get; init; } = TimeSpan.FromSeconds(1);

    public string? SiloDll { get; init; }

    public int Silos { get; init; } = 3;

    public string? SiloLogs { get; init; }

    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The options, or the reason they were refused (null options and a message; "help" for --help).</summary>
    public static (SubDistrictOptions? Options, string? Error) Parse(string[] args)
    {
        var options = new SubDistrictOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return (null, "help");
            }

            if (i + 1 >= args.Length)
            {
                return (null, $"{name}: a value is missing.");
            }

            var value = args[++i];
            string? error = null;
            switch (name)
            {
                case "--compounds":
                    options = options with { Compounds = Whole(name, value, 1, 200, ref error) };
                    break;
                case "--rate":
                    options = options with { Rate = Number(name, value, 0.1, 100_000, ref error) };
                    break;
                case "--searches":
                    options = options with { SearchesPerBooking = Whole(name, value, 0, 1_000, ref error) };
                    break;
                case "--warmup":
                    options = options with { WarmUp = TimeSpan.FromSeconds(Number(name, value, 0, 3_600, ref error)) };
                    break;
                case "--steady":
                    options = options with { Steady = TimeSpan.FromSeconds(Number(name, value, 1, 3_600, ref error)) };
                    break;
                case "--after-kill":
                    options = options with { AfterKill = TimeSpan.FromSeconds(Number(name, value, 1, 3_600, ref error)) };
                    break;
                case "--flowing-bound":
                    options = options with { FlowingBound = TimeSpan.FromSeconds(Number(name, value, 0.01, 60, ref error)) };
                    break;
                case "--silo-dll":
                    var path = Path.GetFullPath(value);
                    error = File.Exists(path) ? null : $"--silo-dll: no file '{path}' (a relative path is read from {Environment.CurrentDirectory}).";
                    options = options with { SiloDll = path };
                    break;
                case "--silos":
                    options = options with { Silos = Whole(name, value, 1, 5, ref error) };
                    break;
                case "--silo-logs":
                    options = options with { SiloLogs = Path.GetFullPath(value) };
                    break;
                case "--silo-env":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    error = equals > 0 ? null : $"--silo-env: '{value}' is not NAME=VALUE.";
                    if (error is null)
                    {
                        options = options with { SiloEnvironment = new Dictionary<string, string>(options.SiloEnvironment) { [value[..equals]] = value[(equals + 1)..] } };
                    }

                    break;
                default:
                    error = $"{name}: unknown option.";
                    break;
            }

            if (error is not null)
            {
                return (null, error);
            }
        }

        return (options, null);
    }

    private static int Whole(string name, string value, int min, int max, ref string? error)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"{name}: '{value}' is not a whole number from {min} to {max}.";
        }

        return parsed;
    }

    private static double Number(string name, string value, double min, double max, ref string? error)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"{name}: '{value}' is not a number from {min} to {max}.";
        }

        return parsed;
    }
}
