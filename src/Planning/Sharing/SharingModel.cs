using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;

namespace Parking.Planning.Sharing;

/// <summary>
/// The CP-SAT model of a round. A bool x[r,s] per request and candidate space; at most one space per
/// request. No overlap on a space is stated as cliques: for every window start t on a space, at most one
/// of the requests holding a window that contains t (in an interval graph every maximal clique contains
/// such a point, so this is exactly "no two overlap", and tighter than pairwise constraints).
/// The objectives are lexicographic, solved in two stages: (1) maximize minutes served, hinted with the
/// greedy round; (2) keep those minutes and maximize F·Σ weight(h)·served(h) − Σ walk, where F exceeds
/// the largest possible total walk, so one more weighted household always beats any saving in walking.
/// </summary>
internal static class SharingModel
{
    public readonly record struct Solved(int[] Picks, bool Optimal);

    public static Solved? Solve(PreparedRound prepared, int[] greedy, IReadOnlyList<int[]> heuristics, SharingSolveOptions options, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var instance = prepared.Instance;
        var model = new CpModel();
        var requestCount = instance.Requests.Count;
        var vars = new List<(int Request, int Slot, int Walk, BoolVar X)>();
        var perRequest = new List<BoolVar>[requestCount];
        var perSlot = new Dictionary<int, List<int>>();
        for (var r = 0; r < requestCount; r++)
        {
            perRequest[r] = [];
            foreach (var (slot, walk) in CandidatesFor(prepared, r, [.. heuristics.Select(h => h[r])], options))
            {
                var x = model.NewBoolVar(string.Create(CultureInfo.InvariantCulture, $"x{r}_{slot}"));
                if (!perSlot.TryGetValue(slot, out var list))
                {
                    perSlot[slot] = list = [];
                }

                list.Add(vars.Count);
                vars.Add((r, slot, walk, x));
                perRequest[r].Add(x);
            }

            if (perRequest[r].Count > 1)
            {
                model.AddAtMostOne(perRequest[r]);
            }
        }

        foreach (var members in perSlot.Values)
        {
            AddNoOverlap(model, prepared, vars, members);
        }

        var minutes = vars.Select(v => (long)Math.Round(prepared.RequestHours[v.Request] * 60)).ToArray();
        var xs = vars.Select(v => (ILiteral)v.X).ToArray();
        var served = LinearExpr.WeightedSum(xs, minutes);
        for (var i = 0; i < vars.Count; i++)
        {
            model.AddHint(vars[i].X, greedy[vars[i].Request] == vars[i].Slot ? 1 : 0);
        }

        var total = options.TimeLimit;
        using var solver = new CpSolver();
        using var registration = cancellationToken.Register(solver.StopSearch);

        // The budget covers the whole call, preparation and greedy rounds included: stage 1 gets 60% of what is
        // left, stage 2 the rest. Each stage gets at least a tenth of the budget even when a loaded machine
        // made preparation slow, so a small round still reaches its fairness stage (the call may then run over
        // its budget by up to a fifth).
        var floor = total * 0.1;
        model.Maximize(served);
        solver.StringParameters = Parameters(options, Max((total - stopwatch.Elapsed) * 0.6, floor));
        var first = solver.Solve(model);
        if (first is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return null;
        }

        var bestMinutes = (long)Math.Round(solver.ObjectiveValue);
        var firstOptimal = first == CpSolverStatus.Optimal;
        var picks = PicksOf(solver, vars, requestCount);
        var remaining = Max(total - stopwatch.Elapsed, floor);
        if (cancellationToken.IsCancellationRequested)
        {
            return new Solved(picks, false);
        }

        // Stage 2: keep the hours, then favour households by weight, then shorter walks.
        model.Add(served >= bestMinutes);
        model.ClearHints();
        for (var i = 0; i < vars.Count; i++)
        {
            model.AddHint(vars[i].X, picks[vars[i].Request] == vars[i].Slot ? 1 : 0);
        }

        var households = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < vars.Count; i++)
        {
            var household = instance.Requests[vars[i].Request].HouseholdId;
            if (!households.TryGetValue(household, out var list))
            {
                households[household] = list = [];
            }

            list.Add(i);
        }

        var farthest = new long[requestCount];
        foreach (var v in vars)
        {
            farthest[v.Request] = Math.Max(farthest[v.Request], v.Walk);
        }

        var walkBound = 1L + farthest.Sum();
        var fairnessTerms = new List<ILiteral>();
        var fairnessCoefficients = new List<long>();
        foreach (var (household, members) in households)
        {
            var y = model.NewBoolVar("served_" + household);
            model.Add(LinearExpr.Sum(members.Select(m => vars[m].X)) >= y);
            model.AddHint(y, members.Any(m => picks[vars[m].Request] == vars[m].Slot) ? 1 : 0);
            fairnessTerms.Add(y);
            fairnessCoefficients.Add(walkBound * (long)Math.Round(instance.WeightOf(household) * 100));
        }

        var walks = vars.Select(v => (long)v.Walk).ToArray();
        model.Maximize(LinearExpr.WeightedSum(fairnessTerms, fairnessCoefficients) - LinearExpr.WeightedSum(xs, walks));
        solver.StringParameters = Parameters(options, remaining);
        var second = solver.Solve(model);
        if (second is CpSolverStatus.Optimal or CpSolverStatus.Feasible)
        {
            return new Solved(PicksOf(solver, vars, requestCount), firstOptimal && second == CpSolverStatus.Optimal);
        }

        return new Solved(picks, false);
    }

    /// <summary>
    /// The nearest candidates, no more than a few per lot, and always the spaces the greedy rounds picked,
    /// so every greedy round (and so the hint) is a solution of the model.
    /// </summary>
    internal static IEnumerable<(int Slot, int Walk)> CandidatesFor(PreparedRound prepared, int request, int[] picks, SharingSolveOptions options)
    {
        var perLot = new Dictionary<string, int>(StringComparer.Ordinal);
        var chosen = new HashSet<int>();
        var candidates = prepared.Candidates[request];
        for (var i = 0; i < candidates.Length && chosen.Count < options.CandidatesPerRequest; i++)
        {
            var slot = candidates[i];
            var lot = prepared.Instance.Supply[slot].LotId;
            perLot.TryGetValue(lot, out var count);
            if (count >= options.CandidatesPerLot)
            {
                continue;
            }

            perLot[lot] = count + 1;
            chosen.Add(slot);
            yield return (slot, prepared.CandidateWalks[request][i]);
        }

        foreach (var pick in picks)
        {
            if (pick >= 0 && chosen.Add(pick))
            {
                yield return (pick, prepared.WalkTo(request, pick));
            }
        }
    }

    internal static void AddNoOverlap(CpModel model, PreparedRound prepared, List<(int Request, int Slot, int Walk, BoolVar X)> vars, List<int> members)
    {
        if (members.Count < 2)
        {
            return;
        }

        var windows = new List<(long Start, long End, int Var)>();
        foreach (var m in members)
        {
            var w = prepared.RequestWindows[vars[m].Request];
            for (var i = 0; i < w.Length; i += 2)
            {
                windows.Add((w[i], w[i + 1], m));
            }
        }

        windows.Sort((a, b) => a.Start.CompareTo(b.Start));
        var active = new List<(long End, int Var)>();
        List<int>? previous = null;
        for (var i = 0; i < windows.Count; i++)
        {
            var t = windows[i].Start;
            active.RemoveAll(a => a.End <= t);
            active.Add((windows[i].End, windows[i].Var));
            if (i + 1 < windows.Count && windows[i + 1].Start == t)
            {
                continue;
            }

            // A request's own windows are disjoint, so each member appears once in the clique at t.
            var clique = active.Select(a => a.Var).ToList();
            if (clique.Count < 2 || (previous is not null && clique.All(previous.Contains) && clique.Count <= previous.Count))
            {
                continue;
            }

            model.AddAtMostOne(clique.Select(v => (ILiteral)vars[v].X));
            previous = clique;
        }
    }

    private static int[] PicksOf(CpSolver solver, List<(int Request, int Slot, int Walk, BoolVar X)> vars, int requestCount)
    {
        var picks = Enumerable.Repeat(-1, requestCount).ToArray();
        foreach (var v in vars)
        {
            if (solver.BooleanValue(v.X))
            {
                picks[v.Request] = v.Slot;
            }
        }

        return picks;
    }

    // A month has ~10^5 literals: full presolve (symmetry, probing) alone took most of a 15 s budget on a
    // loaded two-core machine before the hinted solution was even loaded, so it is kept light.
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    internal static string Parameters(SharingSolveOptions options, TimeSpan limit) => string.Create(
        CultureInfo.InvariantCulture,
        $"max_time_in_seconds:{Math.Max(0.01, limit.TotalSeconds):0.###} num_workers:{Math.Max(1, options.Workers)} random_seed:{options.RandomSeed} symmetry_level:0 cp_model_probing_level:0 max_presolve_iterations:1 {CpSatParameters.HostOwnsSignals}");
}
