namespace Parking.Planning.Charging;

/// <summary>Helpers for re-planning from a plan already published.</summary>
public static class ChargingReplan
{
    /// <summary>
    /// The instance with every turn of <paramref name="previous"/> that started before <paramref name="nowPeriod"/>
    /// (and whose request is still in the instance) kept as a fixed turn. Pass <paramref name="previous"/> as
    /// <see cref="SolveOptions.Previous"/> too, so that the solver starts from it.
    /// </summary>
    public static ChargingInstance KeepStartedTurns(ChargingInstance instance, ChargingPlan previous, int nowPeriod)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(previous);
        var fixedTurns = (instance.FixedTurns ?? []).ToList();
        foreach (var session in previous.Sessions)
        {
            // The turn started last (a request with several turns keeps the one it is in, or its last one started).
            if (session.Turns.LastOrDefault(t => t.StartPeriod < nowPeriod) is not { } turn) continue;
            var request = instance.Requests.FirstOrDefault(r => r.Id == session.RequestId);
            if (request is null || fixedTurns.Any(f => f.RequestId == request.Id)) continue;
            var end = Math.Min(turn.EndPeriod, request.DeparturePeriod);
            if (end <= turn.StartPeriod || turn.StartPeriod < request.ArrivalPeriod) continue;
            fixedTurns.Add(new FixedTurn(request.Id, turn.ChargerId, turn.StartPeriod, end));
        }
        return instance with { FixedTurns = fixedTurns };
    }
}
