using System.Diagnostics;
using System.Globalization;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Planning.Simulation;

// Simulated days per second, wall time and peak memory of the simulator on the demo compounds, against the
// targets of issue 7: Chengshangcheng 30 days in at most 30 s, Kangcheng 7 days in at most 60 s.
var quick = args.Contains("--quick");
var seed = args.SkipWhile(a => a != "--seed").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1);
var runs = new List<(DemoCompoundSize Size, int Days, int TargetDays, double TargetSeconds)>
{
    (DemoCompoundSize.Small, 7, 7, 5),
    (DemoCompoundSize.Chengshangcheng, quick ? 3 : 30, 30, 30),
    (DemoCompoundSize.Kangcheng, quick ? 1 : 7, 7, 60),
};

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulator benchmark: {Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run, seed {seed}"));
Console.WriteLine("| compound | days | wall s | days/s | events | events/s | parking req | charging req | e-bike req | GC heap peak MB | target | met |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
var allMet = true;
foreach (var (size, days, targetDays, target) in runs)
{
    var layout = DemoCompoundGenerator.Generate(size);
    var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));
    var input = SimulationInput.For(layout, ScenarioPolicies.Defaults(), null, DemandModel.Synthetic(), start, days, seed).Value!;
    GC.Collect();
    var heapPeak = 0L;
    var progress = new Sample(() => heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false)));
    var clock = Stopwatch.StartNew();
    var result = Simulator.Run(input, progress);
    clock.Stop();
    heapPeak = Math.Max(heapPeak, GC.GetGCMemoryInfo().HeapSizeBytes);
    var seconds = clock.Elapsed.TotalSeconds;
    var met = seconds <= target * days / targetDays;
    allMet &= met || quick;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {layout.Name} ({layout.Households.Count} households, {layout.SpaceCount} spaces) | {days} | {seconds:0.0} | {days / seconds:0.00} | {result.Events:N0} | {result.Events / seconds:N0} | {result.Parking.Requests:N0} | {result.Charging.Requests:N0} | {result.Ebikes.Requests:N0} | {heapPeak / 1048576.0:0} | {target:0} s for {targetDays} days | {(met ? "yes" : "NO")} |"));
}

using var process = Process.GetCurrentProcess();
process.Refresh();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {process.PeakWorkingSet64 / 1048576.0:0} MB; every target met: {(allMet ? "yes" : "no")}{(quick ? " (quick run: targets scaled to the days run)" : string.Empty)}"));
return allMet ? 0 : 1;

/// <summary>Samples memory at every simulated midnight, on the simulating thread.</summary>
internal sealed class Sample(Action sample) : IProgress<SimulationProgress>
{
    public void Report(SimulationProgress value) => sample();
}
