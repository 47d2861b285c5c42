using System.Globalization;
using Parking.Bench.Limits;

// The per-caller rate limit: this project's own buckets (CallerRateLimiter) against ASP.NET Core's partitioned limiter
// with a token bucket per caller, driven in one process with the same callers and the project's default limits.
var callerCounts = args.Length > 0 ? args[0].Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1_000, 10_000];
var idle = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 8);
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var libraryFirst = args.Length > 3 && args[3] == "library-first";
LimiterBench.Run(callerCounts, idle, rounds, libraryFirst);
