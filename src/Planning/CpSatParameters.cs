using System.Globalization;

namespace Parking.Planning;

/// <summary>CP-SAT parameter strings for a solve budget, shared by the planners.</summary>
public static class CpSatParameters
{
    /// <summary>
    /// Left on, CP-SAT installs its own SIGINT handler for each solve and does not put the host's back: a Ctrl+C (or
    /// a container stop sending SIGINT) after any charging or sharing plan then aborted the silo with
    /// <c>std::bad_function_call</c> instead of letting it shut down in order. The host decides what a signal means.
    /// </summary>
    public const string HostOwnsSignals = "catch_sigint_signal:false";

    /// <param name="extra">More parameters in the same text format, e.g. <c>cp_model_probing_level:0</c>.</param>
    public static string For(TimeSpan timeLimit, int workers, string extra = "") => string.Create(
        CultureInfo.InvariantCulture,
        $"max_time_in_seconds:{Math.Max(0.05, timeLimit.TotalSeconds):0.###} num_workers:{Math.Max(1, workers)} {HostOwnsSignals} {extra}").TrimEnd();
}
