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
/// Whether this silo seeds the demo (compound, proposal, charge point passwords): only a silo that starts
/// alone in its cluster does. A silo that joins a running cluster leaves seeding to the silos already there;
/// with in-memory state it must, as the state it would read while the cluster's directory is handed over can
/// be an empty copy, and seeding over that copy would fail or fork the state.
/// Decided once, when first asked (by the first seeder, after the silo has joined), so every seeder agrees.
/// </summary>
public sealed partial class DemoSeedingSilo(IClusterMembershipService membership, ILocalSiloDetails local, ILogger<DemoSeedingSilo> logger)
{
    private readonly Lazy<bool> _seeds = new(() =>
    {
        var others = membership.CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress));
        if (others > 0)
        {
            LogJoined(logger, others);
        }

        return others == 0;
    });

    public bool Seeds => _seeds.Value;

    [LoggerMessage(Level = LogLevel.Information, Message = "This silo joined a running cluster ({Others} other active silos); it leaves seeding the demo to them")]
    private static partial void LogJoined(ILogger logger, int others);
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
