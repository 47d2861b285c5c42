using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Grains.Rebalancing;
using Parking.Planning.Rebalancing;
using Xunit;

namespace Parking.Grains.Tests.Rebalancing;

/// <summary>
/// The rebalancing grain's state as the build of 3 December 2026 (main at 6e6f8aa) stored it: its own copies of the
/// optimizer's records (RetypeRationale, SharingRationale, ModelFigures, NeedFigure, UnservedFigure, whose names
/// the serializer wrote into the bytes), the status, solve status and needs as lower-case names, the record
/// called RebalancingProposalRecord. The bytes below are what that build's storage serializer wrote, taken from
/// that build: a ready suggestion (edited) and a running one; then a failed, a cancelled, an accepted and a
/// rejected one. Read through the serializer PostgreSQL storage uses, they load as today's types.
/// </summary>
public sealed class EarlierRebalancingStateTests
{
    internal const string ReadyAndRunning =
        "ICAABSHoQAVwMUELcmVhZHlBD3N0YWZmMDEhgAB0yZ4XUd8IgQAAAAAAAAAA4CEwAcPZbj5NUmVhZE9ubHlMaXN0SW50ZXJmYWNlQ29k" +
        "ZWNgMVtbc3RyaW5nXV0ABUEHUy0xQAdTLTLgARkBCTEBdGlJ551SZWFkT25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tQYXJraW5nLkRv" +
        "bWFpbi5MYXlvdXQuU3BhY2VLaW5kLFBhcmtpbmcuRG9tYWluXV0AAwkDCeBBEXJlY29yZGVkgZqZmZmZmek/gTMzMzMzM9M/AQ0BHQED" +
        "gTMzMzMzM9M/ASkBcejggQAAAAAAAPA/ITABnAExlqdSZWFkT25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tQYXJraW5nLkRvbWFpbi5T" +
        "Y2VuYXJpb3MuU3BhY2VDaGFuZ2UsUGFya2luZy5Eb21haW5dXQADIUAHUy03CQMFwQHBAQEB6ODgMQHZSi3Zq1JlYWRPbmx5TGlzdElu" +
        "dGVyZmFjZUNvZGVjYDFbW1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5DaGFyZ2VyQ2hhbmdlLFBhcmtpbmcuRG9tYWluXV0AAyHAR4EA" +
        "AAAAAAAcQEEJQ0EtMejg4DEBkEFufG9QYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuU2hlbHRlckNoYW5nZVtdLFBhcmtpbmcuRG9tYWlu" +
        "4DEBfKcqS3lQYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuQXJlYUNhcGFjaXR5Q2hhbmdlW10sUGFya2luZy5Eb21haW7g6OAh6MABwQHB" +
        "AcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHBAcEB4DEBkAE0nLNSZWFkT25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tQYXJraW5n" +
        "LkdyYWlucy5SZWJhbGFuY2luZy5SZXR5cGVSYXRpb25hbGUsUGFya2luZy5HcmFpbnNdXQADIehABUwxCQMBCQMFOQMABcFHQAdTLTjg" +
        "gWZmZmZmJkVAQQdrV2iBAAAAAAAACEBBF3NwYWNlLWhvdXJzgQAAAAAA4FdAOQMABUEFQjNABUI04ODgIeiAAKjnb0sAAACBABztrpIA" +
        "AACBMzMzMzMz0z8BMYGamZmZmRlWQOAh6DABSptMvalSZWFkT25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tQYXJraW5nLkdyYWlucy5S" +
        "ZWJhbGFuY2luZy5OZWVkRmlndXJlLFBhcmtpbmcuR3JhaW5zXV0ABSHoQBFzdGFuZGFyZMGjgQAAAAAAIF5AgQAAAAAAEFlAgQAAAAAA" +
        "IFRA4CDoQBFjaGFyZ2luZ8GfgQAAAAAAwHJAgQAAAAAAWGpAgQAAAAAAAE5A4OAxATHfm8KxUmVhZE9ubHlMaXN0SW50ZXJmYWNlQ29k" +
        "ZWNgMVtbUGFya2luZy5HcmFpbnMuUmViYWxhbmNpbmcuVW5zZXJ2ZWRGaWd1cmUsUGFya2luZy5HcmFpbnNdXQAFIejAq0ERY2hhcmdp" +
        "bmeBAAAAAAAAKUDgIOjArUERc3RhbmRhcmSBAAAAAAAACEDg4IEAAAAAAEAkQOAh6DgRAAMh6EAPdmlzaXRvcsGjgQAAAAAAAERAgQAA" +
        "AAAAgENAgQAAAAAAIF5A4OA5E+CBAAAAAAAAJ0DgQRFmZWFzaWJsZUENY3Atc2F0ga5H4XoUrvM/IegADQEdIegAIgMB0gIBKYEAAAAA" +
        "AAASQIEAAAAAAAApQIEAAAAAAADqPzEB/vz9q29TeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5EaWN0aW9uYXJ5YDJbW3N0cmluZ10s" +
        "W2ludF1dAQPBqwAR4OAh6AAiAwH6AgEVgQAAAAAAAAxAgQAAAAAAACNAgc3MzMzMzOw/ORXg4AEB4EEPQSBub3RlLkEPc3RhZmYwMiGA" +
        "ADpesyBR3wiBAAAAAAAAAADgwQHBAcEBwQHBK+Ag6EAFcDJBD3J1bm5pbmfBDyGAANyNACBR3wiBAAAAAAAAAADgwReBAAAAAAAAAAAh" +
        "MAE3GEcwa1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5TcGFjZUNoYW5nZVtdLFBhcmtpbmcuRG9tYWlu4DEBFMMWOW9QYXJraW5nLkRv" +
        "bWFpbi5TY2VuYXJpb3MuQ2hhcmdlckNoYW5nZVtdLFBhcmtpbmcuRG9tYWlu4NkLXdkNX+jgwWExAWhzAGh3UGFya2luZy5HcmFpbnMu" +
        "UmViYWxhbmNpbmcuUmV0eXBlUmF0aW9uYWxlW10sUGFya2luZy5HcmFpbnPgwQHBAcEBwQHBAYEAAAAAAAAAAMEBwQHBAcEBwQHBAcEB" +
        "wQHBAeDgAQ3g";

    internal const string Decided =
        "ICAACSHoQAVwOUENZmFpbGVkQQ9zdGFmZjAxIYAA3I0AIFHfCIEAAAAAAAAAAOAhMAHD2W4+TVJlYWRPbmx5TGlzdEludGVyZmFjZUNv" +
        "ZGVjYDFbW3N0cmluZ11dAAVBB1MtMUAHUy0y4AEZAQkxAXRpSeedUmVhZE9ubHlMaXN0SW50ZXJmYWNlQ29kZWNgMVtbUGFya2luZy5E" +
        "b21haW4uTGF5b3V0LlNwYWNlS2luZCxQYXJraW5nLkRvbWFpbl1dAAMJAwngQRFyZWNvcmRlZIGamZmZmZnpP4EzMzMzMzPTPwENAR0B" +
        "A4EzMzMzMzPTPwEpAXHo4IEAAAAAAAAAACEwATcYRzBrUGFya2luZy5Eb21haW4uU2NlbmFyaW9zLlNwYWNlQ2hhbmdlW10sUGFya2lu" +
        "Zy5Eb21haW7gMQEUwxY5b1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5DaGFyZ2VyQ2hhbmdlW10sUGFya2luZy5Eb21haW7gMQGQQW58" +
        "b1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5TaGVsdGVyQ2hhbmdlW10sUGFya2luZy5Eb21haW7gMQF8pypLeVBhcmtpbmcuRG9tYWlu" +
        "LlNjZW5hcmlvcy5BcmVhQ2FwYWNpdHlDaGFuZ2VbXSxQYXJraW5nLkRvbWFpbuDo4CHowAHBAcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHB" +
        "AcEBwQHBAcEBwQHgMQFocwBod1BhcmtpbmcuR3JhaW5zLlJlYmFsYW5jaW5nLlJldHlwZVJhdGlvbmFsZVtdLFBhcmtpbmcuR3JhaW5z" +
        "4MEBwQHBAcEBwQGBAAAAAAAAAADBAUEPY3V0IG9mZsEBwQHBAcEBwQHBAcEB4CDoQAVwMUETY2FuY2VsbGVkwQ8hgAB0yZ4XUd8IgQAA" +
        "AAAAAAAA4MEXgZqZmZmZmdk/wT/BSdkPccEBwQHBAcEBwQGBAAAAAAAAAADBAcEBwQHBAUEPc3RhZmYwMyGAACJRJCBR3wiBAAAAAAAA" +
        "AADgwQHBAcEB4CDowJNBEWFjY2VwdGVkwQ8hgAB0yZ4XUd8IgQAAAAAAAAAA4MEXgQAAAAAAAPA/ITABnAExlqdSZWFkT25seUxpc3RJ" +
        "bnRlcmZhY2VDb2RlY2AxW1tQYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuU3BhY2VDaGFuZ2UsUGFya2luZy5Eb21haW5dXQADIUAHUy03" +
        "CQMFwQHBAQEB6ODgMQHZSi3Zq1JlYWRPbmx5TGlzdEludGVyZmFjZUNvZGVjYDFbW1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5DaGFy" +
        "Z2VyQ2hhbmdlLFBhcmtpbmcuRG9tYWluXV0AAyHA5YEAAAAAAAAcQEEJQ0EtMejg4NkLRdkNR+jgwUkxAZABNJyzUmVhZE9ubHlMaXN0" +
        "SW50ZXJmYWNlQ29kZWNgMVtbUGFya2luZy5HcmFpbnMuUmViYWxhbmNpbmcuUmV0eXBlUmF0aW9uYWxlLFBhcmtpbmcuR3JhaW5zXV0A" +
        "AyHoQAVMMQkDAQkDBTkDAAXB5UAHUy044IFmZmZmZiZFQEEHa1dogQAAAAAAAAhAQRdzcGFjZS1ob3Vyc4EAAAAAAOBXQDkDAAVBBUIz" +
        "QAVCNODg4CHogACo529LAAAAgQAc7a6SAAAAgTMzMzMzM9M/ATGBmpmZmZkZVkDgIegwAUqbTL2pUmVhZE9ubHlMaXN0SW50ZXJmYWNl" +
        "Q29kZWNgMVtbUGFya2luZy5HcmFpbnMuUmViYWxhbmNpbmcuTmVlZEZpZ3VyZSxQYXJraW5nLkdyYWluc11dAAUh6EARc3RhbmRhcmTB" +
        "NgKBAAAAAAAgXkCBAAAAAAAQWUCBAAAAAAAgVEDgIOhAEWNoYXJnaW5nwS4CgQAAAAAAwHJAgQAAAAAAWGpAgQAAAAAAAE5A4OAxATHf" +
        "m8KxUmVhZE9ubHlMaXN0SW50ZXJmYWNlQ29kZWNgMVtbUGFya2luZy5HcmFpbnMuUmViYWxhbmNpbmcuVW5zZXJ2ZWRGaWd1cmUsUGFy" +
        "a2luZy5HcmFpbnNdXQAFIejARgJBEWNoYXJnaW5ngQAAAAAAAClA4CDowEoCQRFzdGFuZGFyZIEAAAAAAAAIQODggQAAAAAAQCRA4CHo" +
        "OBcAAyHoQA92aXNpdG9ywTYCgQAAAAAAAERAgQAAAAAAgENAgQAAAAAAIF5A4OA5GeCBAAAAAAAAJ0DgQRFmZWFzaWJsZUENY3Atc2F0" +
        "ga5H4XoUrvM/IegADQEdIegAIgMB0gIBKYEAAAAAAAASQIEAAAAAAAApQIEAAAAAAADqPzEB/vz9q29TeXN0ZW0uQ29sbGVjdGlvbnMu" +
        "R2VuZXJpYy5EaWN0aW9uYXJ5YDJbW3N0cmluZ10sW2ludF1dAQPBRgIAEeDgIegAIgMB+gIBFYEAAAAAAAAMQIEAAAAAAAAjQIHNzMzM" +
        "zMzsPzkb4OABAeBBD0Egbm90ZS5BD3N0YWZmMDIhgAA6XrMgUd8IgQAAAAAAAAAA4EEPc3RhZmYwNCGAAFJrQiFR3wiBAAAAAAAAAADg" +
        "QQlzYy00wQHBK+Ag6EAFcDVBEXJlamVjdGVkwQ8hgAB0yZ4XUd8IgQAAAAAAAAAA4MEXgQAAAAAAAPA/wd3BSdkVAgLBTgLBZgLBzgLB" +
        "+gLB/gKBrkfhehSu8z/BBgPBYgPBZgMhgAA6XrMgUd8IgQAAAAAAAAAA4EEPc3RhZmYwNSGAAJguZiFR3wiBAAAAAAAAAADgwQFBH1Rv" +
        "byBtYW55IG1vdmVzLsEr4OABKeA=";

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static RebalancingState Read(string base64) =>
        new StoredStateSerializer(Serializer).Deserialize<RebalancingState>(new BinaryData(Convert.FromBase64String(base64)))!;

    [Fact]
    public void A_ready_and_a_running_suggestion_stored_by_the_earlier_build_load_with_every_field()
    {
        var state = Read(ReadyAndRunning);

        Assert.Equal(3, state.NextNumber);
        Assert.Equal(["p1", "p2"], state.Suggestions.Select(s => s.SuggestionId));
        var ready = state.Suggestions[0];
        Assert.Equal((RebalancingStatus.Ready, RebalancingSolveStatus.Feasible, "cp-sat", 1.23, 1.0), (ready.Status, ready.SolveStatus, ready.Method, ready.SolveSeconds, ready.Progress));
        Assert.Equal(("staff01", "recorded", "A note.", "staff02"), (ready.CreatedBy, ready.DemandUsed, ready.Note, ready.EditedBy));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 9, 35, 0, TimeSpan.Zero), ready.EditedAt);
        Assert.Equal(["S-1", "S-2"], ready.Ask.FixedSpaceIds);
        Assert.Equal((6, 2, SpaceKind.Accessible, "recorded", 28), (ready.Ask.MaxSpaceChanges, ready.Ask.MaxNewChargers, Assert.Single(ready.Ask.KindsNotToTouch), ready.Ask.DemandSource, ready.Ask.HistoryDays));
        Assert.Equal(("S-7", SpaceKind.EV), (Assert.Single(ready.Changes.Spaces).SpaceId, ready.Changes.Spaces[0].Kind));
        Assert.Equal(("S-7", 7.0, "CA-1"), (Assert.Single(ready.Changes.Chargers).SpaceId, ready.Changes.Chargers[0].MaxKw, ready.Changes.Chargers[0].AreaId));

        var retype = Assert.Single(ready.Retypes);
        Assert.Equal(("L1", SpaceKind.Standard, SpaceKind.EV, 42.3, "kWh", 3.0, "space-hours", 95.5), (retype.LotId, retype.From, retype.To, retype.ServedGainPerWeek, retype.GainUnit, retype.ServedLossPerWeek, retype.LossUnit, retype.MeanWalkMeters));
        Assert.Equal(["S-7", "S-8"], retype.SpaceIds);
        Assert.Equal(["B3", "B4"], retype.Buildings);
        Assert.Equal(new SuggestedSharing(new TimeOnly(9, 0), new TimeOnly(17, 30), 0.3, 12, 88.4), ready.Sharing);

        Assert.Equal(10.125, ready.Before!.Objective);
        Assert.Equal([(Need.Standard, "space-hours", 120.5, 100.25, 80.5), (Need.Charging, "kWh", 300.0, 210.75, 60.0)], ready.Before.Needs.Select(n => (n.Need, n.Unit, n.DemandPerWeek, n.ServedPerWeek, n.MeanWalkMeters)));
        Assert.Equal([("B3", Need.Charging, 12.5), ("B4", Need.Standard, 3.0)], ready.Before.Unserved.Select(u => (u.BuildingId, u.Need, u.UnservedPerWeek)));
        Assert.Equal(210.75, ready.Before.For(Need.Charging).ServedPerWeek);
        Assert.Equal((Need.Visitor, 11.5), (Assert.Single(ready.After!.Needs).Need, ready.After.Objective));
        Assert.Empty(ready.After.Unserved);

        Assert.Equal((3, 7, false, 90, 95, 4), (ready.Effect!.Days, ready.Effect.Seed, ready.Effect.Stale, ready.Effect.Today.Served, ready.Effect.Proposed.Served, ready.Effect.Today.UnservedByBuilding["B3"]));

        var running = state.Suggestions[1];
        Assert.Equal((RebalancingStatus.Running, null, null), (running.Status, running.SolveStatus, running.Before));
        Assert.Empty(running.Retypes);
        Assert.Null(running.Sharing);
    }

    [Fact]
    public void Decided_suggestions_stored_by_the_earlier_build_load_with_their_status_and_decision()
    {
        var state = Read(Decided);

        Assert.Equal(10, state.NextNumber);
        Assert.Equal(
            [RebalancingStatus.Failed, RebalancingStatus.Cancelled, RebalancingStatus.Accepted, RebalancingStatus.Rejected],
            state.Suggestions.Select(s => s.Status));
        Assert.Equal("cut off", state.Suggestions[0].Note);
        Assert.Equal(("staff03", 0.4), (state.Suggestions[1].DecidedBy, state.Suggestions[1].Progress));
        Assert.Equal(("sc-4", "staff04"), (state.Suggestions[2].ScenarioId, state.Suggestions[2].DecidedBy));
        Assert.Equal(("p5", "Too many moves.", "staff05"), (state.Suggestions[3].SuggestionId, state.Suggestions[3].RejectReason, state.Suggestions[3].DecidedBy));
        Assert.Equal(RebalancingSolveStatus.Feasible, state.Suggestions[3].SolveStatus);
    }

    [Fact]
    public void A_loaded_suggestion_moves_on_and_is_stored_under_todays_names_only()
    {
        var ready = Read(ReadyAndRunning).Suggestions[0];

        var accepted = ready.MoveTo(RebalancingStatus.Accepted) with { ScenarioId = "sc-9" };
        var stored = new RebalancingState();
        stored.Add(accepted, kept: int.MaxValue);
        var bytes = new StoredStateSerializer(Serializer).Serialize(stored);
        var again = new StoredStateSerializer(Serializer).Deserialize<RebalancingState>(bytes)!;

        Assert.Equal((RebalancingStatus.Accepted, RebalancingSolveStatus.Feasible, "sc-9"), (again.Suggestions[0].Status, again.Suggestions[0].SolveStatus, again.Suggestions[0].ScenarioId));
        Assert.Equal(ready.Before!.Needs.Select(n => n.Need), again.Suggestions[0].Before!.Needs.Select(n => n.Need));
        Assert.DoesNotContain("Parking.Grains.Rebalancing.RetypeRationale", Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("Parking.Planning", Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
        Assert.Contains("Parking.Domain.Rebalancing.SuggestedRetype", Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
    }
}

/// <summary>
/// The same suggestions as <see cref="EarlierRebalancingStateTests"/>, as the build of 4 December 2026 (main at d5d12b0)
/// stored them once it had loaded them: the optimizer's records were then Planning's (SuggestedRetype, NeedFigures,
/// BuildingUnserved in Parking.Planning, names the serializer wrote into the bytes). They load into today's Domain
/// records as the same state, field for field.
/// </summary>
public sealed class PlanningNamedRebalancingStateTests
{
    private const string ReadyAndRunning =
        "ICAABSEJAwXoQAVwMUELcmVhZHlBD3N0YWZmMDEhgAB0yZ4XUd8IgQAAAAAAAAAA4CEwAVnRtylXU3lzdGVtLkNvbGxlY3Rpb25zLkdl" +
        "bmVyaWMuTGlzdGAxW1tzdHJpbmddXQAFQQdTLTFAB1MtMuABGQEJMQHYbESQp1N5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3Rg" +
        "MVtbUGFya2luZy5Eb21haW4uTGF5b3V0LlNwYWNlS2luZCxQYXJraW5nLkRvbWFpbl1dAAMJAwngQRFyZWNvcmRlZIGamZmZmZnpP4Ez" +
        "MzMzMzPTPwENAR0BA4EzMzMzMzPTPwEpAXHo4IEAAAAAAADwPyEwAeI396WxU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAx" +
        "W1tQYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuU3BhY2VDaGFuZ2UsUGFya2luZy5Eb21haW5dXQADIUAHUy03CQMFwQHBAQEB6ODgMQFI" +
        "te4EtVN5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5Eb21haW4uU2NlbmFyaW9zLkNoYXJnZXJDaGFuZ2Us" +
        "UGFya2luZy5Eb21haW5dXQADIcBJgQAAAAAAABxAQQlDQS0x6ODgMQGQQW58b1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5TaGVsdGVy" +
        "Q2hhbmdlW10sUGFya2luZy5Eb21haW7gMQF8pypLeVBhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5BcmVhQ2FwYWNpdHlDaGFuZ2VbXSxQ" +
        "YXJraW5nLkRvbWFpbuDo4CHowAHBAcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHBAcEBwQHgMQFCWsz6xVN5c3RlbS5Db2xsZWN0" +
        "aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5QbGFubmluZy5SZWJhbGFuY2luZy5TdWdnZXN0ZWRSZXR5cGUsUGFya2luZy5QbGFu" +
        "bmluZ11dAAMh6EAFTDEJAwEJAwU5AwAFwUlAB1MtOOCBZmZmZmYmRUBBB2tXaIEAAAAAAAAIQEEXc3BhY2UtaG91cnOBAAAAAADgV0A5" +
        "AwAFQQVCM0AFQjTg4OAh6IAAqOdvSwAAAIEAHO2ukgAAAIEzMzMzMzPTPwExgZqZmZmZGVZA4CHoMAEGis/nvVN5c3RlbS5Db2xsZWN0" +
        "aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5QbGFubmluZy5SZWJhbGFuY2luZy5OZWVkRmlndXJlcyxQYXJraW5nLlBsYW5uaW5n" +
        "XV0ABSEIAwHoQBFzdGFuZGFyZMGlgQAAAAAAIF5AgQAAAAAAEFlAgQAAAAAAIFRAwQHgIAgDBehAEWNoYXJnaW5nwaGBAAAAAADAckCB" +
        "AAAAAABYakCBAAAAAAAATkDBAeDgMQEH6jYDx1N5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5QbGFubmlu" +
        "Zy5SZWJhbGFuY2luZy5CdWlsZGluZ1Vuc2VydmVkLFBhcmtpbmcuUGxhbm5pbmddXQAFIQkDBejArUERY2hhcmdpbmeBAAAAAAAAKUDB" +
        "AeAgCQMB6MCvQRFzdGFuZGFyZIEAAAAAAAAIQMEB4OCBAAAAAABAJEDgIeg4EQADIQgDDehAD3Zpc2l0b3LBpYEAAAAAAABEQIEAAAAA" +
        "AIBDQIEAAAAAACBeQMEB4OA5E+CBAAAAAAAAJ0DgQRFmZWFzaWJsZUENY3Atc2F0ga5H4XoUrvM/IegADQEdIegAIgMB0gIBKYEAAAAA" +
        "AAASQIEAAAAAAAApQIEAAAAAAADqPzEB/vz9q29TeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5EaWN0aW9uYXJ5YDJbW3N0cmluZ10s" +
        "W2ludF1dAQPBrQAR4OAh6AAiAwH6AgEVgQAAAAAAAAxAgQAAAAAAACNAgc3MzMzMzOw/ORXg4AEB4EEPQSBub3RlLkEPc3RhZmYwMiGA" +
        "ADpesyBR3wiBAAAAAAAAAADgwQHBAcEBwQHBLcEBwQHgIAkDAehABXAyQQ9ydW5uaW5nwREhgADcjQAgUd8IgQAAAAAAAAAA4MEZgQAA" +
        "AAAAAAAAITABNxhHMGtQYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuU3BhY2VDaGFuZ2VbXSxQYXJraW5nLkRvbWFpbuAxARTDFjlvUGFy" +
        "a2luZy5Eb21haW4uU2NlbmFyaW9zLkNoYXJnZXJDaGFuZ2VbXSxQYXJraW5nLkRvbWFpbuDZC1/ZDWHo4MFjMQGU5rZCf1Bhcmtpbmcu" +
        "UGxhbm5pbmcuUmViYWxhbmNpbmcuU3VnZ2VzdGVkUmV0eXBlW10sUGFya2luZy5QbGFubmluZ+DBAcEBwQHBAcEBgQAAAAAAAAAAwQHB" +
        "AcEBwQHBAcEBwQHBAcEBwQHBAeDgAQ3g";

    private const string Decided =
        "ICAACSEJAxXoQAVwOUENZmFpbGVkQQ9zdGFmZjAxIYAA3I0AIFHfCIEAAAAAAAAAAOAhMAFZ0bcpV1N5c3RlbS5Db2xsZWN0aW9ucy5H" +
        "ZW5lcmljLkxpc3RgMVtbc3RyaW5nXV0ABUEHUy0xQAdTLTLgARkBCTEB2GxEkKdTeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5MaXN0" +
        "YDFbW1BhcmtpbmcuRG9tYWluLkxheW91dC5TcGFjZUtpbmQsUGFya2luZy5Eb21haW5dXQADCQMJ4EERcmVjb3JkZWSBmpmZmZmZ6T+B" +
        "MzMzMzMz0z8BDQEdAQOBMzMzMzMz0z8BKQFx6OCBAAAAAAAAAAAhMAE3GEcwa1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5TcGFjZUNo" +
        "YW5nZVtdLFBhcmtpbmcuRG9tYWlu4DEBFMMWOW9QYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuQ2hhcmdlckNoYW5nZVtdLFBhcmtpbmcu" +
        "RG9tYWlu4DEBkEFufG9QYXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuU2hlbHRlckNoYW5nZVtdLFBhcmtpbmcuRG9tYWlu4DEBfKcqS3lQ" +
        "YXJraW5nLkRvbWFpbi5TY2VuYXJpb3MuQXJlYUNhcGFjaXR5Q2hhbmdlW10sUGFya2luZy5Eb21haW7g6OAh6MABwQHBAcEBwQHBAcEB" +
        "wQHBAcEBwQHBAcEBwQHBAcEBwQHBAcEB4DEBlOa2Qn9QYXJraW5nLlBsYW5uaW5nLlJlYmFsYW5jaW5nLlN1Z2dlc3RlZFJldHlwZVtd" +
        "LFBhcmtpbmcuUGxhbm5pbmfgwQHBAcEBwQHBAYEAAAAAAAAAAMEBQQ9jdXQgb2ZmwQHBAcEBwQHBAcEBwQHBAcEB4CAJAxHoQAVwMUET" +
        "Y2FuY2VsbGVkwREhgAB0yZ4XUd8IgQAAAAAAAAAA4MEZgZqZmZmZmdk/wUHBS9kPc8EBwQHBAcEBwQGBAAAAAAAAAADBAcEBwQHBAUEP" +
        "c3RhZmYwMyGAACJRJCBR3wiBAAAAAAAAAADgwQHBAcEBwQHBAeAgCQMJ6MCbQRFhY2NlcHRlZMERIYAAdMmeF1HfCIEAAAAAAAAAAODB" +
        "GYEAAAAAAADwPyEwAeI396WxU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tQYXJraW5nLkRvbWFpbi5TY2VuYXJpb3Mu" +
        "U3BhY2VDaGFuZ2UsUGFya2luZy5Eb21haW5dXQADIUAHUy03CQMFwQHBAQEB6ODgMQFIte4EtVN5c3RlbS5Db2xsZWN0aW9ucy5HZW5l" +
        "cmljLkxpc3RgMVtbUGFya2luZy5Eb21haW4uU2NlbmFyaW9zLkNoYXJnZXJDaGFuZ2UsUGFya2luZy5Eb21haW5dXQADIcDzgQAAAAAA" +
        "ABxAQQlDQS0x6ODg2QtH2Q1J6ODBSzEBQlrM+sVTeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5MaXN0YDFbW1BhcmtpbmcuUGxhbm5p" +
        "bmcuUmViYWxhbmNpbmcuU3VnZ2VzdGVkUmV0eXBlLFBhcmtpbmcuUGxhbm5pbmddXQADIehABUwxCQMBCQMFOQMABcHzQAdTLTjggWZm" +
        "ZmZmJkVAQQdrV2iBAAAAAAAACEBBF3NwYWNlLWhvdXJzgQAAAAAA4FdAOQMABUEFQjNABUI04ODgIeiAAKjnb0sAAACBABztrpIAAACB" +
        "MzMzMzMz0z8BMYGamZmZmRlWQOAh6DABBorP571TeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5MaXN0YDFbW1BhcmtpbmcuUGxhbm5p" +
        "bmcuUmViYWxhbmNpbmcuTmVlZEZpZ3VyZXMsUGFya2luZy5QbGFubmluZ11dAAUhCAMB6EARc3RhbmRhcmTBUgKBAAAAAAAgXkCBAAAA" +
        "AAAQWUCBAAAAAAAgVEDBAeAgCAMF6EARY2hhcmdpbmfBSgKBAAAAAADAckCBAAAAAABYakCBAAAAAAAATkDBAeDgMQEH6jYDx1N5c3Rl" +
        "bS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5QbGFubmluZy5SZWJhbGFuY2luZy5CdWlsZGluZ1Vuc2VydmVkLFBh" +
        "cmtpbmcuUGxhbm5pbmddXQAFIQkDBejAYgJBEWNoYXJnaW5ngQAAAAAAAClAwQHgIAkDAejAZgJBEXN0YW5kYXJkgQAAAAAAAAhAwQHg" +
        "4IEAAAAAAEAkQOAh6DgXAAMhCAMN6EAPdmlzaXRvcsFSAoEAAAAAAABEQIEAAAAAAIBDQIEAAAAAACBeQMEB4OA5GeCBAAAAAAAAJ0Dg" +
        "QRFmZWFzaWJsZUENY3Atc2F0ga5H4XoUrvM/IegADQEdIegAIgMB0gIBKYEAAAAAAAASQIEAAAAAAAApQIEAAAAAAADqPzEB/vz9q29T" +
        "eXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5EaWN0aW9uYXJ5YDJbW3N0cmluZ10sW2ludF1dAQPBYgIAEeDgIegAIgMB+gIBFYEAAAAA" +
        "AAAMQIEAAAAAAAAjQIHNzMzMzMzsPzkb4OABAeBBD0Egbm90ZS5BD3N0YWZmMDIhgAA6XrMgUd8IgQAAAAAAAAAA4EEPc3RhZmYwNCGA" +
        "AFJrQiFR3wiBAAAAAAAAAADgQQlzYy00wQHBLcEBwQHgIAkDDehABXA1QRFyZWplY3RlZMERIYAAdMmeF1HfCIEAAAAAAAAAAODBGYEA" +
        "AAAAAADwP8HrwUvZFR4CwWoCwYICwQoDwT4DwUIDga5H4XoUrvM/wUoDwaYDwaoDIYAAOl6zIFHfCIEAAAAAAAAAAOBBD3N0YWZmMDUh" +
        "gACYLmYhUd8IgQAAAAAAAAAA4MEBQR9Ub28gbWFueSBtb3Zlcy7BLcEBwQHg4AEp4A==";

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static StoredStateSerializer Storage => new(Serializer);

    [Theory]
    [InlineData(nameof(ReadyAndRunning))]
    [InlineData(nameof(Decided))]
    public void Suggestions_stored_under_the_planning_names_load_as_the_same_state(string which)
    {
        var (planningNamed, grainNamed) = which == nameof(ReadyAndRunning)
            ? (ReadyAndRunning, EarlierRebalancingStateTests.ReadyAndRunning)
            : (Decided, EarlierRebalancingStateTests.Decided);
        Assert.Contains("Parking.Planning.Rebalancing.SuggestedRetype", Encoding.UTF8.GetString(Convert.FromBase64String(planningNamed)), StringComparison.Ordinal);

        var loaded = Storage.Deserialize<RebalancingState>(new BinaryData(Convert.FromBase64String(planningNamed)))!;
        var earlier = Storage.Deserialize<RebalancingState>(new BinaryData(Convert.FromBase64String(grainNamed)))!;

        Assert.NotEmpty(loaded.Suggestions);
        Assert.Equal(Storage.Serialize(earlier).ToArray(), Storage.Serialize(loaded).ToArray());
        Assert.DoesNotContain("Parking.Planning", Encoding.UTF8.GetString(Storage.Serialize(loaded).ToArray()), StringComparison.Ordinal);
    }
}
