using System.Diagnostics;
using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Planning.Rebalancing;

namespace Parking.Bench.Planning;

/// <summary>
/// The rebalancing suite: the Chengshangcheng demo layout against synthetic demand; today's layout, the greedy
/// proposal and the optimized one (MIP) side by side: demand served per need, walks, changes, solve time.
/// </summary>
internal static class RebalanceSuite
{
    public static int Run(IReadOnlyList<string> args)
    {
        var limit = TimeSpan.FromSeconds(Option(args, "--time-limit", 20));
        var budget = (int)Option(args, "--budget", 40);
        var chargers = (int)Option(args, "--chargers", 20);
        var seed = (int)Option(args, "--seed", 2026);
        var size = args.Contains("--kangcheng") ? DemoCompoundSize.Kangcheng : DemoCompoundSize.Chengshangcheng;
        var allHours = args.Contains("--all-hours");
        var layout = DemoCompoundGenerator.Generate(size);
        var build = Stopwatch.StartNew();
        var demand = RebalancingDemand.Synthetic(layout, new SyntheticDemandParameters { Seed = seed });
        build.Stop();
        var constraints = new RebalancingConstraints { MaxSpaceChanges = budget, MaxNewChargers = chargers };
        var options = new RebalancingSolveOptions { TimeLimit = limit, MergeWeekdays = !allHours };

        Console.WriteLine(Invariant($"Rebalancing: the {layout.Name} demo layout ({layout.Buildings.Count} buildings, {layout.SpaceCount} spaces in {layout.Lots.Count} lots, {layout.ChargingAreas.Sum(a => a.Chargers.Count)} chargers)"));
        Console.WriteLine(Invariant($"demand: synthetic, seed {seed}, {demand.Cells.Count} building × hour × need cells (built in {build.Elapsed.TotalMilliseconds:0} ms)"));
        Console.WriteLine(Invariant($"budget: {budget} space changes, {chargers} new chargers; sharing share {constraints.SharingOwnersShare:P0}; time limit {limit.TotalSeconds:0} s; periods: {(allHours ? "168 hours" : "48 (weekday/weekend × hour)")}"));
        Console.WriteLine();

        var greedy = Rebalancer.Greedy(layout, demand, constraints, options);
        var mip = Rebalancer.Suggest(layout, demand, constraints, options);

        Console.WriteLine("| figure | today | greedy | optimized (MIP) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var need in Enum.GetValues<Need>())
        {
            var today = mip.Before.For(need);
            Row(Invariant($"{need} served / week ({today.Unit})"), Served(today), Served(greedy.After.For(need)), Served(mip.After.For(need)));
            Row(Invariant($"{need} mean walk (m)"), Invariant($"{today.MeanWalkMeters:0}"), Invariant($"{greedy.After.For(need).MeanWalkMeters:0}"), Invariant($"{mip.After.For(need).MeanWalkMeters:0}"));
        }

        Row("buildings × needs with unserved demand", Invariant($"{mip.Before.Unserved.Count}"), Invariant($"{greedy.After.Unserved.Count}"), Invariant($"{mip.After.Unserved.Count}"));
        Row("objective", Invariant($"{mip.Before.Objective:N0}"), Invariant($"{greedy.After.Objective:N0}"), Invariant($"{mip.After.Objective:N0}"));
        Row("spaces retyped / new chargers", "0 / 0", Invariant($"{greedy.SpaceChanges} / {greedy.NewChargers}"), Invariant($"{mip.SpaceChanges} / {mip.NewChargers}"));
        Row("sharing window", "none", Window(greedy), Window(mip));
        Row("status", "", greedy.Status.ToString(), mip.Status.ToString());
        Row("solve time (s)", "", Invariant($"{greedy.Elapsed.TotalSeconds:0.00}"), Invariant($"{mip.Elapsed.TotalSeconds:0.00}"));
        Console.WriteLine();
        foreach (var retype in mip.Retypes)
        {
            Console.WriteLine(Invariant($"- {retype.LotId}: {retype.SpaceIds.Count} {retype.From} → {retype.To} (+{retype.ServedGainPerWeek:0} {retype.GainUnit}/week, −{retype.ServedLossPerWeek:0} {retype.LossUnit}/week, for {string.Join(", ", retype.Buildings)}, {retype.MeanWalkMeters:0} m)"));
        }

        var applies = ScenarioLayout.Apply(layout, mip.Changes).IsSuccess;
        Console.WriteLine();
        Console.WriteLine(Invariant($"the proposal applies to the live layout: {(applies ? "yes" : "NO")}"));
        return applies ? 0 : 1;
    }

    private static string Served(NeedFigures f) => Invariant($"{f.ServedPerWeek:N0} / {f.DemandPerWeek:N0} ({f.ServedShare:P1})");

    private static string Window(LayoutSuggestion p) => p.Sharing is { } s ? Invariant($"{s.From:HH\\:mm}–{s.Until:HH\\:mm}") : "none";

    private static void Row(string name, string today, string greedy, string mip) => Console.WriteLine($"| {name} | {today} | {greedy} | {mip} |");

    private static double Option(IReadOnlyList<string> args, string name, double fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
