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
}

public static class DemoCompoundHosting
{
    public static WebApplicationBuilder AddDemoCompound(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SeedOptions.SectionName).Get<SeedOptions>() ?? new SeedOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new DemoCompoundInfo(DemoCompoundGenerator.CompoundIdFor(options.Size), options.Enabled));
        builder.Services.AddHostedService<DemoCompoundSeeder>();
        builder.Services.AddHostedService<DemoChargePoints>();
        return builder;
    }
}

/// <summary>
/// Loads the demo compound when the silo starts, before the web server takes requests. A compound that
/// already has a layout (durable storage, second silo) is left as it is.
/// </summary>
public sealed partial class DemoCompoundSeeder(
    IGrainFactory grains,
    CompoundImporter importer,
    SeedOptions options,
    IOptions<SharingPolicy> sharing,
    ParkingClock time,
    ILogger<DemoCompoundSeeder> logger) : IHostedService
{
    private const int Parallelism = 64;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
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
