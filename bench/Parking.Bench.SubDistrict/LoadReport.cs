using System.Globalization;

namespace Parking.Bench.SubDistrict;

/// <summary>
/// The load's figures: per phase (by when each request was due: warm-up, steady, after the kill) and kind, the rate
/// asked for, sent and answered 2xx, p50/p99 of the 2xx answers (sent to answered, retries on other silos included),
/// the answers that were not 2xx, and the same p50/p99 per silo that gave the answer; then the recovery after the kill.
/// </summary>
internal sealed class LoadReport(OpenLoad load, SubDistrictOptions options)
{
    /// <summary>How much of the after-kill phase must follow the flowing-again time for it to count.</summary>
    private static readonly TimeSpan FlowingMargin = TimeSpan.FromSeconds(5);

    private readonly List<Sample> _samples = [.. load.Samples];
    private double? _steadySearchP99;
    private double? _steadyBookingP99;
    private double _steadyBookingsPerSecond;
    private double? _afterSearchP99;
    private double? _afterBookingP99;

    private IEnumerable<(string Name, long From, long To)> Phases()
    {
        var warm = OpenLoad.Ticks(options.WarmUp);
        var steady = warm + OpenLoad.Ticks(options.Steady);
        yield return ("steady", warm, steady);
        yield return ("after the kill", steady, steady + OpenLoad.Ticks(options.AfterKill));
    }

    public void Print(double[]? steadyCpu)
    {
        _ = steadyCpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Results (warm-up {options.WarmUp.TotalSeconds:F0} s not counted; {load.NotSent:N0} requests not sent because {OpenLoad.MaxInFlight:N0} were outstanding):"));
        foreach (var (name, from, to) in Phases())
        {
            var seconds = OpenLoad.Ms(to - from) / 1000;
            var inPhase = _samples.Where(s => s.Due >= from && s.Due < to).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} ({seconds:F0} s):"));
            foreach (var kind in new[] { RequestKind.Booking, RequestKind.Search })
            {
                var asked = kind == RequestKind.Booking ? options.Rate : options.Rate * options.SearchesPerBooking;
                var ofKind = inPhase.Where(s => s.Kind == kind).ToList();
                var ok = ofKind.Where(s => s.Ok).Select(s => s.LatencyMs).Order().ToList();
                var lag = ofKind.Select(s => s.LagMs).Order().ToList();
                var refused = ofKind.Where(s => !s.Ok).GroupBy(s => s.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} x {g.Key}");
                var retried = ofKind.Count(s => s.Attempts > 1);
                var label = kind == RequestKind.Booking ? "bookings" : "searches";
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"    {label}: asked {asked:F0}/s, sent {ofKind.Count / seconds:F0}/s (send lag p99 {At(lag, 0.99):F1} ms), answered 2xx {ok.Count / seconds:F0}/s; p50 {At(ok, 0.5):F1} ms, p99 {At(ok, 0.99):F1} ms, max {At(ok, 1):F1} ms; {retried} retried on another silo; not 2xx: {(ofKind.Count == ok.Count ? "none" : string.Join(", ", refused))}"));
                foreach (var silo in ofKind.Where(s => s.Ok).GroupBy(s => s.Silo).OrderBy(g => g.Key))
                {
                    var sorted = silo.Select(s => s.LatencyMs).Order().ToList();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      answered by silo {silo.Key + 1}: {sorted.Count} (p50 {At(sorted, 0.5):F1} ms, p99 {At(sorted, 0.99):F1} ms)"));
                }

                if (name == "steady")
                {
                    if (kind == RequestKind.Booking)
                    {
                        _steadyBookingP99 = ok.Count > 0 ? At(ok, 0.99) : null;
                        _steadyBookingsPerSecond = ok.Count / seconds;
                    }
                    else
                    {
                        _steadySearchP99 = ok.Count > 0 ? At(ok, 0.99) : null;
                    }
                }
                else if (kind == RequestKind.Booking)
                {
                    _afterBookingP99 = ok.Count > 0 ? At(ok, 0.99) : null;
                }
                else
                {
                    _afterSearchP99 = ok.Count > 0 ? At(ok, 0.99) : null;
                }
            }
        }
    }

    /// <summary>
    /// Bookings flowing again after the kill, as issue 17 asks ("the time until reservations on the moved grains
    /// succeed again"): the earliest time T after the kill from which every booking sent was acknowledged (2xx) within
    /// a fixed bound (<see cref="SubDistrictOptions.FlowingBound"/>, default 1 s), whatever the steady p99 was. The bench
    /// cannot tell which grains lived on the killed silo, so it asks this of every booking, a superset of those on the
    /// moved grains. T is when the last booking that failed or waited beyond the bound was sent (0 when none did); the
    /// bookings flow again only if at least <see cref="FlowingMargin"/> of the phase follows T and the bookings sent after
    /// T reach the asked rate. Bookings already in flight at the kill are reported apart (they were sent before it).
    /// The earlier measure, relative to the steady p99 (the last answer slower than twice it), is printed beside it.
    /// Prints and returns T; null: not flowing again within the phase.
    /// </summary>
    public double? PrintRecovery()
    {
        if (load.KilledTicks is not { } killed)
        {
            return null;
        }

        var bound = options.FlowingBound.TotalMilliseconds;
        var phaseEnd = OpenLoad.Ticks(options.WarmUp + options.Steady + options.AfterKill);
        var bookings = _samples.Where(s => s.Kind == RequestKind.Booking && s.Answered >= killed).ToList();
        var sentAfter = bookings.Where(s => s.Sent >= killed).OrderBy(s => s.Sent).ToList();
        var inFlight = bookings.Where(s => s.Sent < killed).ToList();
        static bool Bad(Sample s, double bound) => !s.Ok || s.LatencyMs > bound;
        var badAfter = sentAfter.Where(s => Bad(s, bound)).ToList();
        var flowFrom = badAfter.Count == 0 ? killed : badAfter.Max(s => s.Sent);
        var flowSeconds = OpenLoad.Ms(flowFrom - killed) / 1000;
        var left = OpenLoad.Ms(phaseEnd - flowFrom) / 1000;
        var goodAfterFlow = sentAfter.Count(s => s.Sent > flowFrom);
        var rateAfterFlow = left > 0 ? goodAfterFlow / left : 0;
        var flowing = left >= FlowingMargin.TotalSeconds && rateAfterFlow >= 0.98 * options.Rate;

        // Per second after the kill: bookings sent in that second and acknowledged within the bound.
        var seconds = (int)Math.Ceiling(OpenLoad.Ms(phaseEnd - killed) / 1000);
        var perSecond = new int[Math.Max(seconds, 0)];
        foreach (var s in sentAfter.Where(s => !Bad(s, bound)))
        {
            var i = (int)(OpenLoad.Ms(s.Sent - killed) / 1000);
            if (i >= 0 && i < perSecond.Length)
            {
                perSecond[i]++;
            }
        }

        var failed = bookings.Where(s => !s.Ok).GroupBy(s => s.Outcome).Select(g => $"{g.Count()} x {g.Key}").ToList();
        var slowest = bookings.Count == 0 ? 0 : bookings.Max(s => s.LatencyMs) / 1000;
        var inFlightBad = inFlight.Count(s => Bad(s, bound));
        var afterOk = sentAfter.Where(s => s.Ok).ToList();
        var firstOk = afterOk.Count == 0 ? double.NaN : afterOk.Min(s => OpenLoad.Ms(s.Answered - killed)) / 1000;
        Console.WriteLine(flowing
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"  after the kill: bookings flowing again {flowSeconds:F2} s after the kill: every booking sent after that was acknowledged within {bound / 1000:F2} s (the fixed bound, --flowing-bound), {rateAfterFlow:F0}/s over the {left:F1} s left of {options.Rate:F0}/s asked  target <= 3 s")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"  after the kill: bookings NOT flowing again within the phase: the last booking that failed or took longer than {bound / 1000:F2} s (the fixed bound, --flowing-bound) was sent {flowSeconds:F2} s after the kill, and flowing needs at least {FlowingMargin.TotalSeconds:F0} s of the phase after it with 98 % of the asked {options.Rate:F0}/s acknowledged within the bound ({rateAfterFlow:F0}/s)  target <= 3 s"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"    {badAfter.Count} of {sentAfter.Count} bookings sent after the kill failed or took longer than the bound; of {inFlight.Count} in flight at the kill, {inFlightBad}; acknowledged within the bound per second after the kill: {string.Join(' ', perSecond.Take(40))}"));
        var threshold = Math.Max(1_000, 2 * (_steadyBookingP99 ?? 0));
        var stalled = bookings.Where(s => s.LatencyMs > threshold || !s.Ok).ToList();
        var lastStall = stalled.Count == 0 ? 0 : stalled.Max(s => OpenLoad.Ms(s.Answered - killed)) / 1000;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"    relative to the steady phase (the earlier measure): {stalled.Count} bookings took longer than {threshold / 1000:F2} s (twice the steady p99, at least 1 s) or failed, the last answered {lastStall:F2} s after the kill; slowest booking answered after the kill {slowest:F2} s; first booking sent after the kill acknowledged {firstOk:F2} s after it; {sentAfter.Count} sent after the kill, {afterOk.Count} acknowledged; not 2xx: {(failed.Count == 0 ? "none" : string.Join(", ", failed))}"));
        return flowing ? flowSeconds : null;
    }

    public void PrintSummary(double? recovery, double recoveryTarget, double searchTarget, double bookingTarget)
    {
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  steady: {_steadyBookingsPerSecond:F0} bookings/s acknowledged of {options.Rate:F0} asked ({(_steadyBookingsPerSecond >= 0.98 * options.Rate ? "rate reached" : "rate NOT reached")}); search p99 {Show(_steadySearchP99)} ms (target <= {searchTarget:F0}: {Met(_steadySearchP99, searchTarget)}), booking p99 {Show(_steadyBookingP99)} ms (target <= {bookingTarget:F0}: {Met(_steadyBookingP99, bookingTarget)})"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  after the kill: search p99 {Show(_afterSearchP99)} ms, booking p99 {Show(_afterBookingP99)} ms; bookings flowing again (every booking acknowledged within {options.FlowingBound.TotalSeconds:F2} s) {(recovery is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + " s after the kill" : "not within the phase")} (target <= {recoveryTarget:F0} s: {(recovery is null ? "NOT met" : Met(recovery, recoveryTarget))})"));
    }

    private static string Show(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string Met(double? value, double target) => value is { } v ? (v <= target ? "met" : "NOT met") : "not measured";

    private static double At(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
