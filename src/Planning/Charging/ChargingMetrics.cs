namespace Parking.Planning.Charging;

/// <summary>
/// The figures every plan is judged by. Shares are delivered ÷ requested per request (requests asking for
/// nothing count as fully served); <see cref="GapToBound"/> is (bound − delivered) ÷ bound.
/// </summary>
public sealed record ChargingMetrics(
    double EnergyKwh,
    double RequestedKwh,
    double EnergyPercent,
    double FullyServedPercent,
    double PeakKw,
    double Cost,
    double LeastShare,
    double JainFairness,
    int Moves,
    double UpperBoundKwh,
    double GapToBound)
{
    /// <summary>A request counts as fully served when it got at least this share of its need.</summary>
    public const double FullShare = 0.999;

    public static ChargingMetrics Compute(ChargingInstance instance, ChargingPlan plan, double upperBoundKwh)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(plan);
        var hours = instance.PeriodHours;
        var shares = new List<double>(instance.Requests.Count);
        double energy = 0, requested = 0, cost = 0;
        var perPeriod = new double[instance.Periods];
        foreach (var request in instance.Requests)
        {
            var session = plan.Session(request.Id);
            var delivered = 0.0;
            if (session is not null)
            {
                for (var t = 0; t < Math.Min(session.PowerKw.Count, instance.Periods); t++)
                {
                    var kw = session.PowerKw[t];
                    perPeriod[t] += kw;
                    delivered += kw * hours;
                    cost += kw * hours * instance.Price(t);
                }
            }
            energy += delivered;
            requested += request.EnergyKwh;
            shares.Add(request.EnergyKwh <= 0 ? 1 : Math.Min(1, delivered / request.EnergyKwh));
        }
        var sum = shares.Sum();
        var sumSquares = shares.Sum(s => s * s);
        var jain = shares.Count == 0 || sumSquares == 0 ? 1 : sum * sum / (shares.Count * sumSquares);
        var moves = plan.Sessions.Sum(s => s.Turns.Count);
        return new ChargingMetrics(
            energy,
            requested,
            requested <= 0 ? 100 : 100 * energy / requested,
            shares.Count == 0 ? 100 : 100.0 * shares.Count(s => s >= FullShare) / shares.Count,
            perPeriod.Length == 0 ? 0 : perPeriod.Max(),
            cost,
            shares.Count == 0 ? 1 : shares.Min(),
            jain,
            moves,
            upperBoundKwh,
            upperBoundKwh <= 0 ? 0 : Math.Max(0, (upperBoundKwh - energy) / upperBoundKwh));
    }
}
