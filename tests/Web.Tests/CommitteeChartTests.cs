using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Components;

namespace Parking.Web.Tests;

public sealed class ChartTests : BunitContext
{
    public ChartTests() => Services.AddLocalization();

    [Fact]
    public void Bars_grow_from_the_bottom_in_proportion_to_the_top_of_the_axis()
    {
        var bars = ChartMath.Bars(2, [new ChartSeries("a", [50, 100]), new ChartSeries("b", [25, 0])], width: 200, height: 100, top: 100);

        Assert.Equal(4, bars.Count);
        var a0 = bars.Single(b => b.Series == 0 && b.Label == 0);
        Assert.Equal((50.0, 50.0), (a0.Height, a0.Y));
        Assert.Equal(100.0, bars.Single(b => b.Series == 0 && b.Label == 1).Height);
        Assert.Equal(25.0, bars.Single(b => b.Series == 1 && b.Label == 0).Height);
        Assert.Equal(0.0, bars.Single(b => b.Series == 1 && b.Label == 1).Height);

        // Groups of 100 wide, bars 40 wide side by side after a 10 margin.
        Assert.Equal((10.0, 40.0), (a0.X, a0.Width));
        Assert.Equal(50.0, bars.Single(b => b.Series == 1 && b.Label == 0).X);
        Assert.Equal(110.0, bars.Single(b => b.Series == 0 && b.Label == 1).X);
    }

    [Fact]
    public void The_axis_top_is_the_largest_value_unless_given_and_never_zero()
    {
        Assert.Equal(7, ChartMath.Top([new ChartSeries("a", [3, 7]), new ChartSeries("b", [1])]));
        Assert.Equal(100, ChartMath.Top([new ChartSeries("a", [3, 7])], 100));
        Assert.Equal(1, ChartMath.Top([new ChartSeries("a", [0, 0])]));
        Assert.Equal(1, ChartMath.Top([]));
    }

    [Fact]
    public void A_bar_chart_draws_a_bar_per_value_with_its_value_and_a_legend()
    {
        var chart = Render<BarChart>(p => p
            .Add(c => c.Title, "Waits")
            .Add(c => c.Labels, ["<5", "<15", "≥15"])
            .Add(c => c.Series, [new ChartSeries("Today", [8, 4, 0]), new ChartSeries("More EV", [2, 1, 1])])
            .Add(c => c.Height, 160));

        var bars = chart.FindAll("rect.bar");
        Assert.Equal(6, bars.Count);
        Assert.Equal(3, chart.FindAll("rect.bar.s1").Count);
        var highest = bars.Single(b => b.GetAttribute("data-value") == "8");
        Assert.Equal(("160", "0"), (highest.GetAttribute("height"), highest.GetAttribute("y")));
        Assert.Equal("80", bars.First(b => b.GetAttribute("data-value") == "4").GetAttribute("height"));
        Assert.Contains("Today · <5: 8", highest.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Today", "More EV"], chart.FindAll(".legend li").Select(li => li.TextContent.Trim()));
        Assert.Equal("Waits", chart.Find("svg").GetAttribute("aria-label"));
    }

    [Fact]
    public void A_line_chart_draws_a_path_per_series_through_its_values()
    {
        Assert.Equal("M0,160 L300,80 L600,0", ChartMath.Path([0, 50, 100], 600, 160, 100));
        Assert.Equal("M0,160 L600,0", ChartMath.Path([-5, 250], 600, 160, 100));

        var chart = Render<LineChart>(p => p
            .Add(c => c.Title, "Occupancy")
            .Add(c => c.Labels, ["00", "01", "02"])
            .Add(c => c.Series, [new ChartSeries("Today", [0, 50, 100]), new ChartSeries("Scenario", [100, 100, 100])])
            .Add(c => c.Max, 100));

        var paths = chart.FindAll("path.series");
        Assert.Equal(2, paths.Count);
        Assert.Equal("M0,160 L300,80 L600,0", paths[0].GetAttribute("d"));
        Assert.Equal("M0,0 L300,0 L600,0", paths[1].GetAttribute("d"));
    }
}

public sealed class ComparisonTableTests : BunitContext
{
    public ComparisonTableTests() => Services.AddLocalization();

    private static SimulationRunDto Run(string id, string name, int version, string status = "completed") =>
        new(id, "s1", version, name, 1, 7, new SimulationDemandDto("synthetic"), status.As<SimulationRunStatusDto>(), "committee01", DateTimeOffset.UnixEpoch, null, 1, 1, null);

    public static SimulationResultDto Result(int served, double meanWait) => new(
        DateTimeOffset.UnixEpoch,
        1,
        7,
        "synthetic",
        new ParkingOutcomeDto(served + 3, served, [new ReasonCountDto("no-space", 3)], 1, meanWait, meanWait * 2, 0.9, 2, 2, 10, 5, 50),
        new ChargingOutcomeDto(4, 3, [], 0, 12, 30, 40, 30, 75, [new AreaOutcomeDto("A1", 2, 22, 14, 40, 30, 4, 3, 9)]),
        new EbikeOutcomeDto(5, 5, [], 20, 1, [new ShelterOutcomeDto("E01", 10, 5, 0, 20, 1)]),
        new CreditOutcomeDto(120, 80, 0, 3),
        [new BuildingOutcomeDto("B01", 20, 10, 8, 2, 1, 2, 2), new BuildingOutcomeDto("B02", 20, 10, 10, 0, 0, 2, 1)],
        new SimulationChartsDto(
            [.. Enumerable.Range(0, 24).Select(h => (double)h)],
            [],
            new WaitHistogramDto([5, 15], [6, 2, 1]),
            new WaitHistogramDto([15, 60], [2, 1, 0])),
        100);

    [Fact]
    public void Shows_every_metric_for_every_run_side_by_side()
    {
        var table = Render<ComparisonTable>(p => p.Add(t => t.Runs,
        [
            new SimulationRunDetailDto(Run("run-a", "Today", 0), Result(served: 41, meanWait: 12.5)),
            new SimulationRunDetailDto(Run("run-b", "More EV", 2), Result(served: 57, meanWait: 3)),
        ]));

        Assert.Equal(["Metric", "Today v0", "More EV v2"], table.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal(ComparisonTable.Metrics.Count, table.FindAll("tbody tr").Count);
        Assert.Equal(["41", "57"], table.FindAll("td[data-metric=M_Served]").Select(td => td.TextContent));
        Assert.Equal(["3", "3"], table.FindAll("td[data-metric=M_Refused]").Select(td => td.TextContent));
        Assert.Equal(["14/22", "14/22"], table.FindAll("td[data-metric=M_PeakKw]").Select(td => td.TextContent));
        Assert.Equal("Stays booked", table.FindAll("tbody th").Single(th => th.ParentElement!.QuerySelector("td[data-metric=M_Served]") is not null).TextContent);
    }

    [Fact]
    public void A_run_without_a_result_shows_dashes()
    {
        var table = Render<ComparisonTable>(p => p.Add(t => t.Runs,
        [
            new SimulationRunDetailDto(Run("run-a", "Today", 0), Result(1, 1)),
            new SimulationRunDetailDto(Run("run-c", "Cancelled", 1, "cancelled"), null),
        ]));

        Assert.All(table.FindAll("tbody tr"), row => Assert.Equal("–", row.QuerySelectorAll("td")[1].TextContent));
    }

    [Fact]
    public void The_comparison_view_draws_occupancy_waits_and_building_bars_for_each_run()
    {
        var view = Render<ComparisonView>(p => p.Add(v => v.Runs,
        [
            new SimulationRunDetailDto(Run("run-a", "Today", 0), Result(41, 12)),
            new SimulationRunDetailDto(Run("run-b", "More EV", 2), Result(57, 3)),
        ]));

        Assert.Equal(2, view.FindAll("path.series").Count);
        Assert.Equal(4, view.FindAll("figure.chart").Count);
        Assert.Equal(["<5", "<15", "≥15"], ComparisonView.Buckets(new WaitHistogramDto([5, 15], [6, 2, 1])));
        Assert.Equal(80, ComparisonView.ServedShare(Result(41, 12), "B01"));

        // Per-building bars: B01 booked 8 of 10 (80 % of a 100 % axis: 128 of 160).
        var buildings = view.FindAll("figure.chart")[3];
        Assert.Equal("128", buildings.QuerySelectorAll("rect.bar.s0")[0].GetAttribute("height"));
    }
}
