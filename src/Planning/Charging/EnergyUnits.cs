namespace Parking.Planning.Charging;

/// <summary>
/// Planners work in whole watt-hours per period (flows and CP-SAT need integers), rounding every limit down so
/// that a plan never exceeds a power or a request when turned back into kW.
/// </summary>
internal static class EnergyUnits
{
    public static long PeriodWh(double kw, double periodHours) => (long)Math.Floor(Math.Max(0, kw) * periodHours * 1000 + 1e-9);

    public static long Wh(double kwh) => (long)Math.Floor(Math.Max(0, kwh) * 1000 + 1e-9);

    public static double Kw(long wh, double periodHours) => wh / (1000 * periodHours);

    public static ChargingPlan ToPlan(
        ChargingInstance instance, string algorithm, PlanStatus status, long[][] whByRequest,
        ChargingTurn?[]? turns = null, double? boundKwh = null, TimeSpan solveTime = default)
    {
        var sessions = new SessionPlan[instance.Requests.Count];
        for (var i = 0; i < sessions.Length; i++)
        {
            var powers = new double[instance.Periods];
            for (var t = 0; t < instance.Periods; t++)
                powers[t] = Kw(whByRequest[i][t], instance.PeriodHours);
            sessions[i] = new SessionPlan(instance.Requests[i].Id, powers, turns?[i]);
        }
        return new ChargingPlan(algorithm, status, sessions, boundKwh, solveTime);
    }

    public static long[][] Empty(ChargingInstance instance) =>
        [.. instance.Requests.Select(_ => new long[instance.Periods])];
}
