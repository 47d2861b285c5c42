using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Compounds;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Grains.Tests.Compounds;

/// <summary>
/// The compound's state moved from Grains into Domain (<c>Parking.Domain.Compounds.CompoundState</c>) with its import
/// slot rules, and its setters became internal. It stores the bytes the grain's own class stored
/// (<see cref="EarlierCompoundState"/>, that class as it was at main 5c2c9a5), and those bytes read back.
/// </summary>
public sealed class CompoundStateLayoutTests
{
    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly).AddAssembly(typeof(EarlierCompoundState).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    private static CompoundLayout Layout(int version) =>
        new("c1", "Compound", [new Building("b1", "Building 1")],
            [new LotDefinition("c1", "l1", "Lot", LotKind.Surface, new Dictionary<string, int> { ["b1"] = 40 },
                [new SpaceDefinition("c1", "l1", "s1", "S1", SpaceKind.EV, SpaceOwnership.Common, 5)])],
            [new Household("h1", "b1", "1-101", 88.5m)],
            [new CompoundUser("c1", "u1", "Ann", UserRole.Resident, "h1", "b1", [new Vehicle("沪A·12345", true)])])
        { LayoutVersion = version };

    [Fact]
    public void It_stores_what_the_grains_own_class_stored_and_reads_it_back()
    {
        var today = new CompoundState();
        today.Initialize("c1", Layout(1));
        Assert.True(today.BeginApply("c1", Layout(0), 1).IsSuccess);
        Assert.True(today.ClaimImport("c1", "job-7", null).Value);
        var earlier = new EarlierCompoundState
        {
            Layout = Layout(2),
            Unfinished = new EarlierUnfinishedApply(Layout(1), 2),
            ImportJob = "job-7",
        };

        var written = Storage.Serialize(earlier).ToArray();
        Assert.Equal(written, Storage.Serialize(today).ToArray());
        Assert.Equal(Storage.Serialize(new EarlierCompoundState()).ToArray(), Storage.Serialize(new CompoundState()).ToArray());

        var read = Storage.Deserialize<CompoundState>(new BinaryData(written))!;
        Assert.Equal((2, "job-7", 2, 1), (read.LayoutVersion, read.ImportJob, read.Unfinished!.Version, read.Unfinished.Base!.LayoutVersion));
        Assert.Equal("沪A·12345", read.Layout!.Users[0].Vehicles[0].Plate);
        // Read back, the layout's lists are of other concrete types than the ones built here, so compare with what
        // the earlier class writes after the same read.
        var earlierRead = Storage.Deserialize<EarlierCompoundState>(new BinaryData(written))!;
        Assert.Equal(Storage.Serialize(earlierRead).ToArray(), Storage.Serialize(read).ToArray());
        Assert.Equal("job-7", read.HolderOtherThan("job-8"));
        Assert.Equal("import-unfinished", read.BeginApply("c1", Layout(0), 2).Error!.Code);
    }
}

/// <summary><c>Parking.Grains.Compounds.CompoundState</c> as it was before it moved into Domain: public setters, no rules.</summary>
[GenerateSerializer]
public sealed class EarlierCompoundState
{
    [Id(0)]
    public CompoundLayout? Layout { get; set; }

    [Id(1)]
    public EarlierUnfinishedApply? Unfinished { get; set; }

    [Id(2)]
    public string? ImportJob { get; set; }
}

/// <summary><c>Parking.Grains.Compounds.UnfinishedApply</c> as it was.</summary>
[GenerateSerializer, Immutable]
public sealed record EarlierUnfinishedApply([property: Id(0)] CompoundLayout? Base, [property: Id(1)] int Version);
