using Parking.Api.Endpoints;
using Parking.Domain.Layout;
using Microsoft.Extensions.Options;
using Parking.Domain;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;
using Parking.Domain.Sharing;
using Parking.Grains;
using Parking.Grains.Compounds;

namespace Parking.Silo;

/// <summary>The seeded demo compound (<c>Parking:Seed</c>): on by default, Chengshangcheng-sized.</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Parking:Seed";

    public bool Enabled { get; set; } = true;

    public DemoCompoundSize Size { get; set; } = DemoCompoundSize.Chengshangcheng;

    public int RandomSeed { get; set; } = 2004;

    /// <summary>Put one open demo proposal to the demo compound's owners, with some ballots cast (<c>Parking:Seed:Proposal</c>); false turns it off.</summary>
    public bool Proposal { get; set; } = true;
}

public static class DemoCompoundHosting
{
    public static WebApplicationBuilder AddDemoCompound(this WebApplicationBuilder builder)
    {
        // The seed settings themselves are bound once, with the simulation's, in AddDemoSettings.
        builder.Services.AddSingleton<DemoSeedingSilo>();
        builder.Services.AddHostedService<DemoCompoundSeeder>();
        builder.Services.AddHostedService<DemoChargePoints>();
        return builder;
    }
}

/// <summary>
/// Whether this silo seeds the demo (compound, proposal, charge point passwords): only the eldest silo of the
/// cluster does, the one with the earliest start (generation) among the silos joining or active, ties broken by
/// address so that every silo comes to the same answer. Silos started together agree on one of them; a silo that
/// joins a running cluster is younger than the silos already there and leaves seeding to them. With in-memory state
/// it must, as the state it would read while the cluster's directory is handed over can be an empty copy, and
/// seeding over that copy would fail or fork the state. (Counting "other active silos", as this did before, let
/// three silos started at once each see another one active, and none seeded.)
/// Decided once, when first asked (by the first seeder, after the silo has joined), so every seeder of a silo agrees.
/// </summary>
public sealed partial class DemoSeedingSilo(IClusterMembershipService membership, ILocalSiloDetails local, ILogger<DemoSeedingSilo> logger)
{
    private readonly Lazy<bool> _seeds = new(() =>
    {
        var elder = ElderOf(local.SiloAddress, membership.CurrentSnapshot.Members.Values);
        if (elder is not null)
        {
            LogJoined(logger, elder.ToString());
        }

        return elder is null;
    });

    public bool Seeds => _seeds.Value;

    /// <summary>The eldest silo, joining or active, that started before <paramref name="self"/>; null when it is itself the eldest.</summary>
    public static SiloAddress? ElderOf(SiloAddress self, IEnumerable<ClusterMember> members) =>
        members
            .Where(m => m.Status is SiloStatus.Joining or SiloStatus.Active && !m.SiloAddress.Equals(self) && IsOlder(m.SiloAddress, self))
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.Generation)
            .ThenBy(a => a.Endpoint.ToString(), StringComparer.Ordinal)
            .FirstOrDefault();

    private static bool IsOlder(SiloAddress candidate, SiloAddress self) =>
        candidate.Generation != self.Generation
            ? candidate.Generation < self.Generation
            : string.CompareOrdinal(candidate.Endpoint.ToString(), self.Endpoint.ToString()) < 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Elder} of this cluster started before this one; seeding the demo is left to it")]
    private static partial void LogJoined(ILogger logger, string elder);
}

/// <summary>
/// Loads the demo compound when the silo starts, before the web server takes requests. A compound that
/// already has a layout (durable storage) is left as it is, and so is the demo of a cluster this silo joins
/// (<see cref="DemoSeedingSilo"/>).
/// </summary>
public sealed partial class DemoCompoundSeeder(
    IGrainFactory grains,
    DemoSeedingSilo seeding,
    CompoundImporter importer,
    SeedOptions options,
    IOptions<SharingPolicy> sharing,
    ParkingClock time,
    ILogger<DemoCompoundSeeder> logger) : IHostedService
{
    private const int Parallelism = 64;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled || !seeding.Seeds)
        {
            return;
        }

        // The demo comes in as any compound does: as a compound file, checked and applied by the importer.
        var text = CompoundFileReader.Write(DemoCompoundGenerator.GenerateFile(options.Size, options.RandomSeed));
        var check = CompoundFileCheck.Run(text);
        if (!check.IsValid)
        {
            throw new InvalidOperationException("The demo compound file has problems: " + string.Join("; ", check.Problems));
        }

        var layout = check.Layout!;
        if (await grains.Compound(layout.CompoundId).IsInitialized())
        {
            // A seeding that stopped half-way (the silo went down) is finished; one that finished is left as it is.
            if (await grains.Compound(layout.CompoundId).GetUnfinishedVersion() is not null)
            {
                await importer.Finish(layout.CompoundId, cancellationToken: cancellationToken);
            }

            LogAlreadySeeded(layout.CompoundId);
            return;
        }

        var applied = await importer.Apply(layout, expectedVersion: 0, cancellationToken: cancellationToken);
        if (!applied.IsSuccess)
        {
            // Another silo of the cluster imported it first.
            LogAlreadySeeded(layout.CompoundId);
            return;
        }

        var spaces = layout.Lots.SelectMany(l => l.Spaces);
        var demoSharing = DemoSharing.PlanFor(time.GetUtcNow(), sharing.Value);
        if (demoSharing is not null)
        {
            await Parallel.ForEachAsync(
                spaces.Where(s => s.Ownership == SpaceOwnership.Private),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (space, _) => await grains.Space(space.CompoundId, space.SpaceId).PublishSharing(demoSharing, new SharingPublisher("seed", space.OwnerHouseholdId)));
        }

        LogSeeded(layout.CompoundId, layout.Buildings.Count, layout.Households.Count, layout.Lots.Count, layout.SpaceCount);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo compound {CompoundId}: {Buildings} buildings, {Households} households, {Lots} lots, {Spaces} spaces")]
    private partial void LogSeeded(string compoundId, int buildings, int households, int lots, int spaces);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo compound {CompoundId} already has a layout; not seeding")]
    private partial void LogAlreadySeeded(string compoundId);
}
