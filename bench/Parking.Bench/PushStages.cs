using System.Globalization;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>
/// One lot change's way to a watcher, in milliseconds per stage (from the server's stage times, sent when the silo
/// runs with <c>Parking:Hub:StageTimes</c>): stored → published by the lot → flushed by the notifier → at the host →
/// sent by the hub → read off the watcher's connection (before parsing) → handled by the watcher. <see cref="Total"/>
/// ends where the message was read, as the push's latency does.
/// </summary>
internal readonly record struct PushStageSample(float Total, float Lot, float Window, float ToHost, float Hub, float Wire, float Parse)
{
    public static PushStageSample? From(DateTimeOffset changedAt, PushStageTimesDto? times, DateTimeOffset read, DateTimeOffset handled) => times is not { } t
        ? null
        : new PushStageSample(
            Ms(read - changedAt),
            Ms(t.PublishedAt - changedAt),
            Ms(t.FlushedAt - t.PublishedAt),
            Ms(t.HostAt - t.FlushedAt),
            Ms(t.SentAt - t.HostAt),
            Ms(read - t.SentAt),
            Ms(handled - read));

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;
}

/// <summary>The stage samples of one watcher; merged after the phase.</summary>
internal sealed class PushStageRecorder : Recorder<PushStageSample>
{
    public static PushStages Summarize(IEnumerable<PushStageRecorder> recorders) => PushStages.From(Gather(recorders));
}

/// <summary>
/// Per stage: p50 and p99 over all deliveries, and the stage's mean over the slowest 1 % of deliveries (by their whole
/// latency), which says what the push p99 is made of.
/// </summary>
internal sealed record PushStages(int Count, IReadOnlyList<(string Stage, double P50, double P99, double SlowestMean)> Rows, double SlowestTotal)
{
    private static readonly (string Name, Func<PushStageSample, float> Of)[] Stages =
    [
        ("stored -> published by the lot", s => s.Lot),
        ("published -> flushed by the notifier", s => s.Window),
        ("flushed -> at the host", s => s.ToHost),
        ("at the host -> sent by the hub", s => s.Hub),
        ("sent -> read by the watcher", s => s.Wire),
        ("read -> handled (watcher parses)", s => s.Parse),
        ("server: stored -> sent by the hub", s => s.Lot + s.Window + s.ToHost + s.Hub),
    ];

    public static PushStages From(List<PushStageSample> samples)
    {
        if (samples.Count == 0)
        {
            return new PushStages(0, [], double.NaN);
        }

        samples.Sort((a, b) => a.Total.CompareTo(b.Total));
        var slowest = samples.Skip((int)Math.Floor(samples.Count * 0.99)).ToList();
        var rows = Stages.Select(stage =>
        {
            var sorted = samples.Select(stage.Of).Order().ToList();
            return (stage.Name, Percentile(sorted, 0.50), Percentile(sorted, 0.99), slowest.Average(s => (double)stage.Of(s)));
        }).ToList();
        return new PushStages(samples.Count, rows, slowest.Average(s => (double)s.Total));
    }

    private static double Percentile(List<float> sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    public void Print()
    {
        if (Count == 0)
        {
            Console.WriteLine("    stages: the silo sent no stage times (Parking:Hub:StageTimes is off)");
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    stages over {Count:N0} deliveries: p50 / p99 of each, and its mean in the slowest 1 % (whole push {Format.Ms(SlowestTotal)} on average there)"));
        foreach (var (stage, p50, p99, slowestMean) in Rows)
        {
            Console.WriteLine($"      {stage,-38} {Format.Ms(p50),9} {Format.Ms(p99),9}   slowest 1 %: {Format.Ms(slowestMean),9}");
        }
    }
}
