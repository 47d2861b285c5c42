using System.Globalization;

namespace Parking.Planning;

/// <summary>CP-SAT parameter strings for a solve budget, shared by the planners.</summary>
public static class CpSatParameters
{
    /// <param name="extra">More parameters in the same text format, e.g. <c>cp_model_probing_level:0</c>.</param>
    public static string For(TimeSpan timeLimit, int workers, string extra = "") => string.Create(
        CultureInfo.InvariantCulture,
        $"max_time_in_seconds:{Math.Max(0.05, timeLimit.TotalSeconds):0.###} num_workers:{Math.Max(1, workers)} {extra}").TrimEnd();
}
