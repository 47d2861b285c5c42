using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>
/// How the online planner weighs what it plans. Energy itself weighs 1 per kWh, so every term here only chooses among
/// plans that deliver (nearly) as much:
/// <list type="bullet">
/// <item><see cref="QuickCharge"/>: the extra weight of a kWh delivered now over one delivered at the end of the
/// horizon (weights fall linearly in between), so the plan charges sooner rather than later.</item>
/// <item><see cref="Decay"/>: a per-car weight that starts at <see cref="Decay"/> now and falls to zero at the car's
/// departure (divided by its time left to the power <see cref="DecayPower"/>). When every present car can be served,
/// a static urgency is the same whatever the plan, so it cannot say which car should get the early periods; this
/// weight makes the car that leaves first take them, as earliest-deadline-first does, and leaves the later periods to
/// cars that stay, where new arrivals can still share them. It is on by default (1e-3).</item>
/// <item><see cref="Urgency"/>: a static extra weight for the most urgent car over the least urgent one (urgent:
/// leaving first, or with the least laxity when <see cref="ByLaxity"/>). Off by default: the decaying weight does its
/// work better (see docs/planning-charging.md).</item>
/// <item><see cref="EqualShare"/>: the penalty on the largest share of its limit any car takes in the period
/// applied.</item>
/// <item><see cref="Laxity"/>: a static extra weight, over the horizon, of 1 / (1 + laxity in periods). Off by default
/// (tried; it did not help).</item>
/// <item><see cref="LaxityNow"/>: in the period about to be applied only, an extra weight from <see cref="LaxityNow"/>
/// for the car with the least laxity (time left less the periods it still needs at full power) down to 0 for the one
/// with the most; with it the planner re-plans every period, so the order follows the laxities as they change, as
/// least-laxity-first does, but only among plans that deliver as much to the cars present. On by default (1e-2): when
/// the feed is contested, the cars that will be hardest to serve later (slow ones with much left) charge first, which
/// leaves the most room for cars still to come. Without it online fell below least laxity first on the July 2021 trace
/// at 30 kW (the decaying weight gave the early periods to the cars leaving first, and a 77 kW car arriving later took
/// the feed from slow cars still short).</item>
/// <item><see cref="Cost"/>: the penalty on a kWh bought at the instance's dearest time-of-use price (prices scale it
/// down linearly; none without prices). By default 1e-7, below every other term, so among plans that deliver as much
/// as soon, the cheaper one wins; a larger weight (1e-3 and up) lets cheaper later hours outweigh charging sooner.</item>
/// </list>
/// The program sees the next <see cref="Fine"/> periods one by one and the rest of the horizon in blocks of
/// <see cref="Block"/> periods (by default all one by one); the planner re-plans at least every <see cref="Fine"/> periods.
/// </summary>
public sealed record OnlineObjective(
    double QuickCharge = 1e-3, double Urgency = 0, double EqualShare = 1e-6, bool ByLaxity = false, int Fine = int.MaxValue, int Block = 1,
    double Decay = 1e-3, double DecayPower = 1, double Cost = 1e-7, double Laxity = 0, double LaxityNow = 1e-2)
{
    public static OnlineObjective Default { get; } = new();
}

/// <summary>
/// Online rate allocation as model-predictive control, as a charging network must run it: whenever a car arrives or
/// leaves it solves a linear program (GLOP) over the cars present, knowing only their declared departures and the
/// energy they still need (nothing of cars still to come): deliver as much as possible, sooner rather than later,
/// with a small equal-share regulariser (<see cref="OnlineObjective"/>), within every car's, charger's, site's and
/// phase's limit. It applies that plan until the next arrival or departure (nothing new is known in between, so
/// re-solving every period would give the same plan). Preferring early periods leaves the most room for cars not yet
/// seen. The C# API gives GLOP no starting basis, so every re-plan builds its program afresh.
/// </summary>
public sealed class OnlineRateAllocation(OnlineObjective? objective = null) : IChargingAlgorithm
{
    private readonly OnlineObjective _objective = objective ?? OnlineObjective.Default;

    public string Name => "online";

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default) =>
        SolveTimed(instance, cancellationToken: cancellationToken).Plan;

    /// <summary>
    /// Plans as <see cref="Solve"/> does and also returns how long each re-plan took (wall time), and, when given a
    /// clock of the calling thread's CPU time (<paramref name="threadTime"/>), the CPU time each re-plan used: on a
    /// machine shared with other work the wall time mostly measures the neighbours.
    /// </summary>
    public (ChargingPlan Plan, IReadOnlyList<TimeSpan> Replans, IReadOnlyList<int> CarsPresent, IReadOnlyList<TimeSpan> ReplanCpu) SolveTimed(
        ChargingInstance instance, Func<TimeSpan>? threadTime = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        var count = instance.Requests.Count;
        var kw = instance.Requests.Select(_ => new double[instance.Periods]).ToArray();
        var delivered = new double[count];
        var hours = instance.PeriodHours;
        var dearest = instance.PricePerKwh is { Count: > 0 } prices ? prices.Max() : 0;
        var times = new List<TimeSpan>();
        var cpu = new List<TimeSpan>();
        var cars = new List<int>();
        var present = new List<int>();
        var events = instance.Requests.SelectMany(r => new[] { r.ArrivalPeriod, r.DeparturePeriod })
            .Where(t => t < instance.Periods).Distinct().Order().ToArray();
        var order = Enumerable.Range(0, count).OrderBy(i => instance.Requests[i].ArrivalPeriod).ToArray();
        var next = 0;
        var active = new List<int>();
        var replan = Stopwatch.StartNew();
        // Re-plan at every arrival and departure, and at least every `Fine` periods: the program sees the next
        // `Fine` periods one by one and the rest of the horizon in blocks of `Block` periods.
        var pending = new PriorityQueue<int, int>();
        foreach (var t in events) pending.Enqueue(t, t);
        var last = -1;
        while (pending.TryDequeue(out var now, out _))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (now <= last) continue;
            last = now;
            // The laxity weight orders the cars in the period applied only, so with it the plan is made again every period.
            var until = (int)Math.Min(instance.Periods, (long)now + (_objective.LaxityNow > 0 ? 1 : _objective.Fine));
            if (pending.TryPeek(out var upcoming, out _)) until = Math.Min(until, upcoming);
            if (until < instance.Periods && (!pending.TryPeek(out var peek, out _) || peek != until)) pending.Enqueue(until, until);
            while (next < order.Length && instance.Requests[order[next]].ArrivalPeriod <= now) active.Add(order[next++]);
            active.RemoveAll(i => instance.Requests[i].DeparturePeriod <= now);
            var remaining = new double[count];
            present.Clear();
            foreach (var i in active)
            {
                remaining[i] = Math.Max(0, instance.Requests[i].EnergyKwh - delivered[i]);
                if (remaining[i] > 1e-9) present.Add(i);
            }
            if (present.Count == 0) continue;
            replan.Restart();
            var cpuStart = threadTime?.Invoke() ?? TimeSpan.Zero;
            var horizon = present.Max(i => instance.Requests[i].DeparturePeriod) - now;
            // Slack in periods: time left, less the periods it needs at full power (laxity), or time left.
            var slack = new double[count];
            foreach (var i in present)
            {
                var request = instance.Requests[i];
                slack[i] = request.DeparturePeriod - now;
                var most = instance.MaxPowerKw(request);
                if (_objective.ByLaxity && most > 0) slack[i] = Math.Max(0, slack[i] - (remaining[i] / (most * hours)));
            }
            var laxity = new double[count];
            foreach (var i in present)
            {
                var most = instance.MaxPowerKw(instance.Requests[i]);
                laxity[i] = most > 0 ? instance.Requests[i].DeparturePeriod - now - Math.Ceiling(remaining[i] / (most * hours) - 1e-9) : 0;
            }
            var maxLaxity = present.Max(i => laxity[i]);
            var laxitySpan = maxLaxity - present.Min(i => laxity[i]) + 1;
            var planned = RateLp.Solve(instance, present, now, remaining,
                (i, t) => 1 - (dearest > 0 ? _objective.Cost * instance.Price(t) / dearest : 0)
                    + (_objective.QuickCharge * (horizon - (t - now)) / horizon)
                    + (_objective.Urgency * (horizon - slack[i]) / horizon)
                    + (_objective.Decay * Math.Max(0, Math.Max(1, slack[i]) - (t - now)) / Math.Pow(Math.Max(1, slack[i]), _objective.DecayPower))
                    + (_objective.Laxity * (horizon - (t - now)) / horizon / (1 + Math.Max(0, laxity[i])))
                    + (t == now && laxitySpan > 0 ? _objective.LaxityNow * (maxLaxity - laxity[i]) / laxitySpan : 0),
                _objective.EqualShare, fine: _objective.Fine, block: _objective.Block)
                ?? throw new InvalidOperationException($"GLOP found no plan at period {now}.");
            times.Add(replan.Elapsed);
            if (threadTime is not null) cpu.Add(threadTime() - cpuStart);
            cars.Add(present.Count);
            foreach (var i in present)
            {
                for (var t = now; t < until; t++)
                {
                    kw[i][t] = planned[i][t];
                    delivered[i] += planned[i][t] * hours;
                }
            }
        }
        var sessions = instance.Requests.Select((r, i) => new SessionPlan(r.Id, kw[i], null)).ToList();
        return (new ChargingPlan(Name, PlanStatus.Feasible, sessions, SolveTime: clock.Elapsed), times, cars, cpu);
    }
}
